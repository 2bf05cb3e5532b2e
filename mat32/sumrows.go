package mat32

import (
	"fmt"
	"math"
)

// RowLists is a list of lists of row indices, the input of SumRows: list r
// names the rows of src whose sum becomes row r of dst. The lists are kept
// one after another in a single []int32 (a compressed-row layout), so a
// RowLists reused across calls, after Reset, allocates nothing once its
// capacity has grown to the largest batch it has held.
//
// The zero value is an empty RowLists ready to use. SumRows also keeps in it
// the position of each listed row inside src, as scratch space, so one
// RowLists must not be passed to two SumRows calls running at the same time.
type RowLists struct {
	idx []int32 // every list, one after another
	ptr []int   // list r is idx[ptr[r]:ptr[r+1]]; ptr[0] == 0 once a list is appended

	// SumRows' scratch space for the blocked kernels: the element offset
	// idx[k]*src.Stride of each listed row, whether every list is sorted,
	// and the segments of the lists by chunks of src rows (see segment).
	off    []uint32
	sorted bool
	seg    []int
}

// Reset empties l, keeping its capacity.
func (l *RowLists) Reset() {
	l.idx = l.idx[:0]
	l.ptr = l.ptr[:0]
}

// Len returns the number of lists in l.
func (l *RowLists) Len() int {
	if l == nil || len(l.ptr) == 0 {
		return 0
	}
	return len(l.ptr) - 1
}

// List returns list r, which shares l's storage (valid until the next Reset
// or Append). It panics if r is not in [0, Len()).
func (l *RowLists) List(r int) []int32 {
	if uint(r) >= uint(l.Len()) {
		panic(fmt.Sprintf("mat32: RowLists list %d out of range %d", r, l.Len()))
	}
	return l.idx[l.ptr[r]:l.ptr[r+1]:l.ptr[r+1]]
}

// Append adds a copy of list as the last list of l. The indices are checked
// by SumRows, not here; they may repeat and need not be sorted, but SumRows
// is faster when every list is in increasing order (see SumRows).
func (l *RowLists) Append(list []int32) {
	if len(l.ptr) == 0 {
		l.ptr = append(l.ptr, 0)
	}
	l.idx = append(l.idx, list...)
	l.ptr = append(l.ptr, len(l.idx))
}

// AppendNonzeros adds as the last list of l the indices j, in increasing
// order, at which x[j] != 0: it is Append(Nonzeros(nil, x)) without the
// intermediate slice. For a 0/1 matrix V, the lists of V's rows make SumRows
// compute the product V*src.
func (l *RowLists) AppendNonzeros(x []float32) {
	if len(l.ptr) == 0 {
		l.ptr = append(l.ptr, 0)
	}
	l.idx = Nonzeros(l.idx, x)
	l.ptr = append(l.ptr, len(l.idx))
}

// SumRows sets row r of dst to the sum of the rows of src listed in list r
// of lists, for every r:
//
//	for r := 0; r < lists.Len(); r++ {
//		for j := 0; j < dst.Cols; j++ {
//			var s float32
//			for _, i := range lists.List(r) {
//				s += src.At(int(i), j)
//			}
//			dst.Set(r, j, s)
//		}
//	}
//
// dst must be lists.Len() x src.Cols (a nil lists holds no list) and every
// index must lie in [0, src.Rows); SumRows panics otherwise. An empty list
// gives a row of zeros; a repeated index adds its row as often as it
// appears. dst is overwritten without being read and must not overlap src.
// The order of the additions is unspecified (it differs from AddRows'), so
// results may differ between kernels in the last bits of the float32 sums.
//
// It does the work of one AddRows(dst.Row(r), 1, src, lists.List(r), 0) per
// list, but with AVX-512 it blocks the work for the cache: it walks src in
// strips of 64 columns and, when every list is sorted (as AppendNonzeros
// makes them), each strip in blocks of 128 rows (32 KiB); each block is
// added to the strips of all the dst rows (7 KiB for 28 rows) before the
// next, so every element of src listed anywhere is read from beyond L1 about
// once per call instead of once per list that names it. With AVX2 it runs
// AddRows on strips of 128 columns for all the lists in turn; elsewhere
// (other architectures, the purego tag) the blocked loop in plain Go.
func SumRows(dst *Dense, src *Dense, lists *RowLists) {
	n := lists.Len()
	if dst.Rows != n || dst.Cols != src.Cols {
		panic(fmt.Sprintf("mat32: SumRows destination %dx%d, want %dx%d (%d lists, src is %dx%d)",
			dst.Rows, dst.Cols, n, src.Cols, n, src.Rows, src.Cols))
	}
	if n == 0 {
		return
	}
	idx := lists.idx[:lists.ptr[n]]
	rows := uint(src.Rows)
	// The kernels address the rows by 32-bit element offsets from
	// &src.Data[0]: compute them here when the last row's offset fits,
	// along with the range check.
	fits := src.Rows == 0 || uint64(src.Rows-1)*uint64(src.Stride) <= math.MaxUint32
	if fits {
		if cap(lists.off) < len(idx) {
			lists.off = make([]uint32, len(idx), cap(lists.idx))
		}
		off := lists.off[:len(idx)]
		stride := uint32(src.Stride)
		sorted := true
		for r := 0; r < n; r++ {
			b, e := lists.ptr[r], lists.ptr[r+1]
			prev := int32(0)
			for k, i := range idx[b:e] {
				if uint(i) >= rows {
					sumRowsBadIndex(lists, b+k, src.Rows)
				}
				off[b+k] = uint32(i) * stride
				sorted = sorted && i >= prev
				prev = i
			}
		}
		lists.sorted = sorted
	} else {
		for k, i := range idx {
			if uint(i) >= rows {
				sumRowsBadIndex(lists, k, src.Rows)
			}
		}
	}
	if dst.Cols == 0 {
		return
	}
	if len(idx) == 0 {
		for r := 0; r < n; r++ {
			clear(dst.Row(r))
		}
		return
	}
	// The kernels read rows and write dst rows by address: check once that
	// the last ones are inside Data.
	_ = src.Row(src.Rows - 1)
	_ = dst.Row(dst.Rows - 1)
	sumRowsKernel(dst, src, lists, fits)
}

// sumRowsBadIndex panics for the out-of-range index idx[k] of lists, naming
// its list.
func sumRowsBadIndex(lists *RowLists, k, rows int) {
	r := 0
	for lists.ptr[r+1] <= k {
		r++
	}
	panic(fmt.Sprintf("mat32: SumRows index %d (list %d, position %d) out of range [0, %d)",
		lists.idx[k], r, k-lists.ptr[r], rows))
}

// sumRowsChunkShift is the log2 of the number of src rows in the blocks of
// sumRowsAVX512: 128 rows of a 64-column strip are 32 KiB, which leaves
// room in a 48 KiB L1 for the strips of dst. Tests lower it.
var sumRowsChunkShift = 7

// sumRowsStrip is the number of columns sumRowsGo sums for every list
// before it moves on, so that the strip of src stays in the cache.
const sumRowsStrip = 128

// sumRowsGo is the portable SumRows: for each strip of sumRowsStrip
// columns, one AddRows kernel call per list (the AVX2 kernel where the
// machine has it).
func sumRowsGo(dst *Dense, src *Dense, lists *RowLists) {
	var view Dense
	n := lists.Len()
	for j0 := 0; j0 < src.Cols; j0 += sumRowsStrip {
		j1 := min(src.Cols, j0+sumRowsStrip)
		src.SliceInto(&view, 0, src.Rows, j0, j1)
		for r := 0; r < n; r++ {
			d := dst.Row(r)[j0:j1]
			list := lists.idx[lists.ptr[r]:lists.ptr[r+1]]
			if len(list) == 0 {
				clear(d)
				continue
			}
			addRowsKernel(d, 1, &view, list, 0)
		}
	}
}

// segment fills l.seg for the blocked kernels and returns the number of chunks.
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

// sumRowsBlockedGo is the portable version of sumRowsAVX512: the same
// blocks (strips of 64 columns, chunks of rows when the lists are sorted)
// over the offsets SumRows computed, in plain Go.
func sumRowsBlockedGo(dst *Dense, src *Dense, lists *RowLists) {
	nl := lists.Len()
	nc := lists.segment(src.Rows)
	seg, off, data := lists.seg, lists.off, src.Data
	for j0 := 0; j0 < src.Cols; j0 += 64 {
		w := min(64, src.Cols-j0)
		for c := 0; c < nc; c++ {
			for r := 0; r < nl; r++ {
				d := dst.Row(r)[j0 : j0+w]
				if c == 0 {
					clear(d)
				}
				s := 2 * (c*nl + r)
				segment := off[seg[s]:seg[s+1]]
				// Two rows per pass over d halve its loads and stores.
				for len(segment) >= 2 {
					a := data[int(segment[0])+j0:][:len(d)]
					b := data[int(segment[1])+j0:][:len(d)]
					for j := range d {
						d[j] += a[j] + b[j]
					}
					segment = segment[2:]
				}
				if len(segment) == 1 {
					a := data[int(segment[0])+j0:][:len(d)]
					for j := range d {
						d[j] += a[j]
					}
				}
			}
		}
	}
}
