package mat32

import (
	"fmt"
	"testing"
)

// gemmBenchShapes are the products an RBM with 784 visible and 500 hidden
// units makes on a mini-batch of 100, plus a large square one.
var gemmBenchShapes = []struct {
	name           string
	transA, transB bool
	m, n, k        int
}{
	{"NN_V.W_100x784x500", false, false, 100, 500, 784}, // (100x784)(784x500)
	{"NT_H.WT_100x500x784", false, true, 100, 784, 500}, // (100x500)(784x500)^T
	{"TN_VT.H_784x100x500", true, false, 784, 500, 100}, // (100x784)^T(100x500)
	{"NN_2048", false, false, 2048, 2048, 2048},
	{"NN_16", false, false, 16, 16, 16}, // small products pay little overhead
	{"NN_64", false, false, 64, 64, 64},
}

func BenchmarkGemm(b *testing.B) {
	for _, s := range gemmBenchShapes {
		for _, set := range gemmAvailable() {
			if set.name == "go" && s.m*s.n*s.k > 1e8 {
				continue
			}
			b.Run(fmt.Sprintf("%s/%s", s.name, set.name), func(b *testing.B) {
				restore, _ := gemmSetKernels(set.name)
				defer restore()
				ar, ac := s.m, s.k
				if s.transA {
					ar, ac = ac, ar
				}
				br, bc := s.k, s.n
				if s.transB {
					br, bc = bc, br
				}
				x, y, z := NewDense(ar, ac, nil), NewDense(br, bc, nil), NewDense(s.m, s.n, nil)
				x.Fill(0.5)
				y.Fill(0.25)
				Gemm(s.transA, s.transB, 1, x, y, 0, z)
				b.ResetTimer()
				for b.Loop() {
					Gemm(s.transA, s.transB, 1, x, y, 0, z)
				}
				b.ReportMetric(2*float64(s.m)*float64(s.n)*float64(s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkGemmPackedRBM times, on one goroutine, the products an RBM
// trainer task makes with a pre-packed W: 28 rows of a mini-batch times W
// (784x500) and times W^T, and 96 rows of W's gradient from 100 rows.
func BenchmarkGemmPackedRBM(b *testing.B) {
	w := NewDense(784, 500, nil)
	w.Fill(0.01)
	pw, pwt := NewPackedB(784, 500, false), NewPackedB(500, 784, true)
	pw.Pack(w)
	pwt.Pack(w)
	hh := NewDense(100, 500, nil)
	phh := NewPackedB(100, 500, false)
	phh.Pack(hh)
	for _, rows := range []int{14, 16, 28} {
		v, h := NewDense(rows, 784, nil), NewDense(rows, 500, nil)
		b.Run(fmt.Sprintf("NN_%dx784x500", rows), func(b *testing.B) {
			for b.Loop() {
				GemmPacked(false, 1, v, pw, 0, h)
			}
			b.ReportMetric(2*float64(rows)*784*500*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(fmt.Sprintf("NT_%dx500x784", rows), func(b *testing.B) {
			for b.Loop() {
				GemmPacked(false, 1, h, pwt, 0, v)
			}
			b.ReportMetric(2*float64(rows)*784*500*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
	vv, winc := NewDense(100, 784, nil), NewDense(784, 500, nil)
	b.Run("TN_96x100x500", func(b *testing.B) {
		a, c := vv.Slice(0, 100, 0, 96), winc.Slice(0, 96, 0, 500)
		for b.Loop() {
			GemmPacked(true, 1, a, phh, 0.5, c)
		}
		b.ReportMetric(2*96*100*500*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}
