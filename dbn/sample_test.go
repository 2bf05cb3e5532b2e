package dbn

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// randomize sets m's weights and biases to normal draws with standard
// deviation sd.
func randomize(m *rbm.RBM, sd float32, r *rng.Stream) {
	for i := 0; i < m.W.Rows; i++ {
		r.Normal(m.W.Row(i), 0, sd)
	}
	r.Normal(m.VBias, 0, sd)
	r.Normal(m.HBias, 0, sd)
}

// exactClampedMeans returns, for each class c, the exact expectation of
// what Sample returns for a chain clamped to c in a DBN with two RBMs and
// generative weights w (Visible(), Pen()) and biases b: the visible means
// sigmoid(b + w pen), computed here without the package's code, averaged
// over p(pen | c) ∝ exp(-F([pen | e_c])) of the top RBM; and the variance
// of each of those means under p(pen | c).
func exactClampedMeans(d *DBN, w *mat32.Dense, b []float32) (mean, variance *mat32.Dense) {
	p, nl := d.Pen(), d.Labels
	top := d.Top()
	nv := d.Visible()
	states := mat32.NewDense(1<<p, p+nl, nil)
	gen := mat32.NewDense(1<<p, nv, nil)
	for s := 0; s < 1<<p; s++ {
		for j := 0; j < p; j++ {
			states.Set(s, j, float32(s>>j&1))
		}
	}
	for s := 0; s < 1<<p; s++ {
		for i := 0; i < nv; i++ {
			x := float64(b[i])
			for j := 0; j < p; j++ {
				x += float64(w.At(i, j) * states.At(s, j))
			}
			gen.Set(s, i, float32(1/(1+math.Exp(-x))))
		}
	}
	mean, variance = mat32.NewDense(nl, nv, nil), mat32.NewDense(nl, nv, nil)
	fe := make([]float64, 1<<p)
	for c := 0; c < nl; c++ {
		for s := 0; s < 1<<p; s++ {
			row := states.Row(s)[p:]
			clear(row)
			row[c] = 1
		}
		top.FreeEnergy(fe, states)
		lz := math.Inf(-1)
		for _, f := range fe {
			lz = logAddExp(lz, -f)
		}
		for s, f := range fe {
			q := math.Exp(-f - lz)
			for j, m := range gen.Row(s) {
				mean.Row(c)[j] += float32(q * float64(m))
				variance.Row(c)[j] += float32(q * float64(m) * float64(m))
			}
		}
		for j, m := range mean.Row(c) {
			variance.Row(c)[j] -= m * m
		}
	}
	return mean, variance
}

func logAddExp(a, b float64) float64 {
	if math.IsInf(a, -1) {
		return b
	}
	if a < b {
		a, b = b, a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// TestClampedSampleExact checks label-clamped sampling against the exact
// answer on a 6-4-(4+3)-5 DBN with random weights and strong labels:
// averaged over 3000 chains per class, the visible means returned by
// Sample must match the exact expectation under p(pen | label) of the top
// RBM passed down through the generative weights, both tied (the RBMs' W^T
// and VBias) and untied (random Gen), within 5 standard errors. Each label
// turns on a hidden unit that favours its own penultimate pattern, so the
// classes' means differ by up to 0.5: a label clamped only at the start, a
// down pass ignoring Gen, or a chain that has not mixed (1 step) each fail
// 17 to 29 of the 36 comparisons.
func TestClampedSampleExact(t *testing.T) {
	r := rng.New(3)
	d := New([]int{6, 4, 5}, 3, rbm.Bernoulli)
	randomize(d.Layers[0], 3, r)
	randomize(d.Top(), 0.5, r)
	// label c switches hidden unit c on, and hidden unit c prefers the
	// penultimate pattern of the bits of c+1 (c+1 and its complement).
	top := d.Top()
	for c := 0; c < d.Labels; c++ {
		top.W.Set(d.Pen()+c, c, 6)
		top.HBias[c] = -4
		for i := 0; i < d.Pen(); i++ {
			top.W.Set(i, c, float32(4*(2*((c+1)>>i&1)-1)))
		}
	}
	untied := d.Clone()
	g := &GenLayer{W: mat32.NewDense(6, 4, nil), Bias: make([]float32, 6)}
	for i := 0; i < 6; i++ {
		r.Normal(g.W.Row(i), 0, 3)
	}
	r.Normal(g.Bias, 0, 1)
	untied.Gen = []*GenLayer{g}
	for _, tc := range []struct {
		name string
		d    *DBN
		w    *mat32.Dense
		b    []float32
	}{{"tied", d, d.Layers[0].W, d.Layers[0].VBias}, {"untied", untied, g.W, g.Bias}} {
		t.Run(tc.name, func(t *testing.T) {
			mean, variance := exactClampedMeans(tc.d, tc.w, tc.b)
			const per = 3000
			nl := tc.d.Labels
			lab := make([]int, per*nl)
			for i := range lab {
				lab[i] = i % nl
			}
			v := mat32.NewDense(len(lab), 6, nil)
			tc.d.Sample(v, &SampleSettings{Steps: 30, Labels: lab}, rng.New(11))
			got := mat32.NewDense(nl, 6, nil)
			for i, c := range lab {
				mat32.Axpy(1.0/per, v.Row(i), got.Row(c))
			}
			for c := 0; c < nl; c++ {
				for j := 0; j < 6; j++ {
					e, g := mean.At(c, j), got.At(c, j)
					tol := 5*math.Sqrt(float64(variance.At(c, j))/per) + 1e-3
					if math.Abs(float64(g-e)) > tol {
						t.Errorf("class %d unit %d: mean of samples %.4f, exact %.4f (tolerance %.4f)", c, j, g, e, tol)
					}
				}
			}
			// the classes must differ, or the test would not test clamping
			var spread float64
			for j := 0; j < 6; j++ {
				spread = max(spread, math.Abs(float64(mean.At(0, j)-mean.At(1, j))), math.Abs(float64(mean.At(1, j)-mean.At(2, j))))
			}
			if spread < 0.2 {
				t.Fatalf("exact class-conditional means differ by at most %.3f; pick other weights", spread)
			}
			t.Logf("largest difference between classes' exact means %.3f", spread)
		})
	}
}
