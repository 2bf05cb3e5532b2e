//go:build amd64 && !purego

package mat32

import (
	"sync"
	"syscall"

	"golang.org/x/sys/cpu"
)

const amxAsm = true

var (
	amxOnce sync.Once
	amxOK   bool
)

// AMX reports whether GemmBF16 can run here: the CPU has AMX-BF16 (and
// AVX512-BF16, used to convert to bf16) and the operating system granted
// this process the tile data state. The permission is requested once, on
// the first call.
func AMX() bool {
	amxOnce.Do(func() {
		if !cpu.X86.HasAMXTile || !cpu.X86.HasAMXBF16 || !cpu.X86.HasAVX512BF16 || !cpu.X86.HasAVX512BW {
			return
		}
		// arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA): Linux
		// enables the 8 KiB of tile state per thread only on request.
		const archReqXcompPerm, xfeatureXtiledata = 0x1023, 18
		_, _, errno := syscall.RawSyscall(syscall.SYS_ARCH_PRCTL, archReqXcompPerm, xfeatureXtiledata, 0)
		amxOK = errno == 0
	})
	return amxOK
}

// amxPanel multiplies one packed panel of A by every column block of
// packed B into C, as amxArgs describes.
//
//go:noescape
func amxPanel(p *amxArgs)

// amxConvRows splits alpha times rows x 32*steps float32 of src (lda bytes apart) into
// bf16 hi and lo parts at dst in the packed A layout; it reports whether
// any lo part is nonzero.
//
//go:noescape
func amxConvRows(dst *uint16, src *float32, lda, rows, steps int, alpha float32) (inexact bool)

// amxSplit sets hi[i], lo[i] to the bf16 split of x[i], i < n, n a
// multiple of 32; it reports whether any lo[i] is nonzero.
//
//go:noescape
func amxSplit(hi, lo *uint16, x *float32, n int) (inexact bool)

// amxConvCols splits alpha times columns 0-31 of rows 0 to 32*steps-1 of src (lda
// bytes apart) into bf16 hi and lo parts at dst in the packed A layout of
// src^T, using 4 KiB of scratch; it reports whether any lo part is nonzero.
//
//go:noescape
func amxConvCols(dst *uint16, src *float32, lda, steps int, scratch *uint32, alpha float32) (inexact bool)

// amxPackPairs packs rows k, k+1 of B (lds bytes apart) into their tile
// row of every column block (nblk blocks, bblk bytes apart, mask the last
// block's columns).
//
//go:noescape
func amxPackPairs(dst *uint16, src *float32, lds, nblk, bblk int, mask uint32)

// amxPackT packs 16 rows of a transposed B over steps main K steps into
// one 16-column tile column, using 2 KiB of scratch.
//
//go:noescape
func amxPackT(dst *uint16, src *float32, lds, steps int, scratch *uint32)
