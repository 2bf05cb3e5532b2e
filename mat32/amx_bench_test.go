package mat32

import (
	"fmt"
	"testing"
)

// amxBenchShapes are the RBM trainer's three products on a mini-batch of
// 100 with 784 visible and 500 hidden units.
var amxBenchShapes = []struct {
	name    string
	transA  bool
	transB  bool
	m, n, k int
	zeroOne bool // A is 0/1 samples, exact in bf16
	alpha   float32
	beta    float32
}{
	{"H0s.WT_100x784x500_01", false, true, 100, 784, 500, true, 1, 0},
	{"V1.W_100x500x784", false, false, 100, 500, 784, false, 1, 0},
	{"V1T.H1_784x500x100", true, false, 784, 500, 100, false, 0.01, 0.9},
}

// BenchmarkGemmBF16RBM times GemmBF16 (A conversion included, B packed
// beforehand) next to GemmPacked on the trainer's shapes, with its alpha
// and beta, on one goroutine.
func BenchmarkGemmBF16RBM(b *testing.B) {
	for _, s := range amxBenchShapes {
		ar, ac := s.m, s.k
		if s.transA {
			ar, ac = ac, ar
		}
		br, bc := s.k, s.n
		if s.transB {
			br, bc = bc, br
		}
		x, y, z := NewDense(ar, ac, nil), NewDense(br, bc, nil), NewDense(s.m, s.n, nil)
		for i := range x.Data {
			x.Data[i] = float32(i%7) * 0.1
			if s.zeroOne {
				x.Data[i] = float32(i % 2)
			}
		}
		for i := range y.Data {
			y.Data[i] = float32(i%5)*0.01 - 0.02
		}
		flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		b.Run(s.name+"/amx", func(b *testing.B) {
			if !AMX() {
				b.Skip("no AMX-BF16")
			}
			p := NewPackedBF16(s.k, s.n, s.transB)
			p.Pack(y)
			for b.Loop() {
				GemmBF16(s.transA, s.alpha, x, p, s.beta, z)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(s.name+"/packed", func(b *testing.B) {
			p := NewPackedB(s.k, s.n, s.transB)
			p.Pack(y)
			for b.Loop() {
				GemmPacked(s.transA, s.alpha, x, p, s.beta, z)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkPackBF16 times packing a 784x500 W in both layouts, next to
// PackedB.
func BenchmarkPackBF16(b *testing.B) {
	w := NewDense(784, 500, nil)
	for i := range w.Data {
		w.Data[i] = float32(i%5)*0.01 - 0.02
	}
	for _, trans := range []bool{false, true} {
		k, n := 784, 500
		if trans {
			k, n = n, k
		}
		b.Run(fmt.Sprintf("bf16/trans=%v", trans), func(b *testing.B) {
			p := NewPackedBF16(k, n, trans)
			for b.Loop() {
				p.Pack(w)
			}
		})
		b.Run(fmt.Sprintf("f32/trans=%v", trans), func(b *testing.B) {
			p := NewPackedB(k, n, trans)
			for b.Loop() {
				p.Pack(w)
			}
		})
	}
}
