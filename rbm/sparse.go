package rbm

import (
	"math"
	"slices"

	"github.com/belief-ml/belief/mat32"
)

// Sparse products.
//
// Binarized MNIST is 87% zeros, and the rows of a batch of binary visible
// states pick rows of W: for a 0/1 row v, v*W is the sum of the rows of W
// at the ones of v, and the visible half of the weight gradient, V^T*H,
// adds to row j of W the rows of H whose visible unit j is on. When the
// data of an epoch are binary with few ones (and mat32 has a vector kernel
// for AddRows), CD and PCD form every product with binary visible states
// that way: the data's products always, and for PCD (or CD with
// SampleVisible) those of the negative states too. The results are those
// of the dense products up to float32 rounding; the arithmetic falls with
// the fraction of ones.

// maxSparseDensity is the largest fraction of ones in the data for which
// the trainer uses sparse products: at higher densities the row sums lose
// to the matrix product's register blocking.
const maxSparseDensity = 0.35

// rowLists holds, for each row of a 0/1 matrix, the columns of its ones
// (compressed sparse rows).
type rowLists struct {
	ptr []int32 // (rows+1): row i's ones are idx[ptr[i]:ptr[i+1]]
	idx []int32
}

// row returns the columns of row i's ones.
func (s *rowLists) row(i int) []int32 { return s.idx[s.ptr[i]:s.ptr[i+1]] }

// build sets s to the ones of data's rows and reports whether data is binary
// with at most maxSparseDensity ones (s is left unusable if not).
func (s *rowLists) build(data *mat32.Dense) bool {
	nnz := 0
	for i := 0; i < data.Rows; i++ {
		for _, v := range data.Row(i) {
			if v != 0 {
				if v != 1 {
					return false
				}
				nnz++
			}
		}
	}
	if float64(nnz) > maxSparseDensity*float64(data.Rows)*float64(data.Cols) || nnz+data.Cols > math.MaxInt32 {
		return false
	}
	if cap(s.ptr) < data.Rows+1 {
		s.ptr = make([]int32, data.Rows+1)
	}
	s.ptr = s.ptr[:data.Rows+1]
	if cap(s.idx) < nnz+data.Cols {
		s.idx = make([]int32, 0, nnz+data.Cols)
	}
	s.idx = s.idx[:0]
	for i := 0; i < data.Rows; i++ {
		s.idx = mat32.Nonzeros(s.idx, data.Row(i))
		s.ptr[i+1] = int32(len(s.idx))
	}
	return true
}

// colLists holds, for each column of a batch of 0/1 rows, the rows with a
// one in it (compressed sparse columns), in increasing order.
type colLists struct {
	ptr []int32 // (cols+1): column j's rows are idx[ptr[j]:ptr[j+1]]
	idx []int32
}

func newColLists(cols, maxOnes int) colLists {
	return colLists{ptr: make([]int32, cols+1), idx: make([]int32, maxOnes)}
}

// col returns the rows with a one in column j.
func (c *colLists) col(j int) []int32 { return c.idx[c.ptr[j]:c.ptr[j+1]] }

// count returns the number of ones in column j.
func (c *colLists) count(j int) float32 { return float32(c.ptr[j+1] - c.ptr[j]) }

// rowSource lists the ones of the rows of a batch.
type rowSource interface {
	row(i int) []int32
}

// batchRows are the rows perm[b0:] of the data's row lists.
type batchRows struct {
	csr  *rowLists
	perm []int
	b0   int
}

func (b batchRows) row(i int) []int32 { return b.csr.row(b.perm[b.b0+i]) }

// sliceRows are row lists held one slice per row.
type sliceRows [][]int32

func (s sliceRows) row(i int) []int32 { return s[i] }

// buildColsRange sets c to the columns [j0, j1) of the transpose of rows
// 0..n-1 of r (column j at c.col(j-j0)); the rows' lists must be sorted.
func buildColsRange[R rowSource](c *colLists, n, j0, j1 int, r R) {
	ptr := c.ptr[:j1-j0+1]
	clear(ptr)
	for i := 0; i < n; i++ {
		row := r.row(i)
		a, _ := slices.BinarySearch(row, int32(j0))
		for _, j := range row[a:] {
			if int(j) >= j1 {
				break
			}
			ptr[int(j)-j0+1]++
		}
	}
	for j := 1; j < len(ptr); j++ {
		ptr[j] += ptr[j-1]
	}
	// fill, advancing ptr[j] as the next free slot of column j (it ends as
	// column j's end, which is column j+1's start), then shift back
	for i := 0; i < n; i++ {
		row := r.row(i)
		a, _ := slices.BinarySearch(row, int32(j0))
		for _, j := range row[a:] {
			if int(j) >= j1 {
				break
			}
			k := int(j) - j0
			c.idx[ptr[k]] = int32(i)
			ptr[k]++
		}
	}
	for j := len(ptr) - 1; j > 0; j-- {
		ptr[j] = ptr[j-1]
	}
	ptr[0] = 0
}

// sumRowsOfW sets rows [lo, hi) of dst (nh columns) to the sums of the
// rows of t.Model.W listed by r, with mat32.SumRows, which walks W in
// strips so that each part of it is read from memory about once for all
// the rows. w is the worker.
func sumRowsOfW[R rowSource](t *Trainer, w int, dst *mat32.Dense, lo, hi int, r R) {
	_, nh := t.Model.Dims()
	l := &t.rowLists[w]
	l.Reset()
	for i := lo; i < hi; i++ {
		l.Append(r.row(i))
	}
	d := &t.views[w].d
	dst.SliceInto(d, lo, hi, 0, nh)
	mat32.SumRows(d, t.Model.W, l)
}
