package nn

import (
	"fmt"
	"math"

	"github.com/belief-ml/belief/mat32"
)

// minProb is the smallest probability the cross-entropy takes the log of,
// the smallest positive float32: a softmax output that underflowed to 0
// costs log(1/minProb) = 103.3 nats instead of +Inf.
const minProb = math.SmallestNonzeroFloat32

// crossEntropySum returns sum_i -log p[i, labels[i]] in float64, checking
// the labels.
func crossEntropySum(p *mat32.Dense, labels []int) float64 {
	if len(labels) != p.Rows {
		panic(fmt.Sprintf("nn: %d labels for %d rows", len(labels), p.Rows))
	}
	var s float64
	for i, c := range labels {
		if uint(c) >= uint(p.Cols) {
			panic(fmt.Sprintf("nn: label %d of row %d out of range [0, %d)", c, i, p.Cols))
		}
		s -= math.Log(math.Max(float64(p.Data[i*p.Stride+c]), minProb))
	}
	return s
}

// SoftmaxCrossEntropy returns the mean cross-entropy
// -(1/B) sum_i log p[i, labels[i]] (in float64) of the softmax outputs p
// (B, K) of a layer with Softmax activation, and, unless dz is nil, sets
// dz (B, K) to its gradient with respect to the softmax's input z:
//
//	dz[i, j] = (p[i, j] - [j == labels[i]]) / B
//
// A probability that underflowed to 0 counts as the smallest positive
// float32 (a loss of 103.3 nats rather than +Inf). dz may be p.
// Labels outside [0, K) panic.
func SoftmaxCrossEntropy(dz, p *mat32.Dense, labels []int) float64 {
	if p.Rows == 0 {
		return 0
	}
	loss := crossEntropySum(p, labels) / float64(p.Rows)
	if dz != nil {
		if dz.Rows != p.Rows || dz.Cols != p.Cols {
			panic(fmt.Sprintf("nn: SoftmaxCrossEntropy: dz is %dx%d, p is %dx%d", dz.Rows, dz.Cols, p.Rows, p.Cols))
		}
		inv := 1 / float32(p.Rows)
		for i, c := range labels {
			g, pr := dz.Row(i), p.Row(i)
			for j, v := range pr {
				g[j] = v * inv
			}
			g[c] -= inv
		}
	}
	return loss
}

// SigmoidCrossEntropy returns the mean binary cross-entropy
// -(1/B) sum_ij [t log y + (1-t) log(1-y)] (in float64) of the outputs y
// (B, K) of a layer with Sigmoid activation against targets t (B, K) in
// [0, 1], and, unless dz is nil, sets dz (B, K) to its gradient with
// respect to the sigmoid's input z:
//
//	dz[i, j] = (y[i, j] - t[i, j]) / B
//
// Pass dz to Dense.BackwardZ or MLP.BackwardFrom (not to Backward, which
// would multiply it by y(1-y) again). Probabilities are clamped as in
// SoftmaxCrossEntropy. dz may be y.
func SigmoidCrossEntropy(dz, y, t *mat32.Dense) float64 {
	if t.Rows != y.Rows || t.Cols != y.Cols || dz != nil && (dz.Rows != y.Rows || dz.Cols != y.Cols) {
		panic(fmt.Sprintf("nn: SigmoidCrossEntropy: y is %dx%d, t is %dx%d", y.Rows, y.Cols, t.Rows, t.Cols))
	}
	if y.Rows == 0 {
		return 0
	}
	var s float64
	inv := 1 / float32(y.Rows)
	for i := 0; i < y.Rows; i++ {
		yr, tr := y.Row(i), t.Row(i)
		tr = tr[:len(yr)]
		for j, v := range yr {
			p, q := float64(tr[j]), float64(v)
			if p != 0 {
				s -= p * math.Log(math.Max(q, minProb))
			}
			if p != 1 {
				s -= (1 - p) * math.Log(math.Max(1-q, minProb))
			}
		}
		if dz != nil {
			g := dz.Row(i)
			for j, v := range yr {
				g[j] = (v - tr[j]) * inv
			}
		}
	}
	return s / float64(y.Rows)
}

// Argmax sets dst[i] to the column of the largest value in row i of m (the
// first one on ties). len(dst) must be m.Rows.
func Argmax(dst []int, m *mat32.Dense) {
	if len(dst) != m.Rows {
		panic(fmt.Sprintf("nn: Argmax of %d rows into %d", m.Rows, len(dst)))
	}
	for i := range dst {
		r := m.Row(i)
		best := 0
		for j, v := range r {
			if v > r[best] {
				best = j
			}
		}
		dst[i] = best
	}
}
