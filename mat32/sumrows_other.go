//go:build !amd64 || purego

package mat32

func sumRowsKernel(dst *Dense, src *Dense, lists *RowLists, fits bool) {
	sumRowsGo(dst, src, lists)
}
