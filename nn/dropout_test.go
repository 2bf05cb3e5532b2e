package nn

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// forwardMasked is the float64 forward pass with the output of hidden
// layer l multiplied by masks[l] (nil: no mask).
func (r *ref) forwardMasked(x [][]float64, masks [][][]float64) [][]float64 {
	for l := range r.w {
		sub := &ref{w: r.w[l : l+1], b: r.b[l : l+1], dims: r.dims[l : l+1], acts: r.acts[l : l+1]}
		x = sub.forward(x)
		if l < len(r.w)-1 && masks[l] != nil {
			for i := range x {
				for j := range x[i] {
					x[i][j] *= masks[l][i][j]
				}
			}
		}
	}
	return x
}

// randMask returns a (rows, cols) inverted-dropout mask for drop
// probability p.
func randMask(r *rng.Stream, rows, cols int, p float32) *mat32.Dense {
	m := mat32.NewDense(rows, cols, nil)
	r.Uniform(m.Data)
	dropMask(m.Data, p)
	return m
}

// TestDropoutGradient: with the masks fixed, the loss of the thinned
// network is a deterministic function of the parameters, and the gradient
// that backwardMasked computes must match its central finite differences
// in float64 (tolerance as in TestMLPGradient). Layer 1 has no mask, to
// cover a mix of masked and unmasked layers.
func TestDropoutGradient(t *testing.T) {
	r := rng.New(31)
	net := NewMLP([]int{6, 7, 5, 6, 3}, Sigmoid, ReLU, Sigmoid, Softmax)
	net.Init(r)
	for _, l := range net.Layers {
		r.Normal(l.B, 0, 0.3)
	}
	const b = 9
	x := randDense(r, b, 6, 1)
	labels := randLabels(r, b, 3)
	masks := []mat32.Dense{*randMask(r, b, 7, 0.5), {}, *randMask(r, b, 6, 0.3)}
	net.ZeroGrad()
	loss := net.backwardMasked(x, labels, masks)

	rf := refOf(net.Layers)
	x64 := to64(x)
	m64 := [][][]float64{to64(&masks[0]), nil, to64(&masks[2])}
	f := func() float64 { return crossEntropy(rf.forwardMasked(x64, m64), labels) }
	if want := f(); math.Abs(loss-want) > 1e-6 {
		t.Errorf("loss %.9g, float64 %.9g", loss, want)
	}
	if plain := crossEntropy(rf.forward(x64), labels); math.Abs(plain-loss) < 1e-3 {
		t.Errorf("masked loss %.6g is the unmasked %.6g: masks not applied", loss, plain)
	}
	g := &gradChecker{t: t, name: "dropout MLP"}
	for l, ly := range net.Layers {
		in, out := ly.Dims()
		for i := 0; i < in; i++ {
			for j := 0; j < out; j++ {
				g.check("dW", l*1000+i*out+j, ly.DW.At(i, j), &rf.w[l][i*out+j], f)
			}
		}
		for j := 0; j < out; j++ {
			g.check("db", l*1000+j, ly.DB[j], &rf.b[l][j], f)
		}
	}
	t.Logf("%d gradients, largest error %.2g", g.n, g.maxErr)

	// The plain passes are untouched by the masked one.
	p := net.Forward(x)
	want := rf.forward(x64)
	for i := range want {
		for j, v := range want[i] {
			if d := math.Abs(float64(p.At(i, j)) - v); d > 1e-6 {
				t.Fatalf("Forward after a masked pass: out[%d][%d] = %g, want %g", i, j, p.At(i, j), v)
			}
		}
	}
}

// TestDropoutMaskFraction: the masks that a training step draws hold only
// 0 and 1/(1-p), and the fraction kept is 1-p within 4 binomial standard
// deviations sqrt(p(1-p)/n); the same for the inputs.
func TestDropoutMaskFraction(t *testing.T) {
	r := rng.New(32)
	const rows, in = 200, 300
	x := mat32.NewDense(rows, in, nil)
	x.Fill(1)
	labels := randLabels(r, rows, 4)
	net := NewMLP([]int{in, 250, 150, 4})
	net.Init(r)
	const p, pin = 0.5, 0.2
	tr := NewTrainer(net, &Settings{BatchSize: rows, Dropout: p, InputDropout: pin, Epochs: 1}, r)
	if _, err := tr.Epoch(x, labels); err != nil {
		t.Fatal(err)
	}
	tr.step(x, labels, 0, rows)
	check := func(name string, v []float32, p float64) {
		t.Helper()
		keep := float32(1 / (1 - p))
		kept := 0
		for i, m := range v {
			switch m {
			case 0:
			case keep:
				kept++
			default:
				t.Fatalf("%s[%d] = %g, want 0 or %g", name, i, m, keep)
			}
		}
		n := float64(len(v))
		frac, sd := float64(kept)/n, math.Sqrt(p*(1-p)/n)
		t.Logf("%s: kept %.4f of %d, want %.4f ± %.4f", name, frac, len(v), 1-p, sd)
		if math.Abs(frac-(1-p)) > 4*sd {
			t.Errorf("%s: kept fraction %.5f, want %.5f within %.5f", name, frac, 1-p, 4*sd)
		}
	}
	// The gathered inputs were all 1, so they are the input mask.
	check("input mask", tr.xv.Data[:rows*in], pin)
	for l := range tr.maskV {
		check("hidden mask", tr.maskV[l].Data[:rows*tr.maskV[l].Cols], p)
	}
	// A mask must be new for every mini-batch.
	before := append([]float32(nil), tr.maskV[0].Data[:rows*250]...)
	tr.step(x, labels, 0, rows)
	same := 0
	for i, v := range before {
		if tr.maskV[0].Data[i] == v {
			same++
		}
	}
	if frac := float64(same) / float64(len(before)); math.Abs(frac-0.5) > 4*math.Sqrt(0.25/float64(len(before))) {
		t.Errorf("two mini-batches' masks agree on %.4f of units, want 0.5 (independent)", frac)
	}
}

// TestDropoutUnbiased: with inverted scaling the expected input of the
// next layer is the input without dropout. For linear layers the output
// z = ((x W0 + b0) ∘ m) W1 + b1 is linear in the mask m, so its mean over
// many masks must be within 4 standard errors (the sample standard
// deviation over sqrt(M)) of the output of the plain Forward, for every
// output unit.
func TestDropoutUnbiased(t *testing.T) {
	for _, p := range []float32{0.2, 0.5, 0.8} {
		r := rng.New(33)
		net := NewMLP([]int{5, 12, 4}, Identity, Identity)
		net.Init(r)
		for _, l := range net.Layers {
			r.Normal(l.B, 0, 0.5)
		}
		const M = 20000
		row := randDense(r, 1, 5, 1)
		x := mat32.NewDense(M, 5, nil)
		for i := 0; i < M; i++ {
			copy(x.Row(i), row.Row(0))
		}
		want := append([]float32(nil), net.Forward(row).Row(0)...)
		out := net.forwardMasked(x, []mat32.Dense{*randMask(r, M, 12, p)})
		for j, w := range want {
			var s, ss float64
			for i := 0; i < M; i++ {
				v := float64(out.At(i, j))
				s += v
				ss += v * v
			}
			mean := s / M
			se := math.Sqrt((ss/M - mean*mean) / M)
			if math.Abs(mean-float64(w)) > 4*se {
				t.Errorf("p %g: mean of output %d over %d masks %.5f, without dropout %.5f (standard error %.5f)", p, j, M, mean, w, se)
			}
		}
	}
}

// TestMaxNorm: after training with MaxNorm every incoming weight vector of
// a hidden unit has norm at most MaxNorm (up to float32 rounding), the
// bound is active for some units, and the output layer is not
// constrained. maxNorm itself keeps the direction of a scaled column and
// leaves the others bit for bit.
func TestMaxNorm(t *testing.T) {
	r := rng.New(34)
	x, labels := blobs(r, 600)
	net := NewMLP([]int{2, 16, 16, 3})
	net.Init(r)
	const c = 1.5
	if _, err := Train(net, x, labels, &Settings{Epochs: 5, BatchSize: 20, LearningRate: 0.5, MaxNorm: c, Workers: 2}, r); err != nil {
		t.Fatal(err)
	}
	colNorm := func(w *mat32.Dense, j int) float64 {
		var s float64
		for i := 0; i < w.Rows; i++ {
			s += float64(w.At(i, j)) * float64(w.At(i, j))
		}
		return math.Sqrt(s)
	}
	atBound := 0
	for l, ly := range net.Layers[:2] {
		for j := 0; j < ly.W.Cols; j++ {
			n := colNorm(ly.W, j)
			if n > c*(1+1e-6) {
				t.Errorf("layer %d unit %d: norm %.8g above %g", l, j, n, c)
			}
			if n > c*(1-1e-6) {
				atBound++
			}
		}
	}
	outMax := 0.0
	for j := 0; j < 3; j++ {
		outMax = math.Max(outMax, colNorm(net.Layers[2].W, j))
	}
	t.Logf("%d of 32 hidden units at the bound; largest output column norm %.3g", atBound, outMax)
	if atBound == 0 {
		t.Errorf("no hidden unit at the bound %g: the test does not exercise MaxNorm", c)
	}
	if outMax <= c {
		t.Errorf("output columns' norms at most %.3g: expected the unconstrained output layer to exceed %g", outMax, c)
	}

	w := mat32.NewDense(3, 3, []float32{
		3, 0.1, 1,
		4, 0.2, 1,
		0, 0.3, 1,
	})
	orig := w.Clone()
	maxNorm(w, 0, make([]float32, 3), 2)
	want := mat32.NewDense(3, 3, []float32{
		1.2, 0.1, 1,
		1.6, 0.2, 1,
		0, 0.3, 1,
	})
	for i := range want.Data {
		if d := math.Abs(float64(w.Data[i] - want.Data[i])); d > 1e-6 || (i%3 != 0 && w.Data[i] != orig.Data[i]) {
			t.Errorf("maxNorm: W = %v, want %v", w.Data, want.Data)
			break
		}
	}
}

// redundant returns blobs in 10 dimensions: each of the 2 coordinates
// repeated 5 times with independent noise of standard deviation 0.3, so
// dropping a fifth of the inputs leaves the class recoverable.
func redundant(r *rng.Stream, n int) (*mat32.Dense, []int) {
	b, labels := blobs(r, n)
	x := mat32.NewDense(n, 10, nil)
	r.Normal(x.Data, 0, 0.3)
	for i := 0; i < n; i++ {
		for k := 0; k < 10; k++ {
			x.Data[i*10+k] += b.At(i, k%2)
		}
	}
	return x, labels
}

// TestTrainDropoutLearns: training with dropout on the hidden units and
// the inputs and a max-norm bound still learns the redundant blobs: the
// training loss falls by more than half from the first epoch to the last,
// and the full network's test error is below 1% (Bayes error about 0; this
// seed gives 0.1%).
func TestTrainDropoutLearns(t *testing.T) {
	r := rng.New(35)
	x, labels := redundant(r, 2000)
	xt, lt := redundant(r, 1000)
	net := NewMLP([]int{10, 32, 32, 3})
	net.Init(r)
	s := &Settings{Epochs: 15, BatchSize: 50, LearningRate: 0.3, Dropout: 0.5, InputDropout: 0.2, MaxNorm: 3,
		Validation: xt, ValidLabels: lt}
	res, err := Train(net, x, labels, s, r)
	if err != nil {
		t.Fatal(err)
	}
	first, last := res.Stats[0], res.Stats[len(res.Stats)-1]
	t.Logf("train loss %.4f -> %.4f (error %.4f), test loss %.4f error %.4f", first.TrainLoss, last.TrainLoss, last.TrainError, last.ValidLoss, last.ValidError)
	if last.TrainLoss > first.TrainLoss/2 {
		t.Errorf("training loss fell only from %.4f to %.4f", first.TrainLoss, last.TrainLoss)
	}
	if last.ValidError > 0.01 {
		t.Errorf("test error %.4f, want below 0.01", last.ValidError)
	}
}

// TestDropoutReproducible: with dropout, input dropout and max-norm the
// weights are bit for bit the same whatever Workers is, and resuming from
// the State after 2 epochs with a new Trainer gives the weights of an
// uninterrupted 4-epoch run.
func TestDropoutReproducible(t *testing.T) {
	r0 := rng.New(36)
	x, labels := redundant(r0, 500)
	init := NewMLP([]int{10, 24, 16, 3})
	init.Init(r0)
	clone := func() *MLP {
		n := NewMLP([]int{10, 24, 16, 3})
		for l, ly := range n.Layers {
			ly.W.Copy(init.Layers[l].W)
			copy(ly.B, init.Layers[l].B)
		}
		return n
	}
	settings := func(workers int) *Settings {
		return &Settings{Epochs: 4, BatchSize: 30, LearningRate: 0.5, Dropout: 0.5, InputDropout: 0.2, MaxNorm: 1, Workers: workers}
	}
	run := func(workers int) *MLP {
		n := clone()
		if _, err := Train(n, x, labels, settings(workers), rng.New(37)); err != nil {
			t.Fatal(err)
		}
		return n
	}
	same := func(what string, a, b *MLP) {
		t.Helper()
		for l := range a.Layers {
			for i, w := range a.Layers[l].W.Data {
				if w != b.Layers[l].W.Data[i] {
					t.Fatalf("%s: layer %d W[%d]: %g vs %g", what, l, i, w, b.Layers[l].W.Data[i])
				}
			}
			for j, v := range a.Layers[l].B {
				if v != b.Layers[l].B[j] {
					t.Fatalf("%s: layer %d B[%d]: %g vs %g", what, l, j, v, b.Layers[l].B[j])
				}
			}
		}
	}
	one := run(1)
	same("Workers 1 vs 2", one, run(2))
	same("Workers 1 vs 3", one, run(3))
	if d := one.Layers[0].W.Data[0] - init.Layers[0].W.Data[0]; d == 0 {
		t.Fatal("training did not change the weights")
	}

	n := clone()
	tr := NewTrainer(n, settings(2), rng.New(37))
	for e := 0; e < 2; e++ {
		if _, err := tr.Epoch(x, labels); err != nil {
			t.Fatal(err)
		}
	}
	tr2 := NewTrainer(n, settings(1), rng.New(0))
	tr2.State = tr.State
	for tr2.State.Epoch < 4 {
		if _, err := tr2.Epoch(x, labels); err != nil {
			t.Fatal(err)
		}
	}
	same("resumed after 2 epochs", one, n)
}

func TestDropoutSettingsPanics(t *testing.T) {
	for name, s := range map[string]*Settings{
		"Dropout 1":        {Dropout: 1},
		"InputDropout 1.5": {InputDropout: 1.5},
		"Dropout NaN":      {Dropout: float32(math.NaN())},
		"MaxNorm Inf":      {MaxNorm: float32(math.Inf(1))},
	} {
		func() {
			defer func() {
				if e := recover(); e == nil {
					t.Errorf("%s: no panic", name)
				} else if msg, ok := e.(string); !ok || msg[:4] != "nn: " {
					t.Errorf("%s: panic %v does not start with \"nn: \"", name, e)
				}
			}()
			NewTrainer(NewMLP([]int{2, 3, 2}), s, rng.New(1))
		}()
	}
	r := (&Settings{Dropout: -0.5, InputDropout: -1, MaxNorm: -2}).resolve()
	if r.Dropout != 0 || r.InputDropout != 0 || r.MaxNorm != 0 {
		t.Errorf("negative values resolve to %g, %g, %g; want 0", r.Dropout, r.InputDropout, r.MaxNorm)
	}
}
