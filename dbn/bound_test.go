package dbn

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// greedyPair trains the first RBM (10 visible, 6 hidden) of a 10-6-10 DBN
// on toy data and sets the second to its transpose.
func greedyPair(t *testing.T) (*DBN, *mat32.Dense, *GreedyTrainer) {
	t.Helper()
	r := rng.New(1)
	data, _ := toyData(300, 10, 3, 0.1, r)
	d := New([]int{10, 6, 10}, 0, rbm.Bernoulli)
	g := NewGreedyTrainer(d, &Settings{Layers: []rbm.Settings{{Epochs: 30, K: 5, ExactLL: rbm.ExactNever}}}, r)
	if _, err := g.Layer(data, nil); err != nil {
		t.Fatal(err)
	}
	d.Layers[1] = transposeRBM(d.Layers[0])
	return d, data, g
}

// TestGreedyTheorem checks the equality of Hinton et al. (2006): a second
// layer initialised as the transpose of the first makes the DBN's
// variational bound equal to the first RBM's log-likelihood, because Q is
// then the exact posterior. Exactly by enumeration, and for every single
// sample of the sampled estimate (whose standard error is then only the
// spread of log p(v) over the rows).
func TestGreedyTheorem(t *testing.T) {
	d, data, _ := greedyPair(t)
	ll, err := d.Layers[0].LogLikelihoodExact(data)
	if err != nil {
		t.Fatal(err)
	}
	lz2, err := d.Layers[1].LogZExact()
	if err != nil {
		t.Fatal(err)
	}
	lz1, _ := d.Layers[0].LogZExact()
	if math.Abs(lz1-lz2) > 1e-5*math.Abs(lz1) {
		t.Errorf("log Z of the transpose %.6f, of the RBM %.6f", lz2, lz1)
	}
	be, err := BoundExact(d, data, lz2)
	if err != nil {
		t.Fatal(err)
	}
	bs, se := Bound(d, data, lz2, 3, rng.New(2))
	t.Logf("RBM log-likelihood %.6f, exact bound %.6f, sampled bound %.6f ± %.6f", ll, be, bs, se)
	// float32 parameters and activations: rounding about 1e-6 per term of
	// about 10 nats.
	if math.Abs(be-ll) > 2e-4 {
		t.Errorf("exact bound %.6f, want the RBM's log-likelihood %.6f", be, ll)
	}
	if math.Abs(bs-ll) > 2e-4 {
		t.Errorf("sampled bound %.6f, want %.6f exactly (every draw is exact)", bs, ll)
	}
}

// TestSecondLayerRaisesBound trains the second layer, started from the
// transpose of the first, on samples of Q(h1|v) and checks the exact bound
// does not go down: training maximises E_Q log p2(h1), whose starting value
// is the first RBM's marginal on h1, and Q and p(v|h1) are fixed.
func TestSecondLayerRaisesBound(t *testing.T) {
	d, data, g := greedyPair(t)
	lz, _ := d.Layers[1].LogZExact()
	before, err := BoundExact(d, data, lz)
	if err != nil {
		t.Fatal(err)
	}
	// 10 samples of h1 per data row
	r := rng.New(3)
	rep := mat32.NewDense(10*data.Rows, data.Cols, nil)
	for i := 0; i < rep.Rows; i++ {
		copy(rep.Row(i), data.Row(i%data.Rows))
	}
	g.DBN = d
	h := g.Input(1, rep, nil)
	r.BernoulliDense(h, h)
	if _, err := rbm.Train(d.Layers[1], h, &rbm.Settings{Method: rbm.PCD, K: 5, Epochs: 20, LearningRate: 0.02, ExactLL: rbm.ExactNever}, r); err != nil {
		t.Fatal(err)
	}
	lz, _ = d.Layers[1].LogZExact()
	after, err := BoundExact(d, data, lz)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bound before %.4f, after training layer 2 %.4f", before, after)
	if after < before-0.05 {
		t.Errorf("bound went down from %.4f to %.4f", before, after)
	}
}

// TestBoundSampledMatchesExact checks the sampled bound against the exact
// one on a DBN with a Gaussian first layer (Q is not the posterior, so
// samples vary): within 4 standard errors of the difference, which we
// estimate by the spread between two seeds' worth of samples.
func TestBoundSampledMatchesExact(t *testing.T) {
	r := rng.New(21)
	x, _ := toyData(200, 6, 3, 0.1, r)
	for i := range x.Data {
		x.Data[i] = 2*x.Data[i] + 0.3*float32(r.NormFloat64())
	}
	d := New([]int{6, 5, 4, 7}, 0, rbm.Gaussian)
	if _, err := Greedy(d, x, nil, &Settings{Layers: []rbm.Settings{{Epochs: 10, ExactLL: rbm.ExactNever}}}, r); err != nil {
		t.Fatal(err)
	}
	lz, err := d.Top().LogZExact()
	if err != nil {
		t.Fatal(err)
	}
	be, err := BoundExact(d, x, lz)
	if err != nil {
		t.Fatal(err)
	}
	// Per-row estimates from 400 samples: the sampling error of the mean
	// is far below the spread over rows that stderr reports.
	bs, se := Bound(d, x, lz, 400, rng.New(22))
	t.Logf("exact bound %.4f, sampled %.4f (stderr over rows %.4f)", be, bs, se)
	if d := bs - be; d > 0.05 || d < -0.05 {
		t.Errorf("sampled bound %.4f, exact %.4f", bs, be)
	}
}
