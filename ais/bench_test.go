package ais

import (
	"testing"

	"github.com/belief-ml/belief/rbm"
)

// BenchmarkAIS784x500 times one AIS estimate of log Z for a random-ish
// 784-500 RBM with 1000 inverse temperatures and 100 runs; the default
// schedule has 14,501, so one default estimate takes about 14.5 times as
// long.
func BenchmarkAIS784x500(b *testing.B) {
	m := randomRBM(784, 500, rbm.Bernoulli, 0.01, 1)
	for i := range m.VBias {
		m.VBias[i] -= 2
	}
	model := NewRBM(m, nil)
	s := &Settings{Betas: Schedule(1000), Runs: 100, Seed: 1}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LogZ(model, s); err != nil {
			b.Fatal(err)
		}
	}
}
