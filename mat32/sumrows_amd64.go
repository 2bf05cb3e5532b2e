//go:build amd64 && !purego

package mat32

// sumRowsAVX512 sets, for r < rows and j < n, dst[r*dstStride+j] to the
// sum over the chunks c < chunks of the sums over k in [seg[2s], seg[2s+1]),
// s = c*rows+r, of src[off[k]+j]. It walks the columns in strips of 64 (the
// last one masked), and for each strip the chunks, and for each chunk every
// r. It touches no memory outside the n elements of each dst row and of
// each listed src row. rows, n and chunks must be > 0.
//
//go:noescape
func sumRowsAVX512(dst *float32, dstStride, rows, n int, src *float32, off *uint32, seg *int, chunks int)

func sumRowsKernel(dst *Dense, src *Dense, lists *RowLists, fits bool) {
	switch {
	case !fits || addRowsLevel == 1:
		// AddRows' AVX2 kernel on strips beats the blocked Go loop.
		sumRowsGo(dst, src, lists)
		return
	case addRowsLevel == 0:
		sumRowsBlockedGo(dst, src, lists)
		return
	}
	nc := lists.segment(src.Rows)
	sumRowsAVX512(&dst.Data[0], dst.Stride, dst.Rows, dst.Cols, &src.Data[0], &lists.off[0], &lists.seg[0], nc)
}
