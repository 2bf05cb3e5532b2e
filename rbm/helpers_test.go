package rbm

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// randomModel returns a Bernoulli RBM with weights N(0, ws^2) and biases
// N(0, bs^2).
func randomModel(nv, nh int, ws, bs float32, r *rng.Stream) *RBM {
	m := New(nv, nh, Bernoulli)
	for i := 0; i < nv; i++ {
		r.Normal(m.W.Row(i), 0, ws)
	}
	r.Normal(m.VBias, 0, bs)
	r.Normal(m.HBias, 0, bs)
	return m
}

// energy64 is E(v, h) in float64, written out independently of the package.
func energy64(m *RBM, v, h []float64) float64 {
	var e float64
	for i, x := range v {
		a := float64(m.VBias[i])
		if m.Visible == Gaussian {
			s := float64(m.Sigma[i])
			e += (x - a) * (x - a) / (2 * s * s)
			x /= s
		} else {
			e -= a * x
		}
		for j, y := range h {
			e -= x * float64(m.W.At(i, j)) * y
		}
	}
	for j, y := range h {
		e -= float64(m.HBias[j]) * y
	}
	return e
}

func bits64(n int, x uint64) []float64 {
	out := make([]float64, n)
	for j := range out {
		out[j] = float64((x >> uint(j)) & 1)
	}
	return out
}

// validVisible reports whether the binary vector v is one-hot in every group.
func validVisible(m *RBM, v []float64) bool {
	for _, g := range m.Softmax {
		var s float64
		for _, x := range v[g.Start : g.Start+g.Size] {
			s += x
		}
		if s != 1 {
			return false
		}
	}
	return true
}

// brute holds exact quantities of a tiny Bernoulli model computed by
// enumerating both layers in float64.
type brute struct {
	logZ   float64
	ev, eh []float64   // E[v_i], E[h_j]
	evh    [][]float64 // E[v_i h_j]
}

func bruteForce(m *RBM) brute {
	nv, nh := m.Dims()
	var lw []float64
	var vs, hs [][]float64
	for x := uint64(0); x < 1<<nv; x++ {
		v := bits64(nv, x)
		if !validVisible(m, v) {
			continue
		}
		for y := uint64(0); y < 1<<nh; y++ {
			h := bits64(nh, y)
			lw = append(lw, -energy64(m, v, h))
			vs, hs = append(vs, v), append(hs, h)
		}
	}
	b := brute{logZ: mat32.LogSumExp64(lw), ev: make([]float64, nv), eh: make([]float64, nh), evh: make([][]float64, nv)}
	for i := range b.evh {
		b.evh[i] = make([]float64, nh)
	}
	for k, l := range lw {
		p := math.Exp(l - b.logZ)
		for i, x := range vs[k] {
			b.ev[i] += p * x
			for j, y := range hs[k] {
				b.evh[i][j] += p * x * y
			}
		}
		for j, y := range hs[k] {
			b.eh[j] += p * y
		}
	}
	return b
}

// dataStats64 returns the data-driven statistics <v>, <p(h|v)>, <v p(h|v)>
// of the rows of data, in float64.
func dataStats64(m *RBM, data *mat32.Dense) (ev, eh []float64, evh [][]float64) {
	nv, nh := m.Dims()
	ev, eh, evh = make([]float64, nv), make([]float64, nh), make([][]float64, nv)
	for i := range evh {
		evh[i] = make([]float64, nh)
	}
	n := float64(data.Rows)
	for r := 0; r < data.Rows; r++ {
		v := data.Row(r)
		p := make([]float64, nh)
		for j := range p {
			z := float64(m.HBias[j])
			for i, x := range v {
				z += float64(x) * float64(m.W.At(i, j))
			}
			p[j] = 1 / (1 + math.Exp(-z))
			eh[j] += p[j] / n
		}
		for i, x := range v {
			ev[i] += float64(x) / n
			for j := range p {
				evh[i][j] += float64(x) * p[j] / n
			}
		}
	}
	return ev, eh, evh
}

// exactGradW returns the exact gradient of the average log-likelihood of
// data with respect to W: <v h>_data - <v h>_model.
func exactGradW(m *RBM, data *mat32.Dense) [][]float64 {
	_, _, dvh := dataStats64(m, data)
	b := bruteForce(m)
	g := make([][]float64, len(dvh))
	for i := range g {
		g[i] = make([]float64, len(dvh[i]))
		for j := range g[i] {
			g[i][j] = dvh[i][j] - b.evh[i][j]
		}
	}
	return g
}

// barsAndStripes returns the 30 distinct 4x4 bars-and-stripes patterns.
func barsAndStripes() *mat32.Dense {
	seen := map[uint16]bool{}
	var rows [][]float32
	for x := 0; x < 16; x++ {
		for _, vertical := range []bool{false, true} {
			row := make([]float32, 16)
			var key uint16
			for i := 0; i < 4; i++ {
				for j := 0; j < 4; j++ {
					line := i
					if vertical {
						line = j
					}
					if x>>line&1 == 1 {
						row[i*4+j] = 1
						key |= 1 << (i*4 + j)
					}
				}
			}
			if !seen[key] {
				seen[key] = true
				rows = append(rows, row)
			}
		}
	}
	d := mat32.NewDense(len(rows), 16, nil)
	for i, r := range rows {
		copy(d.Row(i), r)
	}
	return d
}

func repeatRows(d *mat32.Dense, times int) *mat32.Dense {
	out := mat32.NewDense(d.Rows*times, d.Cols, nil)
	for i := 0; i < out.Rows; i++ {
		copy(out.Row(i), d.Row(i%d.Rows))
	}
	return out
}

func close64(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol || math.IsNaN(got) {
		t.Errorf("%s = %.8g, want %.8g ± %.3g", name, got, want, tol)
	}
}
