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
	if addRowsLevel < 2 || !fits {
		sumRowsGo(dst, src, lists)
		return
	}
	nc := lists.segment(src.Rows)
	if sumRowsPrefetch {
		chunk := 1 << sumRowsChunkShift
		pf := (min(chunk, src.Rows) + dst.Rows - 1) / dst.Rows
		sumRowsPFAVX512(&dst.Data[0], dst.Stride, dst.Rows, dst.Cols, &src.Data[0], &lists.off[0], &lists.seg[0], nc, chunk*4*src.Stride, 4*src.Stride, pf)
		return
	}
	sumRowsAVX512(&dst.Data[0], dst.Stride, dst.Rows, dst.Cols, &src.Data[0], &lists.off[0], &lists.seg[0], nc)
}

// segment fills l.seg for sumRowsAVX512 and returns the number of chunks.
// When every list is sorted, the lists are cut into segments by chunks of
// 1<<sumRowsChunkShift rows of src (with srcRows rows); otherwise, or when
// src is a single chunk, each list is one segment of one chunk.
func (l *RowLists) segment(srcRows int) int {
	nl := l.Len()
	shift := sumRowsChunkShift
	nc := (srcRows + 1<<shift - 1) >> shift
	if !l.sorted || nc <= 1 {
		nc = 1
	}
	nseg := 2 * nc * nl
	if cap(l.seg) < nseg {
		l.seg = make([]int, nseg)
	}
	seg := l.seg[:nseg]
	if nc == 1 {
		for r := 0; r < nl; r++ {
			seg[2*r], seg[2*r+1] = l.ptr[r], l.ptr[r+1]
		}
		return 1
	}
	for r := 0; r < nl; r++ {
		k, e := l.ptr[r], l.ptr[r+1]
		for c := 0; c < nc; c++ {
			s := 2 * (c*nl + r)
			seg[s] = k
			end := (c + 1) << shift
			for k < e && int(l.idx[k]) < end {
				k++
			}
			seg[s+1] = k
		}
	}
	return nc
}

var sumRowsPrefetch = false

//go:noescape
func sumRowsPFAVX512(dst *float32, dstStride, rows, n int, src *float32, off *uint32, seg *int, chunks, chunkBytes, srcStride, pf int)
