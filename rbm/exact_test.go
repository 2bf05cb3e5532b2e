package rbm

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

func TestLogZExactBruteForce(t *testing.T) {
	r := rng.New(1)
	for _, tc := range []struct {
		name   string
		nv, nh int
		groups []Group
	}{
		{"5x4", 5, 4, nil},
		{"3x8", 3, 8, nil},
		{"8x3", 8, 3, nil},
		{"softmax", 7, 4, []Group{{Start: 1, Size: 3}, {Start: 4, Size: 2}}},
		{"label-last", 6, 3, []Group{{Start: 3, Size: 3}}},
	} {
		m := randomModel(tc.nv, tc.nh, 1, 0.5, r)
		m.Softmax = tc.groups
		want := bruteForce(m).logZ
		got, err := m.LogZExact()
		if err != nil {
			t.Fatal(err)
		}
		close64(t, tc.name+" LogZExact", got, want, 1e-5*math.Max(1, math.Abs(want)))
		// Both directions of enumeration agree with brute force.
		nvStates := 1.0
		free := tc.nv
		for _, g := range tc.groups {
			nvStates *= float64(g.Size)
			free -= g.Size
		}
		nvStates = math.Ldexp(nvStates, free)
		close64(t, tc.name+" over hidden", m.logZ(true, 1<<tc.nh), want, 1e-5*math.Max(1, math.Abs(want)))
		close64(t, tc.name+" over visible", m.logZ(false, uint64(nvStates)), want, 1e-5*math.Max(1, math.Abs(want)))

		// Exact log-likelihood of a few visible vectors.
		data := mat32.NewDense(3, tc.nv, nil)
		for i := 0; i < 3; i++ {
			m.fillVisible(data.Row(i), uint64(i*5+1))
		}
		ll, err := m.LogLikelihoodExact(data)
		if err != nil {
			t.Fatal(err)
		}
		var want2 float64
		for i := 0; i < 3; i++ {
			v := make([]float64, tc.nv)
			for j, x := range data.Row(i) {
				v[j] = float64(x)
			}
			var lw []float64
			for y := uint64(0); y < 1<<tc.nh; y++ {
				lw = append(lw, -energy64(m, v, bits64(tc.nh, y)))
			}
			want2 += (mat32.LogSumExp64(lw) - want) / 3
		}
		close64(t, tc.name+" LogLikelihoodExact", ll, want2, 1e-4)
	}
}

// The log partition function of a Gaussian-visible RBM matches a numerical
// integral over v (trapezoid rule on a wide grid; the integrand is smooth
// and decays like a Gaussian, so the rule is accurate to ~1e-10).
func TestLogZExactGaussian(t *testing.T) {
	r := rng.New(2)
	m := New(2, 3, Gaussian)
	for i := 0; i < 2; i++ {
		r.Normal(m.W.Row(i), 0, 0.7)
	}
	r.Normal(m.VBias, 0, 1)
	r.Normal(m.HBias, 0, 1)
	m.Sigma[0], m.Sigma[1] = 0.5, 1.7
	got, err := m.LogZExact()
	if err != nil {
		t.Fatal(err)
	}
	const n = 301
	var lw []float64
	lo, hi := [2]float64{}, [2]float64{}
	for i := 0; i < 2; i++ {
		s := float64(m.Sigma[i])
		lo[i], hi[i] = float64(m.VBias[i])-14*s, float64(m.VBias[i])+14*s
	}
	d0, d1 := (hi[0]-lo[0])/(n-1), (hi[1]-lo[1])/(n-1)
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			v := []float64{lo[0] + float64(a)*d0, lo[1] + float64(b)*d1}
			for y := uint64(0); y < 8; y++ {
				lw = append(lw, -energy64(m, v, bits64(3, y))+math.Log(d0*d1))
			}
		}
	}
	close64(t, "Gaussian log Z", got, mat32.LogSumExp64(lw), 1e-4)
}

// For 784 visible units the hidden layer is enumerated with GEMM; compare
// with a float64 sum written out directly.
func TestLogZExactWide(t *testing.T) {
	r := rng.New(3)
	nh := 10
	if testing.Short() {
		nh = 6
	}
	m := randomModel(784, nh, 0.05, 0.5, r)
	got, err := m.LogZExact()
	if err != nil {
		t.Fatal(err)
	}
	var lw []float64
	for y := uint64(0); y < 1<<nh; y++ {
		h := bits64(nh, y)
		var s float64
		for j, x := range h {
			s += float64(m.HBias[j]) * x
		}
		for i := 0; i < 784; i++ {
			z := float64(m.VBias[i])
			for j, x := range h {
				z += float64(m.W.At(i, j)) * x
			}
			s += math.Log1p(math.Exp(z))
		}
		lw = append(lw, s)
	}
	want := mat32.LogSumExp64(lw)
	close64(t, "784-wide log Z", got, want, 2e-6*math.Abs(want))
}

func TestLogZExactTooLarge(t *testing.T) {
	m := New(784, 40, Bernoulli)
	if _, err := m.LogZExact(); err == nil {
		t.Fatal("LogZExact of 784x40: no error")
	}
}

func TestFreeEnergyBruteForce(t *testing.T) {
	r := rng.New(4)
	for _, vis := range []Units{Bernoulli, Gaussian} {
		m := randomModel(6, 5, 0.8, 0.5, r)
		if vis == Gaussian {
			m.Visible = Gaussian
			m.Sigma = []float32{0.5, 1, 2, 0.7, 1.3, 1}
		} else {
			m.Softmax = []Group{{Start: 2, Size: 3}}
		}
		v := mat32.NewDense(4, 6, nil)
		for i := 0; i < 4; i++ {
			if vis == Gaussian {
				r.Normal(v.Row(i), 0, 1)
			} else {
				m.fillVisible(v.Row(i), uint64(3*i+2))
			}
		}
		f := make([]float64, 4)
		m.FreeEnergy(f, v)
		e := make([]float64, 4)
		h := mat32.NewDense(4, 5, nil)
		for i := 0; i < 4; i++ {
			vv := make([]float64, 6)
			for j, x := range v.Row(i) {
				vv[j] = float64(x)
			}
			var lw []float64
			for y := uint64(0); y < 32; y++ {
				lw = append(lw, -energy64(m, vv, bits64(5, y)))
			}
			close64(t, vis.String()+" F(v)", f[i], -mat32.LogSumExp64(lw), 1e-5)
			fillBits(h.Row(i), uint64(7*i+1))
		}
		m.Energy(e, v, h)
		for i := 0; i < 4; i++ {
			vv, hh := make([]float64, 6), make([]float64, 5)
			for j, x := range v.Row(i) {
				vv[j] = float64(x)
			}
			for j, x := range h.Row(i) {
				hh[j] = float64(x)
			}
			close64(t, vis.String()+" E(v,h)", e[i], energy64(m, vv, hh), 1e-5)
		}
	}
}

// The exact log-likelihood gradient used as the oracle of the training
// tests, <v h>_data - <v h>_model, matches central finite differences of
// the log-likelihood computed by brute force in float64.
func TestExactGradientFiniteDifferences(t *testing.T) {
	r := rng.New(5)
	m := randomModel(4, 3, 0.8, 0.5, r)
	data := mat32.NewDense(5, 4, nil)
	for i := 0; i < 5; i++ {
		fillBits(data.Row(i), uint64(3*i+1))
	}
	g := exactGradW(m, data)
	// LL as a function of one weight, in float64 throughout.
	ll := func(i, j int, w float64) float64 {
		lw := make([]float64, 0, 128)
		freeE := func(v []float64) float64 {
			f := 0.0
			for a, x := range v {
				f -= float64(m.VBias[a]) * x
			}
			for k := 0; k < 3; k++ {
				z := float64(m.HBias[k])
				for a, x := range v {
					wk := float64(m.W.At(a, k))
					if a == i && k == j {
						wk = w
					}
					z += x * wk
				}
				f -= math.Log1p(math.Exp(z))
			}
			return f
		}
		for x := uint64(0); x < 16; x++ {
			lw = append(lw, -freeE(bits64(4, x)))
		}
		lz := mat32.LogSumExp64(lw)
		var s float64
		for row := 0; row < data.Rows; row++ {
			v := make([]float64, 4)
			for a, x := range data.Row(row) {
				v[a] = float64(x)
			}
			s += (-freeE(v) - lz) / float64(data.Rows)
		}
		return s
	}
	const h = 1e-5
	for i := 0; i < 4; i++ {
		for j := 0; j < 3; j++ {
			w := float64(m.W.At(i, j))
			fd := (ll(i, j, w+h) - ll(i, j, w-h)) / (2 * h)
			// float32 weights make the analytic side exact only to ~1e-7.
			close64(t, "dLL/dW", g[i][j], fd, 1e-6)
		}
	}
}
