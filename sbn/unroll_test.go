package sbn

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

func smallRBM(seed uint64, nv, nh int, scale float32) *rbm.RBM {
	r := rng.New(seed)
	m := rbm.New(nv, nh, rbm.Bernoulli)
	r.Normal(m.W.Data, 0, scale)
	r.Normal(m.VBias, 0, 0.5)
	r.Normal(m.HBias, 0, 0.5)
	return m
}

func TestUnrollCurve(t *testing.T) {
	m := smallRBM(20, 8, 6, 0.7)
	const K = 40
	pts, err := UnrollCurve(m, K, TopUniform, rng.New(21))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pts {
		if p.Depth <= 4 || p.Depth%8 == 0 {
			t.Logf("depth %2d: KL %.3g, tied dependence %.3g (posterior KL %.3g), untied %.3g", p.Depth, p.KL, p.TiedDependence, p.PosteriorKL, p.UntiedDependence)
		}
	}
	// (a) the Gibbs chain converges geometrically: the KL shrinks with
	// depth, by 1e-6 at the end
	for i := 2; i < K; i++ {
		if pts[i].KL > pts[i-2].KL*1.0001+1e-15 {
			t.Errorf("KL rose from depth %d to %d: %g -> %g", i-1, i+1, pts[i-2].KL, pts[i].KL)
		}
	}
	last := pts[K-1]
	if pts[0].KL < 0.1 || last.KL > 1e-6 {
		t.Errorf("KL from %g (depth 1) to %g (depth %d): want a fall from > 0.1 to < 1e-6", pts[0].KL, last.KL, K)
	}
	// (b) complementary prior: the tied posterior becomes the RBM's
	// factorial one; the untied one stays dependent
	if pts[0].TiedDependence < 1e-3 || last.TiedDependence > 1e-6 || last.PosteriorKL > 1e-6 {
		t.Errorf("tied dependence %g at depth 1, %g (posterior KL %g) at depth %d", pts[0].TiedDependence, last.TiedDependence, last.PosteriorKL, K)
	}
	if last.UntiedDependence < 100*last.TiedDependence || last.UntiedDependence < 1e-4 {
		t.Errorf("untied dependence %g at depth %d, tied %g", last.UntiedDependence, K, last.TiedDependence)
	}
}

// With the RBM's own marginal on top, every depth represents the RBM
// exactly and the posterior of h1 is factorial at every depth.
func TestUnrollCurveRBMTopIsExact(t *testing.T) {
	m := smallRBM(22, 6, 5, 1)
	pts, err := UnrollCurve(m, 6, TopRBM, rng.New(23))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pts {
		if p.KL > 1e-12 || p.TiedDependence > 1e-12 || p.PosteriorKL > 1e-12 {
			t.Errorf("depth %d: KL %g, dependence %g, posterior KL %g: want 0", p.Depth, p.KL, p.TiedDependence, p.PosteriorKL)
		}
	}
}

// The Net built by UnrollRBM, measured by the generic exact code, agrees
// with the tabulated UnrollCurve.
func TestUnrollRBMNetMatchesCurve(t *testing.T) {
	m := smallRBM(24, 5, 4, 1)
	pts, err := UnrollCurve(m, 5, TopBias, rng.New(25))
	if err != nil {
		t.Fatal(err)
	}
	all := mat32.NewDense(32, 5, nil)
	for s := 0; s < 32; s++ {
		copy(all.Row(s), bits(s, 5))
	}
	f := make([]float64, 32)
	m.FreeEnergy(f, all)
	lz, _ := m.LogZExact()
	for _, p := range pts {
		n := UnrollRBM(m, p.Depth, TopBias)
		lp := make([]float64, 32)
		if err := n.LogProbExact(lp, all); err != nil {
			t.Fatal(err)
		}
		var kl, dep float64
		for s := range lp {
			prbm := math.Exp(-f[s] - lz)
			kl += prbm * (-f[s] - lz - lp[s])
			post, _, _ := n.PosteriorExact(all.Row(s))
			dep += prbm * MultiInformation(post)
		}
		if math.Abs(kl-p.KL) > 1e-6 || math.Abs(dep-p.TiedDependence) > 1e-6 {
			t.Errorf("depth %d: net KL %g, dependence %g; curve %g, %g", p.Depth, kl, dep, p.KL, p.TiedDependence)
		}
	}
}

func TestUnrollSamplesFreeEnergy(t *testing.T) {
	m := smallRBM(26, 8, 6, 0.7)
	nv := 8
	all := mat32.NewDense(1<<nv, nv, nil)
	for s := 0; s < 1<<nv; s++ {
		copy(all.Row(s), bits(s, nv))
	}
	f := make([]float64, 1<<nv)
	m.FreeEnergy(f, all)
	lz, _ := m.LogZExact()
	var ef float64
	for _, x := range f {
		ef += math.Exp(-x-lz) * x
	}
	out := UnrollSamples(m, []int{1, 2, 39, 40}, 4000, TopUniform, rng.New(27))
	for _, s := range out {
		t.Logf("depth %d: mean F %.4f ± %.4f (RBM: %.4f)", s.Depth, s.MeanFreeEnergy, s.StdErr, ef)
		if s.V.Rows != 4000 || s.V.Cols != nv {
			t.Fatalf("samples are %dx%d", s.V.Rows, s.V.Cols)
		}
	}
	for _, s := range out[2:] {
		if math.Abs(s.MeanFreeEnergy-ef) > 4*s.StdErr {
			t.Errorf("depth %d: mean free energy %.4f ± %.4f, RBM expectation %.4f", s.Depth, s.MeanFreeEnergy, s.StdErr, ef)
		}
	}
}
