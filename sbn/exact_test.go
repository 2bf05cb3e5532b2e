package sbn

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

func TestLogProbExactMatchesBruteForce(t *testing.T) {
	r := rng.New(1)
	n := randomNet(r, 1.5, 4, 3, 2, 3)
	v := mat32.NewDense(16, 4, nil)
	for s := 0; s < 16; s++ {
		copy(v.Row(s), bits(s, 4))
	}
	lp := make([]float64, 16)
	if err := n.LogProbExact(lp, v); err != nil {
		t.Fatal(err)
	}
	var total float64
	for s := range lp {
		want := bruteLogProb(n, v.Row(s))
		if math.Abs(lp[s]-want) > 1e-9 {
			t.Errorf("log p(v=%d) = %.12f, brute force %.12f", s, lp[s], want)
		}
		total += math.Exp(lp[s])
	}
	if math.Abs(total-1) > 1e-12 {
		t.Errorf("sum_v p(v) = %.15f, want 1", total)
	}
	m, err := n.LayerMarginals()
	if err != nil {
		t.Fatal(err)
	}
	for l := 1; l < len(m); l++ {
		var s float64
		for _, x := range m[l] {
			s += x
		}
		if math.Abs(s-1) > 1e-12 {
			t.Errorf("layer %d marginal sums to %.15f", l, s)
		}
	}
}

func TestPosteriorExactMatchesBruteForce(t *testing.T) {
	r := rng.New(2)
	n := randomNet(r, 1.5, 5, 3, 2)
	v := []float32{1, 0, 1, 1, 0}
	post, logp, err := n.PosteriorExact(v)
	if err != nil {
		t.Fatal(err)
	}
	if want := bruteLogProb(n, v); math.Abs(logp-want) > 1e-9 {
		t.Errorf("log p(v) = %.12f, brute force %.12f", logp, want)
	}
	for s := range post {
		// P(h1 = s | v) = sum_{h2} p(v, s, h2) / p(v)
		var terms []float64
		for h2 := 0; h2 < 4; h2++ {
			terms = append(terms, logJoint64(n, [][]float32{v, bits(s, 3), bits(h2, 2)}))
		}
		want := math.Exp(mat32.LogSumExp64(terms) - logp)
		if math.Abs(post[s]-want) > 1e-12 {
			t.Errorf("P(h1=%d|v) = %.12f, brute force %.12f", s, post[s], want)
		}
	}
}

func TestSampleMatchesExact(t *testing.T) {
	r := rng.New(3)
	n := randomNet(r, 1.5, 4, 3, 2)
	const N = 40000
	v := mat32.NewDense(N, 4, nil)
	n.Sample(v, r)
	counts := make([]int, 16)
	for i := 0; i < N; i++ {
		counts[stateIndex(v.Row(i))]++
	}
	all := mat32.NewDense(16, 4, nil)
	for s := 0; s < 16; s++ {
		copy(all.Row(s), bits(s, 4))
	}
	lp := make([]float64, 16)
	if err := n.LogProbExact(lp, all); err != nil {
		t.Fatal(err)
	}
	p := make([]float64, 16)
	for s := range p {
		p[s] = math.Exp(lp[s])
	}
	checkCounts(t, "ancestral samples", counts, p, N)
}

func TestMultiInformation(t *testing.T) {
	// independent units: 0
	p := factorial([]float64{0.3, -1, 2})
	if mi := MultiInformation(p); mi > 1e-12 {
		t.Errorf("independent units: multi-information %g, want 0", mi)
	}
	// two copies of a fair bit: log 2
	if mi := MultiInformation([]float64{0.5, 0, 0, 0.5}); math.Abs(mi-math.Ln2) > 1e-12 {
		t.Errorf("copied bit: multi-information %g, want log 2", mi)
	}
}

func TestExactTooLarge(t *testing.T) {
	n := New(10, 40)
	if _, err := n.LayerMarginals(); err == nil {
		t.Error("40 hidden units: no ErrTooLarge")
	}
}
