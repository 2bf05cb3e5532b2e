package mat32

import (
	"math"
	"testing"

	"math/rand/v2"
)

// forEachKernel runs f once with the pure-Go kernels and, if the CPU has
// AVX2+FMA, once more with the assembly ones, and if it has AVX-512 once more
// with the AVX-512 sigmoid.
func forEachKernel(t *testing.T, f func(t *testing.T)) {
	saved, saved512 := useSigmoidAVX2, useSigmoidAVX512
	defer func() { useSigmoidAVX2, useSigmoidAVX512 = saved, saved512 }()
	useSigmoidAVX2, useSigmoidAVX512 = false, false
	t.Run("go", f)
	if saved {
		useSigmoidAVX2 = true
		t.Run("avx2", f)
	}
	if saved512 {
		useSigmoidAVX512 = true
		t.Run("avx512", f)
	}
}

// TestSigmoidAVX2MatchesGo and TestSoftplusAVX2MatchesGo compare the assembly with the pure-Go oracle on
// every length 0..130 (all tails), with and without bias, at offsets that
// break 32-byte alignment, with sentinels after the destination.
func TestSigmoidAVX2MatchesGo(t *testing.T) {
	if !useSigmoidAVX2 {
		t.Skip("no AVX2+FMA")
	}
	saved512 := useSigmoidAVX512
	defer func() { useSigmoidAVX512 = saved512 }()
	useSigmoidAVX512 = false
	t.Run("avx2", testSigmoidAsmMatchesGo)
	if saved512 {
		useSigmoidAVX512 = true
		t.Run("avx512", testSigmoidAsmMatchesGo)
	}
}

func testSigmoidAsmMatchesGo(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 0))
	for n := 0; n <= 130; n++ {
		for off := 0; off < 3; off++ {
			src := make([]float32, n+off)
			bias := make([]float32, n+off)
			for i := range src {
				src[i] = float32(r.NormFloat64() * 8)
				bias[i] = float32(r.NormFloat64() * 2)
			}
			if n > 5 {
				src[off+1] = 200
				src[off+2] = -200
				src[off+3] = float32(math.NaN())
				src[off+4] = float32(math.Inf(1))
				src[off+5] = float32(math.Inf(-1))
			}
			s, b := src[off:], bias[off:]
			want := make([]float32, n)
			wantB := make([]float32, n)
			sigmoidGo(want, s)
			sigmoidBiasGo(wantB, s, b)
			got := guarded(n + off)
			gotB := guarded(n + off)
			sigmoidKernel(got.in[off:], s)
			sigmoidBiasKernel(gotB.in[off:], s, b)
			for i := 0; i < n; i++ {
				if !close32(got.in[off+i], want[i], 1.2e-7, 0) {
					t.Fatalf("n=%d off=%d i=%d x=%v: avx2 %v, go %v", n, off, i, s[i], got.in[off+i], want[i])
				}
				if !close32(gotB.in[off+i], wantB[i], 1.2e-7, 0) {
					t.Fatalf("bias n=%d off=%d i=%d x=%v: avx2 %v, go %v", n, off, i, s[i]+b[i], gotB.in[off+i], wantB[i])
				}
			}
			got.check(t)
			gotB.check(t)
		}
	}
}

func TestSoftplusAVX2MatchesGo(t *testing.T) {
	if !useSigmoidAVX2 {
		t.Skip("no AVX2+FMA")
	}
	r := rand.New(rand.NewPCG(8, 0))
	for n := 0; n <= 130; n++ {
		for off := 0; off < 3; off++ {
			src := make([]float32, n+off)
			bias := make([]float32, n+off)
			for i := range src {
				src[i] = float32(r.NormFloat64() * 30)
				bias[i] = float32(r.NormFloat64() * 2)
			}
			if n > 6 {
				src[off+1] = 200
				src[off+2] = -200
				src[off+3] = float32(math.NaN())
				src[off+4] = float32(math.Inf(1))
				src[off+5] = float32(math.Inf(-1))
				src[off+6] = -95 // denormal result
			}
			s, b := src[off:], bias[off:]
			for _, bb := range [][]float32{nil, b} {
				want := make([]float32, n)
				softplusGo(want, s, bb)
				var wantSum float64
				for _, v := range want {
					wantSum += float64(v)
				}
				saved := useSigmoidAVX2
				got := guarded(n + off)
				softplusKernel(got.in[off:], s, bb)
				gotSum := softplusSumKernel(s, bb)
				useSigmoidAVX2 = false
				goSum := softplusSumKernel(s, bb)
				useSigmoidAVX2 = saved
				for i := 0; i < n; i++ {
					// One or two float32 roundings apart (FMA versus separate
					// multiply and add), or a denormal step.
					if !close32(got.in[off+i], want[i], 0x1p-148, 2.4e-7) {
						t.Fatalf("n=%d off=%d bias=%v i=%d x=%v: avx2 %v, go %v", n, off, bb != nil, i, s[i], got.in[off+i], want[i])
					}
				}
				got.check(t)
				if !close64(gotSum, wantSum, 1e-300, 2.4e-7) || !close64(goSum, wantSum, 1e-300, 1e-12) {
					t.Fatalf("n=%d off=%d bias=%v: sum avx2 %v, go %v, want %v", n, off, bb != nil, gotSum, goSum, wantSum)
				}
			}
		}
	}
}

// The pure-Go kernels on the same 100x500 matrix, for comparison.

func BenchmarkSigmoidBiasGo(b *testing.B) {
	saved, saved512 := useSigmoidAVX2, useSigmoidAVX512
	defer func() { useSigmoidAVX2, useSigmoidAVX512 = saved, saved512 }()
	useSigmoidAVX2, useSigmoidAVX512 = false, false
	BenchmarkSigmoidBias(b)
}

func BenchmarkSigmoidBiasAVX2(b *testing.B) {
	saved512 := useSigmoidAVX512
	defer func() { useSigmoidAVX512 = saved512 }()
	useSigmoidAVX512 = false
	BenchmarkSigmoidBias(b)
}

func BenchmarkSoftplusGo(b *testing.B) {
	saved, saved512 := useSigmoidAVX2, useSigmoidAVX512
	defer func() { useSigmoidAVX2, useSigmoidAVX512 = saved, saved512 }()
	useSigmoidAVX2, useSigmoidAVX512 = false, false
	BenchmarkSoftplus(b)
}

func TestExpSumMaxAVX2MatchesGo(t *testing.T) {
	if !useSigmoidAVX2 {
		t.Skip("no AVX2+FMA")
	}
	r := rand.New(rand.NewPCG(9, 0))
	nan := float32(math.NaN())
	for n := 0; n <= 130; n++ {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(r.NormFloat64() * 40)
		}
		wantM, _ := maxGo(x)
		gotM, gotNaN := maxKernel(x)
		if gotM != wantM || gotNaN {
			t.Fatalf("n=%d: max %v (nan %v), want %v", n, gotM, gotNaN, wantM)
		}
		if n > 0 {
			// A NaN anywhere is reported and does not become the max.
			p := r.IntN(n)
			saved := x[p]
			x[p] = nan
			wantM, _ = maxGo(x)
			gotM, gotNaN = maxKernel(x)
			if gotM != wantM || !gotNaN {
				t.Fatalf("n=%d NaN at %d: max %v (nan %v), want %v", n, p, gotM, gotNaN, wantM)
			}
			x[p] = saved
		}
		m, _ := maxGo(x)
		if n > 3 {
			x[1] = m - 200 // denormal and zero results
			x[2] = m - 95
		}
		want := make([]float32, n)
		wantSum := expSumGo(want, x, m)
		got := guarded(n)
		gotSum := expSumKernel(got.in, x, m)
		gotSumOnly := expSumKernel(nil, x, m)
		got.check(t)
		for i := range want {
			if !close32(got.in[i], want[i], 0x1p-148, 2.4e-7) {
				t.Fatalf("n=%d i=%d: exp(%v) avx2 %v, go %v", n, i, x[i]-m, got.in[i], want[i])
			}
		}
		if !close64(gotSum, wantSum, 0, 2.4e-7) || gotSum != gotSumOnly {
			t.Fatalf("n=%d: sum avx2 %v (%v without dst), go %v", n, gotSum, gotSumOnly, wantSum)
		}
	}
}

func TestAxpbyAVX2MatchesGo(t *testing.T) {
	if !useSigmoidAVX2 {
		t.Skip("no AVX2+FMA")
	}
	r := rand.New(rand.NewPCG(10, 0))
	for n := 0; n <= 130; n++ {
		x := make([]float32, n)
		y0 := make([]float32, n)
		for i := range x {
			x[i] = float32(r.NormFloat64())
			y0[i] = float32(r.NormFloat64())
		}
		for _, ab := range [][2]float32{{0.3, 0.9}, {-2, 1}} {
			want := append([]float32(nil), y0...)
			axpbyGo(ab[0], x, ab[1], want)
			got := guarded(n)
			copy(got.in, y0)
			axpbyKernel(ab[0], x, ab[1], got.in)
			got.check(t)
			wantAxpy := append([]float32(nil), y0...)
			axpyGo(ab[0], x, wantAxpy)
			gotAxpy := guarded(n)
			copy(gotAxpy.in, y0)
			axpyKernel(ab[0], x, gotAxpy.in)
			gotAxpy.check(t)
			for i := range want {
				// Fused or not: within one rounding of the larger term.
				ax := math.Abs(float64(ab[0] * x[i]))
				tol := 1.2e-7 * (ax + math.Abs(float64(ab[1]*y0[i])))
				tolAxpy := 1.2e-7 * (ax + math.Abs(float64(y0[i])))
				if !close32(got.in[i], want[i], tol, 0) || !close32(gotAxpy.in[i], wantAxpy[i], tolAxpy, 0) {
					t.Fatalf("n=%d i=%d alpha=%v beta=%v: avx2 %v / %v, go %v / %v", n, i, ab[0], ab[1], got.in[i], gotAxpy.in[i], want[i], wantAxpy[i])
				}
			}
		}
	}
}
