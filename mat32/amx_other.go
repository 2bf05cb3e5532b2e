//go:build !amd64 || purego

package mat32

const amxAsm = false

// AMX reports whether GemmBF16 can run here: never without the amd64
// assembly.
func AMX() bool { return false }

func amxPanel(p *amxArgs) { panic("mat32: AMX kernel unavailable") }

func amxConvRows(dst *uint16, src *float32, lda, rows, steps int, alpha float32) bool {
	panic("mat32: AMX kernel unavailable")
}

func amxSplit(hi, lo *uint16, x *float32, n int) bool { panic("mat32: AMX kernel unavailable") }

func amxConvCols(dst *uint16, src *float32, lda, steps int, scratch *uint32, alpha float32) bool {
	panic("mat32: AMX kernel unavailable")
}

func amxPackPairs(dst *uint16, src *float32, lds, nblk, bblk int, mask uint32) {
	panic("mat32: AMX kernel unavailable")
}

func amxPackT(dst *uint16, src *float32, lds, steps int, scratch *uint32) {
	panic("mat32: AMX kernel unavailable")
}
