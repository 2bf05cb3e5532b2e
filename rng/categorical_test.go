package rng

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
)

func TestCategorical(t *testing.T) {
	nan := float32(math.NaN())
	rows := [][]float32{
		{0.1, 0, 0.3, 0.6},
		{2, 2, 4, 0},           // unnormalised
		{-1, 0.5, nan, 0.5},    // negative and NaN entries are never drawn
		{0, 0, 1e-3, 1 - 1e-3}, // small probability
		{0, 0, 0},              // no positive entry: index 0
		{1},
	}
	const draws = 100000
	s := New(31)
	for _, row := range rows {
		p := mat32.NewDense(draws, len(row), nil)
		for i := range draws {
			copy(p.Row(i), row)
		}
		idx := make([]int, draws)
		s.Categorical(idx, p)
		counts := make([]int, len(row))
		for _, k := range idx {
			counts[k]++
		}
		var total float64
		for _, q := range row {
			if q > 0 {
				total += float64(q)
			}
		}
		exp := make([]float64, len(row))
		for j, q := range row {
			if q > 0 {
				exp[j] = draws * float64(q) / total
			}
		}
		if total == 0 {
			exp[0] = draws
		}
		checkChi2(t, "Categorical", counts, exp)
		if total == 0 && counts[0] != draws {
			t.Errorf("row %v: indices %v, want all 0", row, counts)
		}

		// OneHot, in place: one 1 per row, same frequencies.
		s.OneHot(p, p)
		clear(counts)
		for i := range draws {
			var sum float32
			for j, v := range p.Row(i) {
				if v != 0 && v != 1 {
					t.Fatalf("OneHot gave %v", v)
				}
				sum += v
				if v == 1 {
					counts[j]++
				}
			}
			if sum != 1 {
				t.Fatalf("OneHot row %d sums to %v", i, sum)
			}
		}
		checkChi2(t, "OneHot", counts, exp)
	}
}
