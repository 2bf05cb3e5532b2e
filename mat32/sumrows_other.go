//go:build !amd64 || purego

package mat32

func sumRowsKernel(dst *Dense, src *Dense, lists *RowLists, fits bool) {
	if !fits {
		sumRowsGo(dst, src, lists)
		return
	}
	sumRowsBlockedGo(dst, src, lists)
}
