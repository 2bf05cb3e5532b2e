package nn

import (
	"fmt"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// benchData returns n rows of 784 random pixels in [0, 1) with random
// labels: the speed of an epoch does not depend on the values.
func benchData(n int) (*mat32.Dense, []int) {
	r := rng.New(1)
	x := mat32.NewDense(n, 784, nil)
	r.Uniform(x.Data)
	return x, randLabels(r, n, 10)
}

// BenchmarkEpoch784x500x500x2000x10 times training epochs (forward,
// backward and update, batches of 100) of the network of Hinton,
// Osindero and Teh's MNIST DBN on a 6,000-row subset and reports the time
// of a 60,000-row epoch (s/epoch60k).
//
//	go test ./nn -run - -bench Epoch -benchtime 3x
func BenchmarkEpoch784x500x500x2000x10(b *testing.B) {
	const n = 6000
	x, labels := benchData(n)
	r := rng.New(2)
	net := NewMLP([]int{784, 500, 500, 2000, 10})
	net.Init(r)
	tr := NewTrainer(net, nil, r)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tr.Epoch(x, labels); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*60000/n, "s/epoch60k")
}

// BenchmarkForward times the forward pass alone of the same network on
// batches of various sizes.
func BenchmarkForward(b *testing.B) {
	for _, bs := range []int{100, 1000} {
		b.Run(fmt.Sprint(bs), func(b *testing.B) {
			x, _ := benchData(bs)
			net := NewMLP([]int{784, 500, 500, 2000, 10})
			net.Init(rng.New(3))
			net.Forward(x)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				net.Forward(x)
			}
			b.ReportMetric(float64(b.N*bs)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkUpdate times the parameter update of the 784-500-500-2000-10
// network (1.66M parameters) on all workers.
func BenchmarkUpdate(b *testing.B) {
	r := rng.New(1)
	net := NewMLP([]int{784, 500, 500, 2000, 10})
	net.Init(r)
	tr := NewTrainer(net, nil, r)
	tr.lr, tr.mom = 0.1, 0.9
	tr.pool.start(tr.Settings.Workers, tr.updateRows)
	defer tr.pool.stop()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tr.update()
	}
	n := 0
	for _, l := range net.Layers {
		n += len(l.W.Data) + len(l.B)
	}
	b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N)/float64(n), "ns/param")
}

// BenchmarkEpochDropout is BenchmarkEpoch784x500x500x2000x10 with the
// dropout of Hinton et al. 2012 (hidden 0.5, inputs 0.2) and max-norm 15:
// the cost of drawing and applying the masks and of the norm bound.
//
//	go test ./nn -run - -bench EpochDropout -benchtime 3x
func BenchmarkEpochDropout(b *testing.B) {
	const n = 6000
	x, labels := benchData(n)
	r := rng.New(2)
	net := NewMLP([]int{784, 500, 500, 2000, 10})
	net.Init(r)
	tr := NewTrainer(net, &Settings{Dropout: 0.5, InputDropout: 0.2, MaxNorm: 15}, r)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tr.Epoch(x, labels); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*60000/n, "s/epoch60k")
}
