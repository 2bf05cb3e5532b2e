package rbm

import (
	"testing"
	"time"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// BenchmarkCD1Epoch784x500 times CD-1 on a 784-500 RBM with batches of 100
// over 6000 synthetic binary rows of MNIST size, and reports the time of a
// 60,000-row epoch (s/60k-epoch).
func BenchmarkCD1Epoch784x500(b *testing.B) {
	const rows = 6000
	r := rng.New(1)
	data := mat32.NewDense(rows, 784, nil)
	p := make([]float32, 784)
	for j := range p {
		p[j] = 0.13 + 0.5*float32(j%28)/28*float32(j/28)/28
	}
	for i := 0; i < rows; i++ {
		r.Bernoulli(data.Row(i), p)
	}
	m := New(784, 500, Bernoulli)
	m.Init(data, r)
	tr := NewTrainer(m, &Settings{MonitorRows: -1, ExactLL: ExactNever}, r)
	if _, err := tr.Epoch(data); err != nil { // warm-up, data check
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := tr.Epoch(data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N)*60000/rows, "s/60k-epoch")
}
