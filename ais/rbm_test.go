package ais

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// TestLogZBase checks that the base model's log Z_0 is the exact log Z of
// an RBM with zero weights, zero hidden biases and the base visible biases.
func TestLogZBase(t *testing.T) {
	for _, tc := range []struct {
		units   rbm.Units
		softmax []rbm.Group
	}{{rbm.Bernoulli, nil}, {rbm.Bernoulli, []rbm.Group{{Start: 2, Size: 3}, {Start: 7, Size: 4}}}, {rbm.Gaussian, nil}} {
		m := randomRBM(12, 5, tc.units, 0.5, 2)
		m.Softmax = tc.softmax
		base := make([]float32, 12)
		rng.New(3).Normal(base, 0, 2)
		b := rbm.New(12, 5, tc.units)
		copy(b.VBias, base)
		b.Softmax = tc.softmax
		copy(b.Sigma, m.Sigma)
		want := exactLogZ(t, b)
		if got := NewRBM(m, base).LogZBase(); math.Abs(got-want) > 1e-5 {
			t.Errorf("%v %v: LogZBase = %.7f, exact %.7f", tc.units, tc.softmax, got, want)
		}
	}
}

func TestBaseRate(t *testing.T) {
	m := rbm.New(3, 2, rbm.Bernoulli)
	data := mat32.NewDense(4, 3, []float32{
		1, 0, 0,
		1, 0, 1,
		1, 0, 0,
		1, 0, 1,
	})
	got := BaseRate(m, data)
	for i, p := range []float64{4.5 / 5, 0.5 / 5, 2.5 / 5} {
		if want := math.Log(p / (1 - p)); math.Abs(float64(got[i])-want) > 1e-6 {
			t.Errorf("BaseRate[%d] = %g, want %g", i, got[i], want)
		}
	}
	g := rbm.New(3, 2, rbm.Gaussian)
	got = BaseRate(g, data)
	for i, want := range []float32{1, 0, 0.5} {
		if got[i] != want {
			t.Errorf("Gaussian BaseRate[%d] = %g, want %g", i, got[i], want)
		}
	}
}

// TestCoverage runs AIS on 20 random small RBMs and counts how often the
// exact log Z lies within the ±3 standard-error interval. For normal
// errors the interval covers 99.7% of the time; AIS weights are skewed,
// so allow a true miss rate up to 5%: then 4 or more misses out of 20 has
// probability 1.6%. The estimates' errors must also be small compared
// with the intervals on average (no bias beyond what the error bars say).
func TestCoverage(t *testing.T) {
	const models = 20
	covered := 0
	var z2 float64
	for i := 0; i < models; i++ {
		nv, nh := 10+i%8, 6+i%7
		m := randomRBM(nv, nh, rbm.Bernoulli, 0.5, uint64(100+i))
		lz := exactLogZ(t, m)
		e, err := LogZ(NewRBM(m, nil), &Settings{Betas: Schedule(300), Runs: 50, Seed: uint64(i)})
		if err != nil {
			t.Fatal(err)
		}
		if e.Low <= lz && lz <= e.High {
			covered++
		} else {
			t.Logf("model %d (%dx%d): exact %.4f outside %v", i, nv, nh, lz, e)
		}
		// The standardised error of the mean weight, (Ẑ/Z - 1) / (se/Z).
		se := (math.Exp(e.High-lz) - math.Exp(e.LogZ-lz)) / 3
		z := (math.Exp(e.LogZ-lz) - 1) / se
		z2 += z * z
	}
	if covered < models-3 {
		t.Errorf("exact log Z inside the interval for %d of %d models, want at least %d", covered, models, models-3)
	}
	// The mean squared standardised error is about 1 (chi-square with 20
	// degrees of freedom over 20: 99.9% below 2.27); allow for the
	// under-estimated standard errors of skewed weights.
	if z2/models > 3 {
		t.Errorf("mean squared standardised error %.2f, want about 1", z2/models)
	}
}

// TestTrainedCoverage does the same on RBMs with all 784 visible units and
// 10 to 18 hidden units, trained briefly on (binarised MNIST) digits,
// started from the data's base rates.
func TestTrainedCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("trains RBMs")
	}
	data := digits(t, 1000, 7)
	covered, n := 0, 0
	for i, nh := range []int{10, 12, 14, 16, 18} {
		m := trainedRBM(t, data, nh, 3, uint64(i))
		lz := exactLogZ(t, m)
		e, err := LogZ(NewRBM(m, BaseRate(m, data)), &Settings{Betas: Schedule(1000), Runs: 50, Seed: uint64(i)})
		if err != nil {
			t.Fatal(err)
		}
		n++
		if e.Low <= lz && lz <= e.High {
			covered++
		} else {
			t.Logf("784x%d: exact %.4f outside %v", nh, lz, e)
		}
		if math.Abs(e.LogZ-lz) > 0.5 {
			t.Errorf("784x%d: log Z %.4f, exact %.4f", nh, e.LogZ, lz)
		}
	}
	// With a miss rate up to 5%, 2 or more misses of 5 has probability 2.3%.
	if covered < n-1 {
		t.Errorf("exact log Z inside the interval for %d of %d trained models", covered, n)
	}
}

// TestErrorShrinks checks that the error of log Z over several seeds
// shrinks as the schedule and the number of runs grow: AIS's variance
// falls like 1/K for K temperatures and like 1/R for R runs.
func TestErrorShrinks(t *testing.T) {
	m := randomRBM(20, 12, rbm.Bernoulli, 1, 5)
	lz := exactLogZ(t, m)
	rms := func(k, runs int) float64 {
		var s float64
		const seeds = 6
		for seed := 0; seed < seeds; seed++ {
			e, err := LogZ(NewRBM(m, nil), &Settings{Betas: Schedule(k), Runs: runs, Seed: uint64(seed)})
			if err != nil {
				t.Fatal(err)
			}
			s += (e.LogZ - lz) * (e.LogZ - lz)
		}
		return math.Sqrt(s / seeds)
	}
	coarse, fine, finer := rms(30, 10), rms(300, 10), rms(300, 100)
	t.Logf("rms error: 30 temperatures, 10 runs: %.4f; 300, 10: %.4f; 300, 100: %.4f", coarse, fine, finer)
	// 10 times the temperatures: the standard deviation falls about
	// sqrt(10)-fold (more, as the bias falls too); 10 times the runs: again
	// about sqrt(10)-fold. Ask for a factor of 2 each.
	if !(fine < coarse/2) || !(finer < fine/2) {
		t.Errorf("error does not shrink: %.4f, %.4f, %.4f", coarse, fine, finer)
	}
}

// TestGaussian checks AIS for Gaussian visible units against the exact
// log Z (enumerating the hidden units and integrating v analytically).
func TestGaussian(t *testing.T) {
	covered := 0
	const models = 6
	for i := 0; i < models; i++ {
		m := randomRBM(20, 8+i, rbm.Gaussian, 0.3, uint64(200+i))
		lz := exactLogZ(t, m)
		data := mat32.NewDense(50, 20, nil)
		g := rng.New(uint64(i))
		for r := 0; r < 50; r++ {
			g.Normal(data.Row(r), 0, 1)
		}
		e, err := LogZ(NewRBM(m, BaseRate(m, data)), &Settings{Betas: Schedule(1000), Runs: 50, Seed: uint64(i)})
		if err != nil {
			t.Fatal(err)
		}
		if e.Low <= lz && lz <= e.High {
			covered++
		} else {
			t.Logf("model %d: exact %.4f outside %v", i, lz, e)
		}
		if math.Abs(e.LogZ-lz) > 0.3 {
			t.Errorf("model %d: log Z %.4f, exact %.4f", i, e.LogZ, lz)
		}
	}
	if covered < models-1 {
		t.Errorf("exact log Z inside the interval for %d of %d models", covered, models)
	}
}

// TestSoftmax checks an RBM with two softmax groups among its visible units.
func TestSoftmax(t *testing.T) {
	m := randomRBM(16, 10, rbm.Bernoulli, 0.5, 9)
	m.Softmax = []rbm.Group{{Start: 0, Size: 4}, {Start: 10, Size: 6}}
	lz := exactLogZ(t, m)
	e, err := LogZ(NewRBM(m, nil), &Settings{Betas: Schedule(1000), Runs: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !(e.Low <= lz && lz <= e.High) || math.Abs(e.LogZ-lz) > 0.1 {
		t.Errorf("exact %.4f, AIS %v", lz, e)
	}
}

// TestBracket checks that the forward (AIS) and reverse (RAISE)
// log-likelihoods fall on their sides of the exact one for a trained
// 784-16 RBM: with a short schedule the gaps are clear; with a longer one
// both close in.
func TestBracket(t *testing.T) {
	if testing.Short() {
		t.Skip("trains an RBM")
	}
	all := digits(t, 2100, 11)
	data, test := all.Slice(0, 2000, 0, 784), all.Slice(2000, 2100, 0, 784)
	m := trainedRBM(t, data, 16, 5, 2)
	lz := exactLogZ(t, m)
	f := make([]float64, test.Rows)
	m.FreeEnergy(f, test)
	base := BaseRate(m, data)
	var prevFwd, prevRev float64
	for _, k := range []int{100, 1000} {
		s := &Settings{Betas: Schedule(k), Runs: 100, Seed: 3}
		e, err := LogZ(NewRBM(m, base), s)
		if err != nil {
			t.Fatal(err)
		}
		rev, err := ReverseLogLikelihood(NewRBM(m, base), test, s)
		if err != nil {
			t.Fatal(err)
		}
		// Per example, the reverse estimate minus the exact log p(v).
		var d, d2 float64
		for i, x := range rev.PerExample {
			di := x - (-f[i] - lz)
			d += di
			d2 += di * di
		}
		n := float64(test.Rows)
		mean := d / n
		se := math.Sqrt((d2/n - mean*mean) / (n - 1))
		fwd := lz - e.LogZ // forward log-likelihood minus the exact one
		t.Logf("%d temperatures: forward LL - exact = %+.4f (interval %+.4f..%+.4f), reverse - exact = %+.4f ± %.4f", k, fwd, lz-e.High, lz-e.Low, mean, se)
		// Forward: over-estimates in expectation; allow its own error bar.
		if fwd < lz-e.High {
			t.Errorf("%d temperatures: forward log-likelihood below the exact one by more than its interval", k)
		}
		// Reverse: under-estimates in expectation; allow 3 standard errors.
		if mean > 3*se {
			t.Errorf("%d temperatures: reverse estimate above the exact log-likelihood by %.4f (se %.4f)", k, mean, se)
		}
		if k == 100 && !(fwd > 0 && mean+3*se < 0) {
			// With 100 temperatures both biases are larger than the noise.
			t.Errorf("100 temperatures: no strict bracket: forward %+.4f, reverse %+.4f ± %.4f", fwd, mean, se)
		}
		if k > 100 {
			// Both close in as the schedule gets finer.
			if !(math.Abs(fwd) < math.Abs(prevFwd)+0.05) || !(math.Abs(mean) < math.Abs(prevRev)) {
				t.Errorf("no closer with %d temperatures: forward %+.4f (was %+.4f), reverse %+.4f (was %+.4f)", k, fwd, prevFwd, mean, prevRev)
			}
			if math.Abs(mean) > 0.5 || math.Abs(fwd) > 0.3 {
				t.Errorf("%d temperatures: estimates too far from exact: forward %+.4f, reverse %+.4f", k, fwd, mean)
			}
		}
		prevFwd, prevRev = fwd, mean
	}
	// LogLikelihood is -mean F - log Z.
	e := Estimate{LogZ: lz}
	want, _ := m.LogLikelihoodExact(test)
	if got := LogLikelihood(m, test, e); math.Abs(got-want) > 1e-6 {
		t.Errorf("LogLikelihood with the exact log Z = %g, want %g", got, want)
	}
}

// TestReverseSmall checks reverse annealing on a small random model with
// several runs per example: the mean estimate is below the exact mean
// log-likelihood (within 3 standard errors) and close to it.
func TestReverseSmall(t *testing.T) {
	for _, units := range []rbm.Units{rbm.Bernoulli, rbm.Gaussian} {
		m := randomRBM(15, 10, units, 0.7, 21)
		if units == rbm.Gaussian {
			m = randomRBM(15, 10, units, 0.3, 21)
		}
		lz := exactLogZ(t, m)
		data := mat32.NewDense(60, 15, nil)
		r := rng.New(4)
		r.Uniform(data.Flat())
		m.Gibbs(data, nil, 200, r) // model samples
		f := make([]float64, data.Rows)
		m.FreeEnergy(f, data)
		rev, err := ReverseLogLikelihood(NewRBM(m, nil), data, &Settings{Betas: Schedule(200), Runs: 100, ReverseRuns: 5, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		if rev.Runs != 5 || len(rev.PerExample) != 60 {
			t.Fatalf("Runs %d, %d estimates", rev.Runs, len(rev.PerExample))
		}
		var d, d2 float64
		for i, x := range rev.PerExample {
			di := x - (-f[i] - lz)
			d += di
			d2 += di * di
		}
		mean := d / 60
		se := math.Sqrt((d2/60 - mean*mean) / 59)
		t.Logf("%v: reverse - exact = %+.4f ± %.4f", units, mean, se)
		if mean > 3*se || mean < -0.3 {
			t.Errorf("%v: reverse - exact = %+.4f ± %.4f", units, mean, se)
		}
	}
}

// TestDeterministic checks that the result depends on the seed and not on
// the number of workers.
func TestDeterministic(t *testing.T) {
	m := NewRBM(randomRBM(30, 20, rbm.Bernoulli, 0.3, 1), nil)
	var first Estimate
	for w := 1; w <= 3; w++ {
		e, err := LogZ(m, &Settings{Betas: Schedule(50), Runs: 37, Seed: 8, Workers: w})
		if err != nil {
			t.Fatal(err)
		}
		if w == 1 {
			first = e
			continue
		}
		for i := range e.LogWeights {
			if e.LogWeights[i] != first.LogWeights[i] {
				t.Fatalf("workers %d: run %d log-weight %v, with 1 worker %v", w, i, e.LogWeights[i], first.LogWeights[i])
			}
		}
	}
	e, _ := LogZ(m, &Settings{Betas: Schedule(50), Runs: 37, Seed: 9})
	if e.LogWeights[0] == first.LogWeights[0] {
		t.Errorf("seeds 8 and 9 gave the same log-weight")
	}
}

// TestStepAllocs checks that a step of the RBM path allocates nothing.
func TestStepAllocs(t *testing.T) {
	for _, units := range []rbm.Units{rbm.Bernoulli, rbm.Gaussian} {
		m := NewRBM(randomRBM(40, 30, units, 0.3, 1), nil)
		st := m.NewState(25)
		b := NewBlocks(25, 1, 2)
		st.SampleBase(b)
		logw := make([]float64, 25)
		allocs := testing.AllocsPerRun(20, func() { st.Step(logw, 0.3, 0.4, true, b) })
		b.Close()
		if allocs != 0 {
			t.Errorf("%v: %v allocations per step", units, allocs)
		}
	}
}

// TestStepIncrement compares the log-weight increments of Step with the
// same increments computed in float64 from the definition, for steps as
// small as the default schedule's (1e-5): 14,500 steps must not pile up
// rounding errors.
func TestStepIncrement(t *testing.T) {
	for _, units := range []rbm.Units{rbm.Bernoulli, rbm.Gaussian} {
		m := randomRBM(300, 200, units, 0.1, 3)
		base := make([]float32, 300)
		rng.New(1).Normal(base, 0, 1)
		p := NewRBM(m, base)
		const n = 32
		st := p.NewState(n).(*rbmState)
		b := NewBlocks(n, 2, 0)
		st.SampleBase(b)
		v := st.v.Clone()
		logf := func(i int, beta float64) float64 {
			var s float64
			row := v.Row(i)
			for k, x := range row {
				x, a, a0 := float64(x), float64(m.VBias[k]), float64(base[k])
				if units == rbm.Gaussian {
					sg := float64(m.Sigma[k])
					s -= ((1-beta)*(x-a0)*(x-a0) + beta*(x-a)*(x-a)) / (2 * sg * sg)
				} else {
					s += ((1-beta)*a0 + beta*a) * x
				}
			}
			for j := 0; j < 200; j++ {
				u := float64(m.HBias[j])
				for k, x := range row {
					x := float64(x)
					if units == rbm.Gaussian {
						x /= float64(m.Sigma[k])
					}
					u += x * float64(m.W.At(k, j))
				}
				bu := float64(float32(beta)) * u
				s += math.Max(bu, 0) + math.Log1p(math.Exp(-math.Abs(bu)))
			}
			return s
		}
		var sum, sum2 float64
		cnt := 0
		for _, pair := range [][2]float64{{0.9, 0.90001}, {0.99998, 0.99999}, {0.5, 0.5001}, {0.1, 0.101}} {
			logw := make([]float64, n)
			st.Step(logw, pair[0], pair[1], false, b)
			for i := 0; i < n; i++ {
				want := logf(i, pair[1]) - logf(i, pair[0])
				d := logw[i] - want
				sum += d
				sum2 += d * d
				cnt++
			}
		}
		b.Close()
		mean, rms := sum/float64(cnt), math.Sqrt(sum2/float64(cnt))
		t.Logf("%v: increment error mean %.2e, rms %.2e", units, mean, rms)
		// Over 14,500 steps a bias of 1e-6 adds up to 0.015 nats and
		// random errors of 1e-4 to about 0.012.
		if math.Abs(mean) > 1e-6 || rms > 1e-4 {
			t.Errorf("%v: increment error mean %.2e, rms %.2e", units, mean, rms)
		}
	}
}
