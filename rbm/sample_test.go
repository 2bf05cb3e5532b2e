package rbm

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// checkMarginals compares the column means of v (M independent samples)
// with the exact probabilities p: each within 4.5 binomial standard
// deviations sqrt(p(1-p)/M).
func checkMarginals(t *testing.T, name string, v *mat32.Dense, p []float64) {
	t.Helper()
	mean := make([]float32, v.Cols)
	mat32.ColSums(mean, v)
	m := float64(v.Rows)
	for i, q := range p {
		sd := math.Sqrt(q * (1 - q) / m)
		close64(t, name, float64(mean[i])/m, q, 4.5*sd+1e-9)
	}
}

// Many independent Gibbs chains, each run well past its mixing time, give
// independent samples whose unit means converge to the exact marginals.
func TestGibbsMarginals(t *testing.T) {
	r := rng.New(10)
	m := randomModel(6, 4, 1, 0.5, r)
	m.Softmax = []Group{{Start: 3, Size: 3}}
	b := bruteForce(m)
	const chains = 4000
	v := mat32.NewDense(chains, 6, nil)
	for i := 0; i < chains; i++ {
		m.fillVisible(v.Row(i), uint64(r.IntN(16)))
	}
	h := mat32.NewDense(chains, 4, nil)
	m.Gibbs(v, h, 60, r)
	checkMarginals(t, "Gibbs P(v_i=1)", v, b.ev)
	checkMarginals(t, "Gibbs P(h_j=1)", h, b.eh)
}

// Conditionals of Gaussian visible units: P(v|h) is normal with mean
// a + Sigma*(W h) and variance Sigma^2; P(h_j=1|v) = sigmoid(b_j + sum_i
// v_i/Sigma_i W_ij).
func TestGaussianConditionals(t *testing.T) {
	r := rng.New(11)
	m := New(3, 4, Gaussian)
	for i := 0; i < 3; i++ {
		r.Normal(m.W.Row(i), 0, 1)
	}
	r.Normal(m.VBias, 0, 1)
	r.Normal(m.HBias, 0, 1)
	copy(m.Sigma, []float32{0.5, 1, 2.5})
	const n = 20000
	hrow := []float32{1, 0, 1, 1}
	h := mat32.NewDense(n, 4, nil)
	for i := 0; i < n; i++ {
		copy(h.Row(i), hrow)
	}
	v := mat32.NewDense(n, 3, nil)
	m.SampleVisible(v, h, r)
	for i := 0; i < 3; i++ {
		s := float64(m.Sigma[i])
		mu := float64(m.VBias[i])
		for j, x := range hrow {
			mu += s * float64(m.W.At(i, j)) * float64(x)
		}
		var sum, sq float64
		for k := 0; k < n; k++ {
			sum += float64(v.At(k, i))
		}
		mean := sum / n
		for k := 0; k < n; k++ {
			d := float64(v.At(k, i)) - mean
			sq += d * d
		}
		close64(t, "E[v_i|h]", mean, mu, 4.5*s/math.Sqrt(n))
		close64(t, "Var[v_i|h]", sq/(n-1), s*s, 4.5*s*s*math.Sqrt(2.0/(n-1)))
	}
	vv := mat32.NewDense(2, 3, []float32{0.3, -1.2, 2, 1, 0, -0.5})
	p := mat32.NewDense(2, 4, nil)
	m.HiddenProbs(p, vv)
	for k := 0; k < 2; k++ {
		for j := 0; j < 4; j++ {
			z := float64(m.HBias[j])
			for i := 0; i < 3; i++ {
				z += float64(vv.At(k, i)) / float64(m.Sigma[i]) * float64(m.W.At(i, j))
			}
			close64(t, "P(h|v) Gaussian", float64(p.At(k, j)), 1/(1+math.Exp(-z)), 1e-6)
		}
	}
}

// startTrainer prepares t as Epoch does, for tests that drive single
// mini-batches.
func startTrainer(t *Trainer, data *mat32.Dense, seed uint64) *rng.Stream {
	base := rng.New(seed)
	t.streams = base.Split(t.nw)
	t.perm = make([]int, data.Rows)
	for i := range t.perm {
		t.perm[i] = i
	}
	t.data = data
	if t.Settings.Method != CD && t.State.Chains == nil {
		rows := t.Settings.Chains
		if t.Settings.Method == PT {
			rows *= len(t.Settings.Temperatures)
		}
		t.State.Chains = mat32.NewDense(rows, data.Cols, nil)
		for i := 0; i < rows; i++ {
			copy(t.State.Chains.Row(i), data.Row(base.IntN(data.Rows)))
		}
	}
	t.lr, t.mom = 1, 0
	t.pool.start(t.nw, t.work)
	return base
}

// gradOnce returns the trainer's estimate of dLL/dW on the whole of data
// as one mini-batch, without changing the model.
func gradOnce(t *Trainer, base *rng.Stream) [][]float64 {
	n := t.data.Rows
	t.batch(0, n, base)
	t.gradient(1/float32(n), 0)
	g := make([][]float64, t.State.WInc.Rows)
	for i := range g {
		g[i] = make([]float64, t.State.WInc.Cols)
		for j := range g[i] {
			g[i][j] = float64(t.State.WInc.At(i, j))
		}
	}
	return g
}

// meanGrad averages reps gradient estimates and returns the distance of
// the mean from want (Frobenius norm) and the standard error of that mean
// (the norm of the per-entry standard errors).
func meanGrad(reps int, want [][]float64, next func() [][]float64) (dist, se float64) {
	var sum, sq [][]float64
	for k := 0; k < reps; k++ {
		g := next()
		if sum == nil {
			sum, sq = make([][]float64, len(g)), make([][]float64, len(g))
			for i := range g {
				sum[i], sq[i] = make([]float64, len(g[i])), make([]float64, len(g[i]))
			}
		}
		for i := range g {
			for j, x := range g[i] {
				sum[i][j] += x
				sq[i][j] += x * x
			}
		}
	}
	n := float64(reps)
	for i := range sum {
		for j := range sum[i] {
			mu := sum[i][j] / n
			d := mu - want[i][j]
			dist += d * d
			se += (sq[i][j]/n - mu*mu) / (n - 1)
		}
	}
	return math.Sqrt(dist), math.Sqrt(se)
}

// The expected CD-k gradient (with sampled visible states) approaches the
// exact log-likelihood gradient as k grows: its distance from it falls
// with k, down to the noise of the estimate. With the guide's probability
// reconstructions a bias remains for every k.
func TestCDGradientApproachesExact(t *testing.T) {
	r := rng.New(12)
	m := randomModel(6, 4, 1.5, 0.5, r)
	patterns := mat32.NewDense(4, 6, []float32{
		1, 1, 1, 0, 0, 0,
		0, 0, 0, 1, 1, 1,
		1, 0, 1, 0, 1, 0,
		0, 1, 0, 1, 0, 1,
	})
	data := repeatRows(patterns, 500)
	want := exactGradW(m, data)
	var dists []float64
	var lastSE float64
	for _, k := range []int{1, 3, 10, 100} {
		tr := NewTrainer(m, &Settings{K: k, BatchSize: data.Rows, SampleVisible: true}, rng.New(1))
		base := startTrainer(tr, data, uint64(k))
		d, se := meanGrad(8, want, func() [][]float64 { return gradOnce(tr, base) })
		tr.pool.stop()
		t.Logf("CD-%d: |E[grad] - exact| = %.4f (standard error %.4f)", k, d, se)
		dists = append(dists, d)
		lastSE = se
	}
	for i := 1; i < len(dists); i++ {
		if dists[i] > dists[i-1]+3*lastSE {
			t.Errorf("CD-k error did not fall with k: %v", dists)
		}
	}
	if dists[len(dists)-1] > 4*lastSE {
		t.Errorf("CD-100 error %.4f, more than 4 standard errors (%.4f) from the exact gradient", dists[len(dists)-1], lastSE)
	}
	tr := NewTrainer(m, &Settings{K: 100, BatchSize: data.Rows}, rng.New(1))
	base := startTrainer(tr, data, 5)
	d, se := meanGrad(8, want, func() [][]float64 { return gradOnce(tr, base) })
	tr.pool.stop()
	t.Logf("CD-100 with probability reconstructions: |E[grad] - exact| = %.4f (standard error %.4f)", d, se)
	if d < 4*se {
		t.Errorf("expected a residual bias from probability reconstructions")
	}
	if dists[0] < 10*lastSE {
		t.Errorf("CD-1 bias %.4f is not clearly visible above the noise %.4f: the test model is too easy", dists[0], lastSE)
	}
}

// PCD at fixed parameters: after burn-in the persistent chains sample the
// model, so its mean gradient approaches the exact one.
func TestPCDGradientApproachesExact(t *testing.T) {
	r := rng.New(13)
	m := randomModel(6, 4, 1, 0.5, r)
	data := barsAndStripes().Slice(0, 8, 0, 16)
	data = repeatRows(mat32.NewDense(8, 6, func() []float32 {
		d := make([]float32, 48)
		for i := 0; i < 8; i++ {
			copy(d[6*i:], data.Row(i)[:6])
		}
		return d
	}()), 50)
	want := exactGradW(m, data)
	tr := NewTrainer(m, &Settings{Method: PCD, Chains: 2000, BatchSize: data.Rows}, rng.New(2))
	base := startTrainer(tr, data, 3)
	defer tr.pool.stop()
	for k := 0; k < 20; k++ { // burn-in
		gradOnce(tr, base)
	}
	d, se := meanGrad(30, want, func() [][]float64 { return gradOnce(tr, base) })
	t.Logf("PCD: |E[grad] - exact| = %.4f (standard error %.4f, ignoring autocorrelation)", d, se)
	// Autocorrelation between successive PCD steps inflates the true error
	// of the mean over the naive standard error; allow a factor of 6.
	if d > 6*se {
		t.Errorf("PCD gradient error %.4f > 6 standard errors %.4f", d, se)
	}
}

// With the parameters frozen, PT's chains at inverse temperature 1 sample
// the model, and its swap rates estimate the mean of the Metropolis
// acceptance probabilities min(1, exp((b_t - b_t+1)(E_t - E_t+1))).
func TestParallelTempering(t *testing.T) {
	r := rng.New(14)
	m := randomModel(6, 4, 2, 0.5, r)
	b := bruteForce(m)
	data := repeatRows(mat32.NewDense(2, 6, []float32{1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1}), 1)
	const chains = 3000
	tr := NewTrainer(m, &Settings{Method: PT, Chains: chains, BatchSize: 2, Temperatures: []float64{1, 0.7, 0.4, 0.1}}, rng.New(3))
	base := startTrainer(tr, data, 4)
	defer tr.pool.stop()
	for k := 0; k < 40; k++ {
		tr.batch(0, 2, base) // statistics only; the model is not updated
	}
	for i := range tr.swapN {
		n := float64(tr.swapN[i])
		rate, p := float64(tr.swapAcc[i])/n, tr.swapProb[i]/n
		t.Logf("swap %d<->%d: rate %.4f, mean Metropolis probability %.4f", i, i+1, rate, p)
		if p < 0.05 || p > 0.98 {
			t.Errorf("swap probability %g is degenerate: test model not useful", p)
		}
		// Given the states, the accept indicators are independent
		// Bernoulli(p_k): the variance of their mean is at most p(1-p)/n.
		close64(t, "swap rate", rate, p, 4.5*math.Sqrt(p*(1-p)/n))
	}
	checkMarginals(t, "PT beta=1 P(v_i=1)", tr.State.Chains.Slice(0, chains, 0, 6), b.ev)
}

func TestSwapProb(t *testing.T) {
	close64(t, "swapProb", swapProb(1, 0.5, 3, 1), 1, 0)
	close64(t, "swapProb", swapProb(1, 0.5, 1, 3), math.Exp(-1), 1e-15)
}
