package rng

import (
	"testing"

	"github.com/belief-ml/belief/mat32"
)

// The benchmarks report ns/draw, the time per sampled element, for each
// kernel this processor can run (the sub-benchmark names).

func perDraw(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/draw")
}

// eachKernel runs f as a sub-benchmark for every available kernel, the
// fastest first.
func eachKernel(b *testing.B, f func(b *testing.B)) {
	ks := availableKernels()
	for i := len(ks) - 1; i >= 0; i-- {
		b.Run(kernelName(ks[i]), func(b *testing.B) { withKernel(ks[i], func() { f(b) }) })
	}
}

// BenchmarkBernoulli100x500 samples the hidden units of a 100-example
// batch with 500 hidden units, the output of a (100x784)(784x500) GEMM.
func BenchmarkBernoulli100x500(b *testing.B) {
	eachKernel(b, func(b *testing.B) {
		s := New(1)
		p := mat32.NewDense(100, 500, nil)
		s.Uniform(p.Data)
		h := mat32.NewDense(100, 500, nil)
		for b.Loop() {
			s.BernoulliDense(h, p)
		}
		perDraw(b, len(p.Data))
	})
}

// BenchmarkBernoulli100x500View does the same on strided views.
func BenchmarkBernoulli100x500View(b *testing.B) {
	eachKernel(b, func(b *testing.B) {
		s := New(1)
		p := mat32.NewDense(100, 512, nil)
		s.Uniform(p.Data)
		h := mat32.NewDense(100, 512, nil)
		pv, hv := p.Slice(0, 100, 0, 500), h.Slice(0, 100, 0, 500)
		for b.Loop() {
			s.BernoulliDense(hv, pv)
		}
		perDraw(b, 50000)
	})
}

func BenchmarkUniform(b *testing.B) {
	eachKernel(b, func(b *testing.B) {
		s := New(1)
		x := make([]float32, 50000)
		for b.Loop() {
			s.Uniform(x)
		}
		perDraw(b, len(x))
	})
}

func BenchmarkNormal(b *testing.B) {
	eachKernel(b, func(b *testing.B) {
		s := New(1)
		x := make([]float32, 50000)
		for b.Loop() {
			s.Normal(x, 0, 1)
		}
		perDraw(b, len(x))
	})
}

func BenchmarkNormFloat64(b *testing.B) {
	s := New(1)
	var acc float64
	for b.Loop() {
		acc += s.NormFloat64()
	}
	sinkF = acc
}

func BenchmarkUint64(b *testing.B) {
	s := New(1)
	var acc uint64
	for b.Loop() {
		acc += s.Uint64()
	}
	sink = acc
}

var (
	sink  uint64
	sinkF float64
)

func BenchmarkCategorical100x10(b *testing.B) {
	s := New(1)
	p := mat32.NewDense(100, 10, nil)
	s.Uniform(p.Data)
	idx := make([]int, 100)
	for b.Loop() {
		s.Categorical(idx, p)
	}
	perDraw(b, len(idx))
}
