package dbn

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// exactSampledLabelLogProbs returns, for row v of a DBN with two RBMs (so
// that the penultimate layer is the first hidden layer), the exact mean and
// variance of log p(c | x) over x ~ q(x | v), enumerating the 2^Pen()
// states x, without the package's code.
func exactSampledLabelLogProbs(d *DBN, v []float32) (mean, variance []float64) {
	r0, top := d.Layers[0], d.Top()
	p, nl := d.Pen(), d.Labels
	_, nh := top.Dims()
	q := make([]float64, p)
	for j := range q {
		a := float64(r0.HBias[j])
		for i, vi := range v {
			a += float64(vi) * float64(r0.W.At(i, j))
		}
		q[j] = 1 / (1 + math.Exp(-a))
	}
	mean, m2 := make([]float64, nl), make([]float64, nl)
	score := make([]float64, nl)
	for s := 0; s < 1<<p; s++ {
		w := 1.0
		for j := 0; j < p; j++ {
			if s>>j&1 == 1 {
				w *= q[j]
			} else {
				w *= 1 - q[j]
			}
		}
		lse := math.Inf(-1)
		for c := 0; c < nl; c++ {
			f := float64(top.VBias[p+c])
			for k := 0; k < nh; k++ {
				a := float64(top.HBias[k]) + float64(top.W.At(p+c, k))
				for j := 0; j < p; j++ {
					a += float64(s>>j&1) * float64(top.W.At(j, k))
				}
				f += math.Max(a, 0) + math.Log1p(math.Exp(-math.Abs(a)))
			}
			score[c] = f
			lse = logAddExp(lse, f)
		}
		for c := range score {
			lp := score[c] - lse
			mean[c] += w * lp
			m2[c] += w * lp * lp
		}
	}
	variance = make([]float64, nl)
	for c := range mean {
		variance[c] = m2[c] - mean[c]*mean[c]
	}
	return mean, variance
}

// TestLabelLogProbsSampled checks the mean over stochastic up passes
// against its exact expectation, within 5 standard errors derived from the
// exact variance, and that one draw is a log-probability vector.
func TestLabelLogProbsSampled(t *testing.T) {
	r := rng.New(7)
	d := New([]int{6, 5, 4}, 3, rbm.Bernoulli)
	for _, m := range d.Layers {
		randomize(m, 1.5, r)
	}
	v := mat32.NewDense(4, 6, nil)
	for i := 0; i < v.Rows; i++ {
		for j := range v.Row(i) {
			v.Set(i, j, float32((i+j)%2))
		}
	}
	const samples = 20000
	got := mat32.NewDense(v.Rows, d.Labels, nil)
	d.LabelLogProbsSampled(got, v, samples, rng.New(1))
	for i := 0; i < v.Rows; i++ {
		mean, variance := exactSampledLabelLogProbs(d, v.Row(i))
		for c := range mean {
			tol := 5*math.Sqrt(variance[c]/samples) + 1e-5
			if diff := float64(got.At(i, c)) - mean[c]; math.Abs(diff) > tol {
				t.Errorf("row %d label %d: mean of %d sampled passes %.5f, exact %.5f (tolerance %.5f)", i, c, samples, got.At(i, c), mean[c], tol)
			}
		}
	}

	one := mat32.NewDense(v.Rows, d.Labels, nil)
	d.LabelLogProbsSampled(one, v, 1, rng.New(2))
	for i := 0; i < v.Rows; i++ {
		sum := 0.0
		for _, x := range one.Row(i) {
			sum += math.Exp(float64(x))
		}
		if math.Abs(sum-1) > 1e-5 {
			t.Errorf("row %d: one pass's label probabilities sum to %v", i, sum)
		}
	}
	labels := []int{0, 1, 2, 0}
	if e := d.ErrorRateSampled(v, labels, 50, rng.New(3)); e < 0 || e > 1 {
		t.Errorf("ErrorRateSampled = %v", e)
	}
}
