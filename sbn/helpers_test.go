package sbn

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// randomNet returns a net of the given sizes with weights and biases from
// N(0, scale^2).
func randomNet(r *rng.Stream, scale float32, sizes ...int) *Net {
	n := New(sizes...)
	for l := range n.Layers {
		r.Normal(n.Layers[l].Bias, 0, scale)
		if w := n.Layers[l].W; w != nil {
			r.Normal(w.Data, 0, scale)
		}
	}
	return n
}

func randomRec(r *rng.Stream, n *Net, scale float32) *Recognition {
	q := NewRecognition(n)
	for l, w := range q.W {
		r.Normal(w.Data, 0, scale)
		r.Normal(q.Bias[l], 0, scale)
	}
	return q
}

// bits returns the state s of k units as a float32 row.
func bits(s, k int) []float32 {
	x := make([]float32, k)
	for j := range x {
		x[j] = float32(s >> j & 1)
	}
	return x
}

// logJoint64 returns log p(x_0, ..., x_top) computed directly in float64.
func logJoint64(n *Net, x [][]float32) float64 {
	var s float64
	for l := range n.Layers {
		L := n.Layers[l]
		for i, b := range L.Bias {
			z := float64(b)
			if L.W != nil {
				for k, xk := range x[l+1] {
					z += float64(xk) * float64(L.W.At(k, i))
				}
			}
			s += float64(x[l][i])*z - softplus64(z)
		}
	}
	return s
}

// logQ64 returns log q(x_1..x_top | x_0) directly in float64.
func logQ64(q *Recognition, x [][]float32) float64 {
	var s float64
	for l, w := range q.W {
		for j, b := range q.Bias[l] {
			z := float64(b)
			for i, xi := range x[l] {
				z += float64(xi) * float64(w.At(i, j))
			}
			s += float64(x[l+1][j])*z - softplus64(z)
		}
	}
	return s
}

// bruteLogProb returns log p(v) by summing the joint over all hidden states.
func bruteLogProb(n *Net, v []float32) float64 {
	sizes := n.Sizes()
	total := 0
	for _, s := range sizes[1:] {
		total += s
	}
	terms := make([]float64, 1<<total)
	for c := range terms {
		x := [][]float32{v}
		off := 0
		for _, s := range sizes[1:] {
			x = append(x, bits(c>>off, s))
			off += s
		}
		terms[c] = logJoint64(n, x)
	}
	return mat32.LogSumExp64(terms)
}

// rowsOf returns a (len(rows), k) matrix.
func rowsOf(rows ...[]float32) *mat32.Dense {
	m := mat32.NewDense(len(rows), len(rows[0]), nil)
	for i, r := range rows {
		copy(m.Row(i), r)
	}
	return m
}

// stateIndex returns the state number of a binary row.
func stateIndex(x []float32) int {
	s := 0
	for j, v := range x {
		if v != 0 {
			s |= 1 << j
		}
	}
	return s
}

// checkCounts checks that counts (over n draws) match the probabilities p:
// each count within 5 standard deviations of n p, and the total variation
// distance below 5 sqrt(states / n) / 2.
func checkCounts(t *testing.T, name string, counts []int, p []float64, n int) {
	t.Helper()
	var tv float64
	for s, c := range counts {
		e := float64(n) * p[s]
		sd := math.Sqrt(float64(n) * p[s] * (1 - p[s]))
		if math.Abs(float64(c)-e) > 5*sd+1 {
			t.Errorf("%s: state %d: count %d, expected %.1f ± %.1f", name, s, c, e, sd)
		}
		tv += math.Abs(float64(c)/float64(n) - p[s])
	}
	tv /= 2
	if lim := 2.5 * math.Sqrt(float64(len(p))/float64(n)); tv > lim {
		t.Errorf("%s: total variation %.4f > %.4f", name, tv, lim)
	}
}
