package mat32

import (
	"fmt"
	"math"
	"slices"
)

// AddRows sets dst = beta*dst + alpha*(sum over k of src.Row(int(idx[k]))).
//
// It is the product x*src for a 0/1 row vector x whose ones are at the
// columns listed in idx (Nonzeros lists them), at a cost proportional to
// len(idx) instead of src.Rows:
//
//	for j := range dst {
//		var s float32
//		for _, i := range idx {
//			s += src.At(int(i), j)
//		}
//		dst[j] = alpha*s + beta*dst[j]
//	}
//
// len(dst) must equal src.Cols and every idx[k] must lie in [0, src.Rows);
// AddRows panics otherwise. Indices may repeat (the row is then added as
// often as it appears) and need not be sorted. When beta == 0, dst is
// overwritten without being read, so a NaN in dst does not propagate. An
// empty idx gives dst = beta*dst (zeros when beta == 0). dst must not
// overlap src. The order of the additions is unspecified, so results may
// differ between kernels in the last bits of the float32 sums.
func AddRows(dst []float32, alpha float32, src *Dense, idx []int32, beta float32) {
	if len(dst) != src.Cols {
		panic(fmt.Sprintf("mat32: AddRows destination length %d, want %d (src is %dx%d)", len(dst), src.Cols, src.Rows, src.Cols))
	}
	rows := uint(src.Rows)
	for k, i := range idx {
		if uint(i) >= rows {
			panic(fmt.Sprintf("mat32: AddRows index idx[%d] = %d out of range [0, %d)", k, i, src.Rows))
		}
	}
	if len(dst) == 0 {
		return
	}
	if len(idx) == 0 {
		switch beta {
		case 0:
			clear(dst)
		case 1:
		default:
			Scal(beta, dst)
		}
		return
	}
	// The kernels read rows by address: check once that the last row is
	// inside Data so that every row in [0, Rows) is.
	_ = src.Row(src.Rows - 1)
	addRowsKernel(dst, alpha, src, idx, beta)
}

// AddRowsSIMD reports whether AddRows runs on a vector kernel on this
// machine (AVX-512, or AVX2 with FMA, on amd64 without the purego build tag).
// Callers that choose between AddRows and a GEMM on sparse binary data use it
// to take the sparse path only where it pays.
func AddRowsSIMD() bool { return addRowsLevel > 0 }

// Nonzeros appends to dst the indices j, as int32 and in increasing order,
// at which x[j] != 0, and returns the extended slice, like append:
//
//	for j, v := range x {
//		if v != 0 {
//			dst = append(dst, int32(j))
//		}
//	}
//
// Negative zero counts as zero and NaN as nonzero. Nonzeros never allocates
// when cap(dst)-len(dst) >= len(x); otherwise it grows dst to that room
// first. It writes nothing beyond the returned length. It panics if len(x)
// exceeds math.MaxInt32.
func Nonzeros(dst []int32, x []float32) []int32 {
	if len(x) > math.MaxInt32 {
		panic(fmt.Sprintf("mat32: Nonzeros of %d elements does not fit int32 indices", len(x)))
	}
	if cap(dst)-len(dst) < len(x) {
		dst = slices.Grow(dst, len(x))
	}
	n := nonzerosKernel(dst[len(dst):len(dst)+len(x)], x)
	return dst[:len(dst)+n]
}

// addRowsLevel selects the AddRows and Nonzeros kernels: 0 is the pure Go
// code, 1 AVX2+FMA, 2 AVX-512. It starts at addRowsMaxLevel, the best this
// machine can run; tests lower it to compare the kernels.
var addRowsLevel = addRowsMaxLevel

// addRowsGo is the portable AddRows: dst is scaled by beta, then alpha times
// each selected row is added to it.
func addRowsGo(dst []float32, alpha float32, src *Dense, idx []int32, beta float32) {
	switch beta {
	case 0:
		clear(dst)
	case 1:
	default:
		Scal(beta, dst)
	}
	n := len(dst)
	if alpha == 1 {
		for _, i := range idx {
			row := src.Data[int(i)*src.Stride:][:n]
			for j, v := range row {
				dst[j] += v
			}
		}
		return
	}
	for _, i := range idx {
		row := src.Data[int(i)*src.Stride:][:n]
		for j, v := range row {
			dst[j] += alpha * v
		}
	}
}

// nonzerosGo writes the indices j with x[j] != 0 to dst, which has room
// for len(x) of them, and returns how many it wrote.
func nonzerosGo(dst []int32, x []float32) int {
	dst = dst[:len(x)]
	n := 0
	for j, v := range x {
		if v != 0 {
			dst[n] = int32(j)
			n++
		}
	}
	return n
}
