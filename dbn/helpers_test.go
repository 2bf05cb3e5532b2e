package dbn

import (
	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// toyData returns n binary rows of nv units drawn from k prototypes (each
// a random binary vector) with each bit flipped with probability flip, and
// the index of each row's prototype as its label.
func toyData(n, nv, k int, flip float32, r *rng.Stream) (*mat32.Dense, []int) {
	protos := mat32.NewDense(k, nv, nil)
	half := make([]float32, nv)
	for j := range half {
		half[j] = 0.5
	}
	for c := 0; c < k; c++ {
		r.Bernoulli(protos.Row(c), half)
	}
	x := mat32.NewDense(n, nv, nil)
	labels := make([]int, n)
	for i := 0; i < n; i++ {
		c := r.IntN(k)
		labels[i] = c
		row := x.Row(i)
		for j, p := range protos.Row(c) {
			if r.Float32() < flip {
				p = 1 - p
			}
			row[j] = p
		}
	}
	return x, labels
}

// transposeRBM returns the RBM with m's layers swapped: W^T, VBias = m's
// HBias, HBias = m's VBias.
func transposeRBM(m *rbm.RBM) *rbm.RBM {
	nv, nh := m.Dims()
	t := rbm.New(nh, nv, rbm.Bernoulli)
	t.W.Transpose(m.W)
	copy(t.VBias, m.HBias)
	copy(t.HBias, m.VBias)
	return t
}
