package rng

import (
	"fmt"

	"github.com/belief-ml/belief/mat32"
)

// pick returns an index drawn with probability proportional to the
// positive entries of row, using one Float64. Entries that are zero,
// negative or NaN are never picked. The row need not sum to 1: the uniform
// is scaled by the row's float64 sum, so rounding in the probabilities
// cannot favour the last index. A row with no positive entry gives 0.
func (s *Stream) pick(row []float32) int {
	var total float64
	for _, q := range row {
		if q > 0 {
			total += float64(q)
		}
	}
	u := s.Float64() * total
	last := 0
	var c float64
	for j, q := range row {
		if q > 0 {
			c += float64(q)
			if u < c {
				return j
			}
			last = j
		}
	}
	// Only reached through rounding when u lands within an ulp of total.
	return last
}

// Categorical draws one index per row of p into dst (len(dst) == p.Rows).
// Row i's entries are the unnormalised probabilities of the indices
// 0..p.Cols-1: index j is drawn with probability p[i,j] / sum_k p[i,k],
// exactly up to float64 rounding and the 2^-53 resolution of the uniform.
// Entries that are zero, negative or NaN are never drawn; a row with no
// positive entry gives index 0. It panics if len(dst) != p.Rows.
func (s *Stream) Categorical(dst []int, p *mat32.Dense) {
	if len(dst) != p.Rows {
		panic(fmt.Sprintf("rng: Categorical needs %d outputs, got %d", p.Rows, len(dst)))
	}
	for i := range dst {
		dst[i] = s.pick(p.Row(i))
	}
}

// OneHot replaces each row of p (unnormalised probabilities, as for
// Categorical) by a one-hot sample drawn from it, written to dst, which has
// p's shape and may be p itself. Every row of dst gets exactly one 1 (if
// p.Cols > 0); the rest are 0. It panics if the shapes differ.
func (s *Stream) OneHot(dst, p *mat32.Dense) {
	if dst.Rows != p.Rows || dst.Cols != p.Cols {
		panic(fmt.Sprintf("rng: OneHot shape mismatch %dx%d vs %dx%d", dst.Rows, dst.Cols, p.Rows, p.Cols))
	}
	if p.Cols == 0 {
		return
	}
	for i := 0; i < p.Rows; i++ {
		k := s.pick(p.Row(i))
		out := dst.Row(i)
		clear(out)
		out[k] = 1
	}
}
