package nn

import (
	"errors"
	"math"
	"regexp"
	"slices"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// blobs returns n points of 3 Gaussian classes in 2-D with standard
// deviation 0.5 around the corners of an equilateral triangle of side 4:
// each decision boundary is 4 standard deviations from the centres, so the
// Bayes error is about 2*P(N(0,1) > 4) = 6e-5.
func blobs(r *rng.Stream, n int) (*mat32.Dense, []int) {
	centres := [3][2]float32{{0, 0}, {4, 0}, {2, 3.464}}
	x := mat32.NewDense(n, 2, nil)
	labels := make([]int, n)
	for i := range labels {
		c := r.IntN(3)
		labels[i] = c
		row := x.Row(i)
		r.Normal(row, 0, 0.5)
		row[0] += centres[c][0]
		row[1] += centres[c][1]
	}
	return x, labels
}

// xor returns n points uniform on [-1, 1]^2 labelled 1 when both
// coordinates have the same sign: not linearly separable.
func xor(r *rng.Stream, n int) (*mat32.Dense, []int) {
	x := mat32.NewDense(n, 2, nil)
	labels := make([]int, n)
	for i := range labels {
		a, b := 2*r.Float32()-1, 2*r.Float32()-1
		x.Set(i, 0, a)
		x.Set(i, 1, b)
		if a*b > 0 {
			labels[i] = 1
		}
	}
	return x, labels
}

// TestTrainBlobs: a 2-8-3 network on separable blobs comes close to the
// Bayes error: below 0.5% (7 mistakes) on 1500 test points, where the
// Bayes classifier expects 0.1 (this seed gives 2).
func TestTrainBlobs(t *testing.T) {
	r := rng.New(7)
	x, labels := blobs(r, 1500)
	xt, lt := blobs(r, 1500)
	net := NewMLP([]int{2, 8, 3})
	net.Init(r)
	var stats []EpochStats
	s := &Settings{Epochs: 10, Validation: xt, ValidLabels: lt,
		Recorder: RecorderFunc(func(e EpochStats) error { stats = append(stats, e); return nil })}
	res, err := Train(net, x, labels, s, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stats) != 10 || len(stats) != 10 || stats[9].Epoch != 10 {
		t.Fatalf("%d stats, %d recorded", len(res.Stats), len(stats))
	}
	last := res.Stats[9]
	t.Logf("train loss %.4f error %.4f, valid loss %.4f error %.4f", last.TrainLoss, last.TrainError, last.ValidLoss, last.ValidError)
	if e := net.ErrorRate(xt, lt); e > 0.005 || e != last.ValidError {
		t.Errorf("test error %g (recorded %g), want at most 0.005", e, last.ValidError)
	}
	if last.ValidLoss > 0.05 || last.TrainLoss >= res.Stats[0].TrainLoss {
		t.Errorf("loss did not fall: first epoch %g, last %g, valid %g", res.Stats[0].TrainLoss, last.TrainLoss, last.ValidLoss)
	}
}

// TestTrainXOR: a 2-16-2 sigmoid network learns the XOR of signs, which
// no linear classifier does better than chance; the only errors left are
// near the axes, below 2% of 2000 test points (this seed gives 0.9%).
func TestTrainXOR(t *testing.T) {
	r := rng.New(8)
	x, labels := xor(r, 4000)
	xt, lt := xor(r, 2000)
	net := NewMLP([]int{2, 16, 2})
	net.Init(r)
	s := &Settings{Epochs: 100, LearningRate: 0.5, BatchSize: 20}
	res, err := Train(net, x, labels, s, r)
	if err != nil {
		t.Fatal(err)
	}
	e := net.ErrorRate(xt, lt)
	t.Logf("XOR: train error %.4f, test error %.4f", res.Stats[len(res.Stats)-1].TrainError, e)
	if e > 0.02 {
		t.Errorf("XOR test error %g, want below 0.02", e)
	}
}

// TestTrainStep checks one full-batch step against the update rule: with
// momentum 0, W' = W - lr*(dW + wc*W) and b' = b - lr*db.
func TestTrainStep(t *testing.T) {
	r := rng.New(9)
	x, labels := blobs(r, 50)
	net := NewMLP([]int{2, 4, 3})
	net.Init(r)
	want := NewMLP([]int{2, 4, 3})
	for l, ly := range net.Layers {
		want.Layers[l].W.Copy(ly.W)
		copy(want.Layers[l].B, ly.B)
	}
	want.ZeroGrad()
	want.Backward(x, labels)
	const lr, wc = 0.3, 0.01
	for _, ly := range want.Layers {
		for i, w := range ly.W.Data {
			ly.W.Data[i] = w - lr*(ly.DW.Data[i]+wc*w)
		}
		for j, b := range ly.B {
			ly.B[j] = b - lr*ly.DB[j]
		}
	}
	if _, err := Train(net, x, labels, &Settings{Epochs: 1, BatchSize: 50, LearningRate: lr, WeightCost: wc, Momentum: -1}, r); err != nil {
		t.Fatal(err)
	}
	for l, ly := range net.Layers {
		for i, w := range ly.W.Data {
			if d := math.Abs(float64(w - want.Layers[l].W.Data[i])); d > 1e-6 {
				t.Fatalf("layer %d W[%d] = %g, want %g", l, i, w, want.Layers[l].W.Data[i])
			}
		}
		for j, b := range ly.B {
			if d := math.Abs(float64(b - want.Layers[l].B[j])); d > 1e-6 {
				t.Fatalf("layer %d b[%d] = %g, want %g", l, j, b, want.Layers[l].B[j])
			}
		}
	}
}

// TestTrainDeterministic: the same seed gives the same weights.
func TestTrainDeterministic(t *testing.T) {
	run := func() *MLP {
		r := rng.New(10)
		x, labels := blobs(r, 300)
		net := NewMLP([]int{2, 5, 3})
		net.Init(r)
		if _, err := Train(net, x, labels, &Settings{Epochs: 3, BatchSize: 32}, r); err != nil {
			t.Fatal(err)
		}
		return net
	}
	a, b := run(), run()
	for l := range a.Layers {
		for i, w := range a.Layers[l].W.Data {
			if w != b.Layers[l].W.Data[i] {
				t.Fatalf("layer %d W[%d]: %g vs %g", l, i, w, b.Layers[l].W.Data[i])
			}
		}
	}
}

func TestTrainErrors(t *testing.T) {
	r := rng.New(11)
	x, labels := blobs(r, 200)
	net := NewMLP([]int{2, 5, 3})
	net.Init(r)

	// divergence names the epoch and the batch
	_, err := Train(net, x, labels, &Settings{LearningRate: float32(math.Inf(1))}, r)
	if err == nil || !regexp.MustCompile(`^nn: epoch 1, batch 1: parameters of layer \d became NaN or infinite`).MatchString(err.Error()) {
		t.Errorf("infinite learning rate: error %v", err)
	}
	net.Init(r)
	_, err = Train(net, x, labels, &Settings{LearningRate: 1e38}, r)
	if err == nil || !regexp.MustCompile(`^nn: epoch \d+, batch \d+: `).MatchString(err.Error()) {
		t.Errorf("huge learning rate: error %v", err)
	}

	net.Init(r)
	bad := append([]int(nil), labels...)
	bad[17] = 3
	if _, err := Train(net, x, bad, nil, r); err == nil || err.Error() != "nn: training label 3 of row 17 out of range [0, 3)" {
		t.Errorf("bad label: error %v", err)
	}

	stop := errors.New("stop")
	res, err := Train(net, x, labels, &Settings{Recorder: RecorderFunc(func(e EpochStats) error {
		if e.Epoch == 2 {
			return stop
		}
		return nil
	})}, r)
	if err != stop || len(res.Stats) != 2 || res.Trainer.State.Epoch != 2 {
		t.Errorf("recorder error: %v after %d epochs", err, len(res.Stats))
	}
}

// TestStepAllocs: a mini-batch step allocates nothing.
func TestStepAllocs(t *testing.T) {
	r := rng.New(12)
	x := randDense(r, 500, 30, 1)
	labels := randLabels(r, 500, 5)
	net := NewMLP([]int{30, 40, 20, 5}, ReLU)
	net.Init(r)
	tr := NewTrainer(net, &Settings{BatchSize: 50, Validation: x, ValidLabels: labels, Dropout: 0.5, InputDropout: 0.2, MaxNorm: 1}, r)
	if _, err := tr.Epoch(x, labels); err != nil {
		t.Fatal(err)
	}
	tr.pool.start(tr.Settings.Workers, tr.work)
	defer tr.pool.stop()
	b0 := 0
	allocs := testing.AllocsPerRun(20, func() {
		tr.step(x, labels, b0, 50)
		tr.update()
		b0 = (b0 + 50) % 500
	})
	if allocs != 0 {
		t.Errorf("%g allocations per mini-batch", allocs)
	}
}

// TestTopEpochs: during the first TopEpochs epochs only the output layer
// changes; after them every layer does.
func TestTopEpochs(t *testing.T) {
	r := rng.New(8)
	x, labels := blobs(r, 300)
	net := NewMLP([]int{2, 8, 6, 3})
	net.Init(r)
	before := make([][]float32, len(net.Layers))
	snap := func() {
		for l, ly := range net.Layers {
			before[l] = append(append(before[l][:0], ly.W.Data...), ly.B...)
		}
	}
	changed := func(l int) bool {
		cur := append(append([]float32(nil), net.Layers[l].W.Data...), net.Layers[l].B...)
		return !slices.Equal(cur, before[l])
	}
	tr := NewTrainer(net, &Settings{TopEpochs: 2, Workers: 2}, r)
	for e := 0; e < 3; e++ {
		snap()
		if _, err := tr.Epoch(x, labels); err != nil {
			t.Fatal(err)
		}
		for l := range net.Layers {
			want := e >= 2 || l == len(net.Layers)-1
			if changed(l) != want {
				t.Errorf("epoch %d: layer %d changed %v, want %v", e+1, l, changed(l), want)
			}
		}
	}
}
