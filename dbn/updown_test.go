package dbn

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/nn"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// labelledToy returns a greedily trained 16-12-(12+4)-20 DBN with 4
// labels, its training data and labels and held-out data and labels, all
// from 4 prototypes with 15% of the bits flipped.
func labelledToy(t *testing.T) (d *DBN, x *mat32.Dense, y []int, vx *mat32.Dense, vy []int) {
	t.Helper()
	r := rng.New(7)
	all, labels := toyData(1500, 16, 4, 0.15, r)
	x, y = all.Slice(0, 1000, 0, 16), labels[:1000]
	vx, vy = all.Slice(1000, 1500, 0, 16), labels[1000:]
	d = New([]int{16, 12, 20}, 4, rbm.Bernoulli)
	s := &Settings{Layers: []rbm.Settings{{Epochs: 20, ExactLL: rbm.ExactNever}}}
	if _, err := Greedy(d, x, y, s, r); err != nil {
		t.Fatal(err)
	}
	return d, x, y, vx, vy
}

func exactBound(t *testing.T, d *DBN, x *mat32.Dense) float64 {
	t.Helper()
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

// TestUpDown fine-tunes the toy DBN by up-down and checks that the
// held-out classification error by label free energy does not get worse
// (500 rows: a binomial standard deviation of about 0.01 at 5% error; we
// allow 0.02) and that the exact variational bound does not go down by more
// than 0.1 nats.
func TestUpDown(t *testing.T) {
	d, x, y, vx, vy := labelledToy(t)
	e0, b0 := d.ErrorRate(vx, vy), exactBound(t, d, vx)
	var seen int
	_, err := UpDown(d, x, y, &UpDownSettings{Epochs: 20, Recorder: func(s UpDownStats) error { seen = s.Epoch; return nil }}, rng.New(8))
	if err != nil {
		t.Fatal(err)
	}
	if seen != 20 {
		t.Errorf("recorder saw %d epochs, want 20", seen)
	}
	e1, b1 := d.ErrorRate(vx, vy), exactBound(t, d, vx)
	t.Logf("greedy: error %.3f, bound %.4f; up-down: error %.3f, bound %.4f", e0, b0, e1, b1)
	if e0 > 0.25 {
		t.Errorf("greedy error %.3f, want well below chance (0.75)", e0)
	}
	if e1 > e0+0.02 {
		t.Errorf("up-down raised the error from %.3f to %.3f", e0, e1)
	}
	if b1 < b0-0.1 {
		t.Errorf("up-down lowered the bound from %.4f to %.4f", b0, b1)
	}
}

// TestClampedSamples clamps each label in turn and checks that the
// generated visible vectors are closest (in squared distance) to that
// class's mean more often than chance (1/4): we ask for 60%.
func TestClampedSamples(t *testing.T) {
	d, x, y, _, _ := labelledToy(t)
	means := mat32.NewDense(4, 16, nil)
	count := make([]float32, 4)
	for i, c := range y {
		mat32.Axpy(1, x.Row(i), means.Row(c))
		count[c]++
	}
	for c := range count {
		mat32.Scal(1/count[c], means.Row(c))
	}
	const n = 200
	lab := make([]int, n)
	for i := range lab {
		lab[i] = i % 4
	}
	v := mat32.NewDense(n, 16, nil)
	frames := d.Frames(v, &SampleSettings{Steps: 200, Every: 50, Labels: lab}, rng.New(9))
	if len(frames) != 4 || frames[3] != v {
		t.Fatalf("%d frames, want 4 ending with dst", len(frames))
	}
	right := 0
	for i := 0; i < n; i++ {
		best, bd := -1, math.Inf(1)
		for c := 0; c < 4; c++ {
			if dd := mat32.SqDist(v.Row(i), means.Row(c)); dd < bd {
				best, bd = c, dd
			}
		}
		if best == lab[i] {
			right++
		}
	}
	t.Logf("%d of %d clamped samples nearest their class", right, n)
	if float64(right)/n < 0.6 {
		t.Errorf("only %d of %d clamped samples are nearest their class", right, n)
	}
}

// TestToMLP checks that the classifier's hidden layers compute exactly
// Up, that its output layer starts as the top RBM's label conditional,
// and that training it leaves the DBN unchanged.
func TestToMLP(t *testing.T) {
	d, x, y, vx, vy := labelledToy(t)
	before := d.Clone()
	net := ToMLP(d, 4, rng.New(1))
	if len(net.Layers) != 3 {
		t.Fatalf("%d layers, want 3", len(net.Layers))
	}
	h := mat32.NewDense(vx.Rows, 12, nil)
	net.Layers[0].Forward(h, vx)
	up := mat32.NewDense(vx.Rows, 12, nil)
	d.Up(up, vx)
	for i := 0; i < h.Rows; i++ {
		for j, v := range h.Row(i) {
			if v != up.At(i, j) {
				t.Fatalf("hidden (%d, %d) = %g, Up gives %g", i, j, v, up.At(i, j))
			}
		}
	}
	out := net.Layers[2]
	if out.W.At(5, 2) != d.Top().W.At(12+2, 5) || out.B[3] != d.Top().VBias[15] {
		t.Errorf("output layer is not the top's label weights")
	}
	e0 := net.ErrorRate(vx, vy)
	if _, err := nn.Train(net, x, y, &nn.Settings{Epochs: 5}, rng.New(2)); err != nil {
		t.Fatal(err)
	}
	e1 := net.ErrorRate(vx, vy)
	t.Logf("MLP error from the DBN %.3f, after backprop %.3f; DBN by free energy %.3f", e0, e1, d.ErrorRate(vx, vy))
	if e1 > 0.2 {
		t.Errorf("fine-tuned MLP error %.3f", e1)
	}
	for l := range d.Layers {
		if d.Layers[l].W.At(0, 0) != before.Layers[l].W.At(0, 0) || d.Layers[l].HBias[1] != before.Layers[l].HBias[1] {
			t.Errorf("training the MLP changed DBN layer %d", l)
		}
	}
}

// TestGreedyResume trains the toy DBN in one go and in two sessions (the
// second resuming from the state after layer 0) and checks the models are
// identical.
func TestGreedyResume(t *testing.T) {
	r := rng.New(11)
	x, y := toyData(200, 16, 4, 0.15, r)
	s := &Settings{Layers: []rbm.Settings{{Epochs: 3, ExactLL: rbm.ExactNever}, {Epochs: 2, ExactLL: rbm.ExactNever}}, SampleUp: true}
	a := New([]int{16, 12, 10, 20}, 4, rbm.Bernoulli)
	var layers []int
	s.Recorder = RecorderFunc(func(e EpochStats) error { layers = append(layers, e.Layer); return nil })
	ra, err := Greedy(a, x, y, s, rng.New(5))
	if err != nil {
		t.Fatal(err)
	}
	if len(ra.Stats) != 7 || len(layers) != 7 || layers[6] != 2 {
		t.Errorf("stats for layers %v, want 3 epochs of layer 0 then 2 each", layers)
	}
	s.Recorder = nil
	b := New([]int{16, 12, 10, 20}, 4, rbm.Bernoulli)
	g := NewGreedyTrainer(b, s, rng.New(5))
	if _, err := g.Layer(x, y); err != nil {
		t.Fatal(err)
	}
	saved := g.State
	g2 := NewGreedyTrainer(b, s, rng.New(99))
	g2.State = saved
	for g2.State.Done < 3 {
		if _, err := g2.Layer(x, y); err != nil {
			t.Fatal(err)
		}
	}
	for l := range a.Layers {
		for i, v := range a.Layers[l].W.Data {
			if b.Layers[l].W.Data[i] != v {
				t.Fatalf("layer %d differs after resuming", l)
			}
		}
	}
}

// TestUpDownAllocs checks that an up-down mini-batch allocates nothing.
func TestUpDownAllocs(t *testing.T) {
	r := rng.New(4)
	x, y := toyData(100, 16, 4, 0.15, r)
	d := New([]int{16, 12, 10, 20}, 4, rbm.Bernoulli)
	if _, err := Greedy(d, x, y, &Settings{Layers: []rbm.Settings{{Epochs: 1, ExactLL: rbm.ExactNever}}}, r); err != nil {
		t.Fatal(err)
	}
	tr := NewUpDownTrainer(d, &UpDownSettings{BatchSize: 50}, r)
	idx := make([]int, 50)
	for i := range idx {
		idx[i] = 2 * i
	}
	if a := testing.AllocsPerRun(10, func() {
		if err := tr.batch(x, y, idx, r); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("%v allocations per mini-batch", a)
	}
}

// TestUpDownGaussian runs up-down on a DBN with Gaussian visible units
// (the generative and recognition updates divide by Sigma) and checks the
// exact bound stays finite and does not drop by more than 0.1 nats.
func TestUpDownGaussian(t *testing.T) {
	r := rng.New(21)
	x, _ := toyData(300, 6, 3, 0.1, r)
	for i := range x.Data {
		x.Data[i] = 2*x.Data[i] + 0.3*float32(r.NormFloat64())
	}
	d := New([]int{6, 5, 4, 7}, 0, rbm.Gaussian)
	if _, err := Greedy(d, x, nil, &Settings{Layers: []rbm.Settings{{Epochs: 10, ExactLL: rbm.ExactNever}}}, r); err != nil {
		t.Fatal(err)
	}
	b0 := exactBound(t, d, x)
	if _, err := UpDown(d, x, nil, &UpDownSettings{Epochs: 20}, r); err != nil {
		t.Fatal(err)
	}
	b1 := exactBound(t, d, x)
	t.Logf("Gaussian DBN bound: greedy %.4f, after up-down %.4f", b0, b1)
	if math.IsNaN(b1) || b1 < b0-0.1 {
		t.Errorf("bound went from %.4f to %.4f", b0, b1)
	}
}
