package dbn

import (
	"math"
	"slices"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// udModel returns a 6-4-3-3 DBN without labels whose recognition and
// generative weights are independent random draws (so that a mix-up of the
// two shows), and 16 random binary data rows.
func udModel() (*DBN, *mat32.Dense) {
	r := rng.New(41)
	d := New([]int{6, 4, 3, 3}, 0, rbm.Bernoulli)
	fill := func(x []float32, sd float64) {
		for i := range x {
			x[i] = float32(sd * r.NormFloat64())
		}
	}
	for _, m := range d.Layers {
		fill(m.W.Data, 0.8)
		fill(m.VBias, 0.5)
		fill(m.HBias, 0.5)
	}
	d.Gen = make([]*GenLayer, 2)
	for l := range d.Gen {
		nv, nh := d.Layers[l].Dims()
		d.Gen[l] = &GenLayer{W: mat32.NewDense(nv, nh, nil), Bias: make([]float32, nv)}
		fill(d.Gen[l].W.Data, 0.8)
		fill(d.Gen[l].Bias, 0.5)
	}
	x := mat32.NewDense(16, 6, nil)
	half := make([]float32, 6)
	for j := range half {
		half[j] = 0.5
	}
	for i := 0; i < x.Rows; i++ {
		r.Bernoulli(x.Row(i), half)
	}
	return d, x
}

// udParams lists the parameters of a 6-4-3-3 DBN in a fixed order with
// their names: generative weights and biases of both directed layers, the
// top RBM's W, VBias, HBias, then the recognition weights and hidden
// biases of both directed layers.
func udParams(d *DBN) (names []string, ps [][]float32) {
	add := func(n string, p []float32) {
		names = append(names, n)
		ps = append(ps, p)
	}
	add("G0", d.Gen[0].W.Data)
	add("b0", d.Gen[0].Bias)
	add("G1", d.Gen[1].W.Data)
	add("b1", d.Gen[1].Bias)
	t := d.Top()
	add("topW", t.W.Data)
	add("topV", t.VBias)
	add("topH", t.HBias)
	add("R0", d.Layers[0].W.Data)
	add("c0", d.Layers[0].HBias)
	add("R1", d.Layers[1].W.Data)
	add("c1", d.Layers[1].HBias)
	return names, ps
}

func sig64(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// bits sets x to the n low bits of s.
func bits(x []float64, s int) {
	for j := range x {
		x[j] = float64(s >> j & 1)
	}
}

// prob returns the probability of the binary vector x under independent
// Bernoulli(p).
func prob(x, p []float64) float64 {
	q := 1.0
	for j, v := range x {
		if v == 1 {
			q *= p[j]
		} else {
			q *= 1 - p[j]
		}
	}
	return q
}

// cond sets out = sigmoid(bias + x W) (transpose false: W is len(x) x
// len(out)) or sigmoid(bias + W x) (transpose true: W is len(out) x
// len(x)).
func cond(out []float64, w *mat32.Dense, bias []float32, x []float64, transpose bool) {
	for j := range out {
		s := float64(bias[j])
		for i, v := range x {
			if transpose {
				s += float64(w.At(j, i)) * v
			} else {
				s += float64(w.At(i, j)) * v
			}
		}
		out[j] = sig64(s)
	}
}

// udExpected returns, in the order of udParams, the expectation of one
// up-down update with learning rate 1 on the rows of x of a 6-4-3-3 DBN
// whose top chain has converged (K large), by enumerating every state:
//
//   - wake: h1 ~ Q(.|v), h2 ~ Q(.|h1); G_l gets (h_l - p(h_l|h_{l+1})) h_{l+1}^T
//     and the top RBM's positive statistics come from h2;
//   - top negative phase and sleep: x ~ the top RBM's marginal on its
//     visible layer; s1 ~ p(h1|x) and m0 = p(v|s1) (means); R0 gets
//     m0^T (s1 - Q(h1|m0)), R1 gets s1^T (x - Q(h2|s1)).
func udExpected(d *DBN, data *mat32.Dense) [][]float64 {
	_, ps := udParams(d)
	g := make([][]float64, len(ps))
	for i, p := range ps {
		g[i] = make([]float64, len(p))
	}
	G0, b0, G1, b1 := g[0], g[1], g[2], g[3]
	tW, tV, tH := g[4], g[5], g[6]
	R0, c0, R1, c1 := g[7], g[8], g[9], g[10]
	L0, L1, top := d.Layers[0], d.Layers[1], d.Top()
	v := make([]float64, 6)
	q1, h1, p0 := make([]float64, 4), make([]float64, 4), make([]float64, 6)
	q2, h2, p1 := make([]float64, 3), make([]float64, 3), make([]float64, 4)
	t0 := make([]float64, 3)
	w := 1 / float64(data.Rows)
	// top statistics: + for the data's h2, - for the model's
	topStats := func(x []float64, f float64) {
		cond(t0, top.W, top.HBias, x, false)
		for i, xi := range x {
			tV[i] += f * xi
			for j, tj := range t0 {
				tW[i*3+j] += f * xi * tj
			}
		}
		for j, tj := range t0 {
			tH[j] += f * tj
		}
	}
	for r := 0; r < data.Rows; r++ {
		for j := range v {
			v[j] = float64(data.At(r, j))
		}
		cond(q1, L0.W, L0.HBias, v, false)
		for s1 := 0; s1 < 16; s1++ {
			bits(h1, s1)
			w1 := w * prob(h1, q1)
			cond(p0, d.Gen[0].W, d.Gen[0].Bias, h1, true)
			for i := range v {
				b0[i] += w1 * (v[i] - p0[i])
				for j := range h1 {
					G0[i*4+j] += w1 * (v[i] - p0[i]) * h1[j]
				}
			}
			cond(q2, L1.W, L1.HBias, h1, false)
			for s2 := 0; s2 < 8; s2++ {
				bits(h2, s2)
				w2 := w1 * prob(h2, q2)
				cond(p1, d.Gen[1].W, d.Gen[1].Bias, h2, true)
				for i := range h1 {
					b1[i] += w2 * (h1[i] - p1[i])
					for j := range h2 {
						G1[i*3+j] += w2 * (h1[i] - p1[i]) * h2[j]
					}
				}
				topStats(h2, w2)
			}
		}
	}
	// the top RBM's marginal on its visible layer
	x := make([]float64, 3)
	px := make([]float64, 8)
	var z float64
	for s := 0; s < 8; s++ {
		bits(x, s)
		e := 0.0
		for i, xi := range x {
			e += float64(top.VBias[i]) * xi
		}
		for j := 0; j < 3; j++ {
			a := float64(top.HBias[j])
			for i, xi := range x {
				a += float64(top.W.At(i, j)) * xi
			}
			e += math.Log1p(math.Exp(a))
		}
		px[s] = math.Exp(e)
		z += px[s]
	}
	s1v, m0 := make([]float64, 4), make([]float64, 6)
	ps0, ps1 := make([]float64, 4), make([]float64, 3)
	for s := 0; s < 8; s++ {
		bits(x, s)
		wx := px[s] / z
		topStats(x, -wx)
		cond(p1, d.Gen[1].W, d.Gen[1].Bias, x, true)
		for a := 0; a < 16; a++ {
			bits(s1v, a)
			ws := wx * prob(s1v, p1)
			cond(m0, d.Gen[0].W, d.Gen[0].Bias, s1v, true)
			cond(ps0, L0.W, L0.HBias, m0, false)
			for j := range s1v {
				c0[j] += ws * (s1v[j] - ps0[j])
				for i := range m0 {
					R0[i*4+j] += ws * m0[i] * (s1v[j] - ps0[j])
				}
			}
			cond(ps1, L1.W, L1.HBias, s1v, false)
			for j := range x {
				c1[j] += ws * (x[j] - ps1[j])
				for i := range s1v {
					R1[i*3+j] += ws * s1v[i] * (x[j] - ps1[j])
				}
			}
		}
	}
	return g
}

// TestUpDownExpectedUpdate checks the up-down update itself: one batch of
// 160,000 rows (16 distinct rows, 10,000 times each) with learning rate 1
// moves every parameter by the batch mean of its stochastic update, whose
// expectation udExpected computes exactly. Each per-row update lies in
// [-1, 1], so its variance is at most 1 and the batch mean's standard
// deviation at most 1/sqrt(160,000) = 0.0025; we allow 5 of those. The
// recognition layers' visible biases must not move.
func TestUpDownExpectedUpdate(t *testing.T) {
	if testing.Short() {
		t.Skip("160,000-row batch")
	}
	d, x := udModel()
	want := udExpected(d, x)
	const rep = 10000
	big := mat32.NewDense(rep*x.Rows, x.Cols, nil)
	for i := 0; i < big.Rows; i++ {
		copy(big.Row(i), x.Row(i%x.Rows))
	}
	before := d.Clone()
	vb := [][]float32{slices.Clone(d.Layers[0].VBias), slices.Clone(d.Layers[1].VBias)}
	tr := NewUpDownTrainer(d, &UpDownSettings{LearningRate: 1, K: 50, BatchSize: big.Rows, Epochs: 1}, rng.New(42))
	if _, err := tr.RunEpoch(big, nil); err != nil {
		t.Fatal(err)
	}
	names, after := udParams(d)
	_, old := udParams(before)
	tol := 5 / math.Sqrt(float64(big.Rows))
	for k, name := range names {
		var worst, size float64
		for i := range after[k] {
			got := float64(after[k][i]) - float64(old[k][i])
			worst = math.Max(worst, math.Abs(got-want[k][i]))
			size = math.Max(size, math.Abs(want[k][i]))
			if math.Abs(got-want[k][i]) > tol {
				t.Errorf("%s[%d]: update %.5f, expected %.5f", name, i, got, want[k][i])
			}
		}
		t.Logf("%-5s largest expected update %.4f, largest deviation %.4f (allowed %.4f)", name, size, worst, tol)
	}
	for l, b := range vb {
		if !slices.Equal(b, d.Layers[l].VBias) {
			t.Errorf("layer %d's visible biases changed", l)
		}
	}
}

// TestUpDownFollowsBound checks the link between up-down and the bound:
// for fixed recognition weights, the expected generative and top updates
// of udExpected are the gradient of the exact variational bound
// (BoundExact with the top's exact log Z) with respect to those
// parameters, by central differences. The recognition weights' update has
// no such link (it descends KL(P || Q) on the model's own samples) and is
// not checked here.
func TestUpDownFollowsBound(t *testing.T) {
	d, x := udModel()
	want := udExpected(d, x)
	names, ps := udParams(d)
	bound := func() float64 {
		lz, err := d.Top().LogZExact()
		if err != nil {
			t.Fatal(err)
		}
		b, err := BoundExact(d, x, lz)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// float32 parameters: a step of 1/64 is exact, and the bound's float32
	// rounding (about 1e-6 nats) over 2h contributes 1e-4; the curvature
	// term h^2/6 f''' adds about as much.
	const h = 1.0 / 64
	for k := 0; k < 7; k++ { // generative and top parameters
		for i := range ps[k] {
			v := ps[k][i]
			ps[k][i] = v + h
			up := bound()
			ps[k][i] = v - h
			down := bound()
			ps[k][i] = v
			fd := (up - down) / (2 * h)
			if math.Abs(fd-want[k][i]) > 1e-3 {
				t.Errorf("%s[%d]: bound gradient %.5f, expected update %.5f", names[k], i, fd, want[k][i])
			}
		}
	}
}
