package dbn

import (
	"testing"

	"github.com/belief-ml/belief/dataset"
	"github.com/belief-ml/belief/nn"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// TestMNIST trains a 784-100-(100+10)-100 DBN greedily on the first
// 10,000 training images (intensities in [0, 1] as probabilities), CD-1
// with momentum 0.9 from the start, 1 epoch for the first layer and 5 for
// the top, and checks that classification by the labels' free energy errs
// on fewer than 20% of the 10,000 test images (this seed gives about 10%).
// It then logs the error after 2 epochs of up-down fine-tuning and checks
// that 2 epochs of backprop through ToMLP reach below 10%.
func TestMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("MNIST in -short mode")
	}
	train, err := dataset.MNIST("train")
	if err != nil {
		t.Skip("MNIST not available: ", err)
	}
	test, err := dataset.MNIST("test")
	if err != nil {
		t.Skip("MNIST not available: ", err)
	}
	const n = 10000
	x, y := train.X.Slice(0, n, 0, 784), train.Labels[:n]
	d := New([]int{784, 100, 100}, 10, rbm.Bernoulli)
	s := &Settings{Layers: []rbm.Settings{{Epochs: 1, MomentumEpochs: -1, MonitorRows: -1, ExactLL: rbm.ExactNever}, {Epochs: 5, MomentumEpochs: -1, MonitorRows: -1, ExactLL: rbm.ExactNever}}}
	if _, err := Greedy(d, x, y, s, rng.New(2026)); err != nil {
		t.Fatal(err)
	}
	e := d.ErrorRate(test.X, test.Labels)
	t.Logf("784-100-100 with 10 labels, 1+5 epochs on %d images: test error %.4f", n, e)
	if e > 0.20 {
		t.Errorf("MNIST test error %.4f, want below 0.20", e)
	}
	net := ToMLP(d, 10, rng.New(1))
	if _, err := nn.Train(net, x, y, &nn.Settings{Epochs: 2}, rng.New(2)); err != nil {
		t.Fatal(err)
	}
	eb := net.ErrorRate(test.X, test.Labels)
	if _, err := UpDown(d, x, y, &UpDownSettings{Epochs: 2}, rng.New(3)); err != nil {
		t.Fatal(err)
	}
	eu := d.ErrorRate(test.X, test.Labels)
	t.Logf("after 2 epochs of up-down: %.4f; after 2 epochs of backprop: %.4f", eu, eb)
	if eb > 0.10 {
		t.Errorf("backprop fine-tuned test error %.4f, want below 0.10", eb)
	}
}
