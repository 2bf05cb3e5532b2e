package sbn

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// The importance-sampled estimate never exceeds log p(v) in expectation
// and approaches it as K grows; K = 1 is the variational bound.
func TestImportanceSamplingApproachesExact(t *testing.T) {
	r := rng.New(7)
	n := randomNet(r, 1.5, 6, 4, 3)
	q := randomRec(r, n, 0.5)
	v := []float32{1, 0, 1, 1, 0, 0}
	_, exact, err := n.PosteriorExact(v)
	if err != nil {
		t.Fatal(err)
	}
	const R = 2000 // repetitions of the same v
	data := mat32.NewDense(R, 6, nil)
	for i := 0; i < R; i++ {
		copy(data.Row(i), v)
	}
	prev := math.Inf(-1)
	var last Estimate
	for _, k := range []int{1, 10, 100, 1000} {
		e := Evaluate(n, q, data, k, r)
		t.Logf("K=%4d: %.4f ± %.4f (bound %.4f), exact %.4f", k, e.LogLik, e.StdErr, e.Bound, exact)
		if e.LogLik > exact+4*e.StdErr {
			t.Errorf("K=%d: estimate %.4f ± %.4f above log p(v) = %.4f", k, e.LogLik, e.StdErr, exact)
		}
		if e.LogLik < prev-4*e.StdErr {
			t.Errorf("K=%d: estimate %.4f fell below the K/10 one %.4f", k, e.LogLik, prev)
		}
		if k == 1 && math.Abs(e.Bound-e.LogLik) > 1e-9 {
			t.Errorf("K=1: bound %.6f differs from the estimate %.6f", e.Bound, e.LogLik)
		}
		prev, last = e.LogLik, e
	}
	first := Evaluate(n, q, data, 1, r)
	if exact-first.LogLik < 0.1 {
		t.Fatalf("the K=1 bound %.3f is already tight (exact %.3f): the test proves nothing", first.LogLik, exact)
	}
	// With 1000 samples the bias is O(var(w)/K): well within 0.05 nats here.
	if math.Abs(last.LogLik-exact) > 0.05+4*last.StdErr {
		t.Errorf("K=1000: estimate %.4f ± %.4f, exact %.4f", last.LogLik, last.StdErr, exact)
	}
}

// With the recognition net equal to the exact posterior (a net with one
// hidden unit per layer on top of one visible unit is small enough to do
// this by hand), every importance weight is p(v) and the estimate is exact
// for every K.
func TestImportanceSamplingExactProposal(t *testing.T) {
	n := New(1, 1)
	n.Layers[0].Bias[0] = -1
	n.Layers[0].W.Set(0, 0, 2.5)
	n.Layers[1].Bias[0] = 0.7
	q := NewRecognition(n)
	// P(h=1|v) = sigmoid(logit), logit(v) = 0.7 + log p(v|h=1)/p(v|h=0)
	lg := func(v float64) float64 {
		z1, z0 := 1.5, -1.0
		return 0.7 + v*z1 - softplus64(z1) - (v*z0 - softplus64(z0))
	}
	q.Bias[0][0] = float32(lg(0))
	q.W[0].Set(0, 0, float32(lg(1)-lg(0)))
	data := rowsOf([]float32{0}, []float32{1})
	lp := make([]float64, 2)
	LogProbIS(lp, n, q, data, 1, rng.New(8))
	ex := make([]float64, 2)
	if err := n.LogProbExact(ex, data); err != nil {
		t.Fatal(err)
	}
	for i := range lp {
		if math.Abs(lp[i]-ex[i]) > 1e-6 {
			t.Errorf("v=%d: K=1 estimate with the exact posterior %.7f, exact %.7f", i, lp[i], ex[i])
		}
	}
}
