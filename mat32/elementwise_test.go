package mat32

import (
	"fmt"
	"math"
	"testing"

	"math/rand/v2"
)

// Tolerances, from the measured errors documented in elementwise_fast.go
// with a little headroom.
const (
	expRelTol      = 2e-7 // exp32, expWide (normal results)
	sigmoidAbsTol  = 2e-7
	sigmoidRelTol  = 3e-7 // where the result is a normal float32
	softplusRelTol = 3e-7 // where the result is a normal float32
)

const sentinel = float32(-1234.5)

// guardedSlice is a slice of length n in the middle of a buffer whose other
// elements hold sentinel, to catch writes out of bounds.
type guardedSlice struct {
	buf, in []float32
}

const guardLen = 19

func guarded(n int) guardedSlice {
	buf := make([]float32, n+2*guardLen)
	for i := range buf {
		buf[i] = sentinel
	}
	return guardedSlice{buf: buf, in: buf[guardLen : guardLen+n : guardLen+n]}
}

func (g guardedSlice) check(t *testing.T) {
	t.Helper()
	n := len(g.in)
	for i, v := range g.buf {
		if (i < guardLen || i >= guardLen+n) && math.Float32bits(v) != math.Float32bits(sentinel) {
			t.Fatalf("write outside slice of length %d at buffer index %d: %v", n, i-guardLen, v)
		}
	}
}

// guardedDense is an r x c view with the given stride inside a buffer of
// sentinels (including the gap between Cols and Stride and whole rows
// before and after the view).
type guardedDense struct {
	buf []float32
	m   *Dense
	off int
}

func newGuardedDense(r, c, stride int, fill func(i, j int) float32) guardedDense {
	off := 2*stride + 1
	buf := make([]float32, off+r*stride+2*stride+1)
	for i := range buf {
		buf[i] = sentinel
	}
	base := &Dense{Rows: r + 4, Cols: c, Stride: stride, Data: buf[off-2*stride:]}
	if c == 0 {
		return guardedDense{buf: buf, m: &Dense{Rows: r, Cols: 0, Stride: stride, Data: buf[off:off]}, off: off}
	}
	m := base.Slice(2, 2+r, 0, c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			m.Set(i, j, fill(i, j))
		}
	}
	return guardedDense{buf: buf, m: m, off: off}
}

func (g guardedDense) check(t *testing.T) {
	t.Helper()
	m := g.m
	for k, v := range g.buf {
		p := k - g.off
		inside := p >= 0 && p < m.Rows*m.Stride && p%m.Stride < m.Cols
		if !inside && math.Float32bits(v) != math.Float32bits(sentinel) {
			t.Fatalf("%dx%d stride %d: write outside view at offset %d: %v", m.Rows, m.Cols, m.Stride, p, v)
		}
	}
}

// close32 reports whether got is within abs or rel*|want| of want; NaN
// matches NaN and infinities must match exactly.
func close32(got, want float32, abs, rel float64) bool {
	g, w := float64(got), float64(want)
	return close64(g, w, abs, rel)
}

func close64(g, w, abs, rel float64) bool {
	switch {
	case math.IsNaN(w):
		return math.IsNaN(g)
	case math.IsInf(w, 0) || math.IsInf(g, 0):
		return g == w
	}
	d := math.Abs(g - w)
	return d <= abs || d <= rel*math.Abs(w)
}

func refSigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func refSoftplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// sweep returns n points evenly spread over [lo, hi] as float32.
func sweep(lo, hi float64, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(lo + (hi-lo)*float64(i)/float64(n-1))
	}
	return x
}

func TestExpAccuracy(t *testing.T) {
	var maxRel, maxRelWide, maxAbsTiny float64
	for _, z := range sweep(expLo, expHi, 1_000_003) {
		want := math.Exp(float64(z))
		maxRel = math.Max(maxRel, math.Abs(float64(exp32(z))/want-1))
		if z <= 0 {
			maxRelWide = math.Max(maxRelWide, math.Abs(float64(expWide(z))/want-1))
		}
	}
	for _, z := range sweep(-110, -80, 300_001) {
		want := math.Exp(float64(z))
		got := float64(expWide(z))
		if want > 0x1p-126 {
			maxRelWide = math.Max(maxRelWide, math.Abs(got/want-1))
		} else {
			maxAbsTiny = math.Max(maxAbsTiny, math.Abs(got-want))
		}
	}
	t.Logf("exp32 max rel error %.3g, expWide %.3g, denormal abs error %.3g", maxRel, maxRelWide, maxAbsTiny)
	if maxRel > expRelTol || maxRelWide > expRelTol {
		t.Errorf("exp relative error %.3g / %.3g > %g", maxRel, maxRelWide, expRelTol)
	}
	if maxAbsTiny > 0x1p-149 {
		t.Errorf("expWide error in the denormal range %.3g > one denormal step", maxAbsTiny)
	}
	if !math.IsNaN(float64(exp32(float32(math.NaN())))) || !math.IsNaN(float64(expWide(float32(math.NaN())))) {
		t.Error("exp of NaN is not NaN")
	}
}

func TestSigmoidAccuracy(t *testing.T) {
	x := sweep(-110, 110, 1_000_001)
	got := make([]float32, len(x))
	forEachKernel(t, func(t *testing.T) {
		Sigmoid(got, x)
		var maxAbs, maxRel float64
		for i, v := range x {
			want := refSigmoid(float64(v))
			d := math.Abs(float64(got[i]) - want)
			maxAbs = math.Max(maxAbs, d)
			if v > -86 {
				maxRel = math.Max(maxRel, d/want)
			}
		}
		t.Logf("sigmoid max abs error %.3g, max rel error %.3g (x > -86)", maxAbs, maxRel)
		if maxAbs > sigmoidAbsTol || maxRel > sigmoidRelTol {
			t.Errorf("sigmoid error abs %.3g rel %.3g", maxAbs, maxRel)
		}
	})
}

func TestSoftplusAccuracy(t *testing.T) {
	x := sweep(-110, 110, 1_000_001)
	got := make([]float32, len(x))
	ls := make([]float32, len(x))
	Softplus(got, x)
	LogSigmoid(ls, x)
	var maxRel, maxRelLS, maxAbsTiny float64
	for i, v := range x {
		want := refSoftplus(float64(v))
		d := math.Abs(float64(got[i]) - want)
		if want > 0x1p-126 {
			maxRel = math.Max(maxRel, d/want)
		} else {
			maxAbsTiny = math.Max(maxAbsTiny, d)
		}
		wantLS := -refSoftplus(-float64(v))
		if wantLS < -0x1p-126 {
			maxRelLS = math.Max(maxRelLS, math.Abs(float64(ls[i])/wantLS-1))
		}
	}
	t.Logf("softplus max rel error %.3g, logsigmoid %.3g, denormal abs error %.3g", maxRel, maxRelLS, maxAbsTiny)
	if maxRel > softplusRelTol || maxRelLS > softplusRelTol || maxAbsTiny > 0x1p-148 {
		t.Errorf("softplus error rel %.3g, logsigmoid rel %.3g, tiny abs %.3g", maxRel, maxRelLS, maxAbsTiny)
	}
}

func TestExtremes(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	type tc struct {
		x, sig, sp, ls float32
		tol            float64 // absolute
	}
	cases := []tc{
		{x: 0, sig: 0.5, sp: float32(math.Ln2), ls: -float32(math.Ln2), tol: 1e-7},
		{x: 100, sig: 1, sp: 100, ls: -3.7200760e-44, tol: 3e-45},
		{x: -100, sig: 0, sp: 3.7200760e-44, ls: -100, tol: 1e-38},
		{x: -20, sig: 2.0611537e-09, sp: 2.0611537e-09, ls: -20, tol: 1e-15},
		{x: 1000, sig: 1, sp: 1000, ls: 0, tol: 1e-45},
		{x: -1000, sig: 0, sp: 0, ls: -1000, tol: 1e-38},
		{x: inf, sig: 1, sp: inf, ls: 0, tol: 0},
		{x: -inf, sig: 0, sp: 0, ls: -inf, tol: 1e-38},
		{x: nan, sig: nan, sp: nan, ls: nan},
	}
	forEachKernel(t, func(t *testing.T) {
		// Pad to 16 so the assembly sees every case too.
		for _, c := range cases {
			x := make([]float32, 16)
			for i := range x {
				x[i] = c.x
			}
			sig, sp, ls := make([]float32, 16), make([]float32, 16), make([]float32, 16)
			Sigmoid(sig, x)
			Softplus(sp, x)
			LogSigmoid(ls, x)
			for i := range x {
				if !close32(sig[i], c.sig, c.tol, 0) || sig[i] < 0 || sig[i] > 1 {
					t.Errorf("Sigmoid(%v)[%d] = %v, want %v", c.x, i, sig[i], c.sig)
				}
				if !close32(sp[i], c.sp, c.tol, 1e-6) || sp[i] < 0 {
					t.Errorf("Softplus(%v)[%d] = %v, want %v", c.x, i, sp[i], c.sp)
				}
				if !close32(ls[i], c.ls, c.tol, 1e-6) || ls[i] > 0 {
					t.Errorf("LogSigmoid(%v)[%d] = %v, want %v", c.x, i, ls[i], c.ls)
				}
			}
		}
	})
	// Within two denormal steps (2^-149 each).
	if got := Softplus1(-100); got == 0 || math.Abs(float64(got)-3.7200760e-44) > 0x1p-148 {
		t.Errorf("softplus(-100) = %v, want 3.72e-44", got)
	}
}

// Softplus1 is a test helper: Softplus of one value.
func Softplus1(x float32) float32 {
	d := []float32{0}
	Softplus(d, []float32{x})
	return d[0]
}

func randSlice(r *rand.Rand, n int, scale float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(r.NormFloat64() * scale)
	}
	return x
}

// TestVectorKernels checks every slice kernel against a float64 loop on all
// lengths 0..70, with sentinels around the destination.
func TestVectorKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 0))
	forEachKernel(t, func(t *testing.T) {
		for n := 0; n <= 70; n++ {
			x := randSlice(r, n, 6)
			y := randSlice(r, n, 6)
			unary := []struct {
				name string
				f    func(dst, src []float32)
				ref  func(float64) float64
				abs  float64
				rel  float64
			}{
				{"Sigmoid", Sigmoid, refSigmoid, sigmoidAbsTol, 0},
				{"Softplus", Softplus, refSoftplus, 0, softplusRelTol},
				{"LogSigmoid", LogSigmoid, func(v float64) float64 { return -refSoftplus(-v) }, 0, softplusRelTol},
			}
			for _, u := range unary {
				g := guarded(n)
				u.f(g.in, x)
				g.check(t)
				for i := range x {
					if want := u.ref(float64(x[i])); !close64(float64(g.in[i]), want, u.abs, u.rel) {
						t.Fatalf("%s n=%d i=%d: f(%v) = %v, want %v", u.name, n, i, x[i], g.in[i], want)
					}
				}
				// in place
				z := append([]float32(nil), x...)
				u.f(z, z)
				for i := range z {
					if want := u.ref(float64(x[i])); !close64(float64(z[i]), want, u.abs, u.rel) {
						t.Fatalf("%s in place n=%d i=%d", u.name, n, i)
					}
				}
			}

			binary := []struct {
				name string
				f    func(dst, a, b []float32)
				ref  func(a, b float64) float64
			}{
				{"SubTo", SubTo, func(a, b float64) float64 { return a - b }},
				{"MulTo", MulTo, func(a, b float64) float64 { return a * b }},
				{"Axpy(0.3)", func(d, a, b []float32) { copy(d, b); Axpy(0.3, a, d) }, func(a, b float64) float64 { return b + float64(float32(0.3))*a }},
				{"Axpby(0.3,0.9)", func(d, a, b []float32) { copy(d, b); Axpby(0.3, a, 0.9, d) }, func(a, b float64) float64 {
					return float64(float32(0.3))*a + float64(float32(0.9))*b
				}},
				{"Scal(-1.5)", func(d, a, _ []float32) { copy(d, a); Scal(-1.5, d) }, func(a, _ float64) float64 { return -1.5 * a }},
				{"Clamp(-2,3)", func(d, a, _ []float32) { copy(d, a); Clamp(d, -2, 3) }, func(a, _ float64) float64 { return math.Min(math.Max(a, -2), 3) }},
			}
			for _, bn := range binary {
				g := guarded(n)
				bn.f(g.in, x, y)
				g.check(t)
				for i := range x {
					want := bn.ref(float64(x[i]), float64(y[i]))
					if !close64(float64(g.in[i]), want, 1e-6, 1e-6) {
						t.Fatalf("%s n=%d i=%d: %v, want %v", bn.name, n, i, g.in[i], want)
					}
				}
			}

			var dot, sq, sp float64
			for i := range x {
				a, b := float64(x[i]), float64(y[i])
				dot += a * b
				sq += (a - b) * (a - b)
				sp += refSoftplus(a)
			}
			if got := Dot(x, y); !close64(got, dot, 1e-12, 1e-12) {
				t.Fatalf("Dot n=%d: %v, want %v", n, got, dot)
			}
			if got := SqDist(x, y); !close64(got, sq, 1e-12, 1e-12) {
				t.Fatalf("SqDist n=%d: %v, want %v", n, got, sq)
			}
			// Each term has relative error below softplusRelTol, all terms
			// are positive, so the sum has the same relative bound.
			if got := SoftplusSum(x); !close64(got, sp, 0, softplusRelTol) {
				t.Fatalf("SoftplusSum n=%d: %v, want %v", n, got, sp)
			}
			lse := refLogSumExp(x)
			// exp has relative error < expRelTol, so the sum has too, and
			// log moves by at most that much in absolute terms.
			if got := LogSumExp(x); !close64(got, lse, 1e-15+expRelTol, 0) {
				t.Fatalf("LogSumExp n=%d: %v, want %v", n, got, lse)
			}
		}
	})
}

func refLogSumExp(x []float32) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, float64(v))
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	for _, v := range x {
		s += math.Exp(float64(v) - m)
	}
	return m + math.Log(s)
}

func TestLogSumExpSpecial(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	cases := []struct {
		x    []float32
		want float64
	}{
		{nil, math.Inf(-1)},
		{[]float32{-inf, -inf}, math.Inf(-1)},
		{[]float32{1, inf, 3}, math.Inf(1)},
		{[]float32{1, nan, 3}, math.NaN()},
		{[]float32{nan}, math.NaN()},
		{[]float32{3e38, 3e38}, 3e38 + math.Ln2},
		{[]float32{-3e38, -3e38}, -3e38 + math.Ln2},
		{[]float32{0, -inf}, 0},
		{[]float32{0, -200}, 0},
		{[]float32{5}, 5},
	}
	forEachKernel(t, func(t *testing.T) {
		for _, c := range cases {
			got := LogSumExp(c.x)
			if !close64(got, c.want, 1e-7, 1e-7) {
				t.Errorf("LogSumExp(%v) = %v, want %v", c.x, got, c.want)
			}
			// The same with the vector part of the kernel: 9 copies.
			var x9 []float32
			for range 9 {
				x9 = append(x9, c.x...)
			}
			want9 := c.want + math.Log(9)
			if got := LogSumExp(x9); !close64(got, want9, 1e-6, 1e-7) {
				t.Errorf("LogSumExp(9 copies of %v) = %v, want %v", c.x, got, want9)
			}
		}
	})
	x64 := []float64{1000, 1000, -math.Inf(1)}
	if got := LogSumExp64(x64); math.Abs(got-(1000+math.Ln2)) > 1e-12 {
		t.Errorf("LogSumExp64 = %v", got)
	}
	if got := LogSumExp64(nil); !math.IsInf(got, -1) {
		t.Errorf("LogSumExp64(nil) = %v", got)
	}
}

// shapes with odd sizes around the SIMD width; strides add a gap of 3.
var testShapes = [][2]int{{0, 0}, {0, 5}, {3, 0}, {1, 1}, {1, 8}, {2, 9}, {3, 7}, {5, 16}, {7, 17}, {4, 31}, {3, 33}, {2, 70}}

func TestDenseKernels(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 0))
	forEachKernel(t, func(t *testing.T) {
		for _, sh := range testShapes {
			rows, cols := sh[0], sh[1]
			for _, stride := range []int{cols, cols + 3} {
				if stride == 0 {
					stride = 1
				}
				name := fmt.Sprintf("%dx%d/stride%d", rows, cols, stride)
				vals := randSlice(r, rows*cols, 5)
				fill := func(i, j int) float32 { return vals[i*cols+j] }
				at := func(i, j int) float64 { return float64(vals[i*cols+j]) }
				bias := randSlice(r, cols, 2)

				// SigmoidBias with bias, nil bias, and SigmoidBiasTo.
				for _, b := range [][]float32{bias, nil} {
					g := newGuardedDense(rows, cols, stride, fill)
					SigmoidBias(g.m, b)
					g.check(t)
					src := newGuardedDense(rows, cols, stride, fill)
					dst := newGuardedDense(rows, cols, stride+1, func(i, j int) float32 { return 0 })
					SigmoidBiasTo(dst.m, src.m, b)
					dst.check(t)
					src.check(t)
					for i := 0; i < rows; i++ {
						for j := 0; j < cols; j++ {
							x := at(i, j)
							if b != nil {
								x = float64(float32(x) + b[j])
							}
							want := refSigmoid(x)
							if !close64(float64(g.m.At(i, j)), want, sigmoidAbsTol, 0) ||
								!close64(float64(dst.m.At(i, j)), want, sigmoidAbsTol, 0) ||
								src.m.At(i, j) != vals[i*cols+j] {
								t.Fatalf("%s SigmoidBias(%v) at (%d,%d): got %v / %v, want %v", name, b != nil, i, j, g.m.At(i, j), dst.m.At(i, j), want)
							}
						}
					}
				}

				// AddRowVec
				g := newGuardedDense(rows, cols, stride, fill)
				AddRowVec(g.m, bias)
				g.check(t)
				for i := 0; i < rows; i++ {
					for j := 0; j < cols; j++ {
						if g.m.At(i, j) != vals[i*cols+j]+bias[j] {
							t.Fatalf("%s AddRowVec (%d,%d)", name, i, j)
						}
					}
				}

				// Reductions.
				g = newGuardedDense(rows, cols, stride, fill)
				cs := guarded(cols)
				cs64 := make([]float64, cols)
				rs := make([]float64, rows)
				sps := make([]float64, rows)
				sps0 := make([]float64, rows)
				ColSums(cs.in, g.m)
				ColSums64(cs64, g.m)
				RowSums(rs, g.m)
				SoftplusBiasSums(sps, g.m, bias)
				SoftplusBiasSums(sps0, g.m, nil)
				g.check(t)
				cs.check(t)
				for j := 0; j < cols; j++ {
					var s, sa float64
					for i := 0; i < rows; i++ {
						s += at(i, j)
						sa += math.Abs(at(i, j))
					}
					// float32 accumulation: error below rows * eps32 * sum|x|
					if !close64(float64(cs.in[j]), s, float64(rows)*6e-8*sa+1e-30, 0) || !close64(cs64[j], s, 1e-12*sa+1e-30, 0) {
						t.Fatalf("%s ColSums[%d] = %v / %v, want %v", name, j, cs.in[j], cs64[j], s)
					}
				}
				for i := 0; i < rows; i++ {
					var s, sp, sp0 float64
					for j := 0; j < cols; j++ {
						s += at(i, j)
						sp += refSoftplus(float64(float32(at(i, j)) + bias[j]))
						sp0 += refSoftplus(at(i, j))
					}
					if !close64(rs[i], s, 1e-12, 1e-12) {
						t.Fatalf("%s RowSums[%d] = %v, want %v", name, i, rs[i], s)
					}
					if !close64(sps[i], sp, 1e-30, softplusRelTol) || !close64(sps0[i], sp0, 1e-30, softplusRelTol) {
						t.Fatalf("%s SoftplusBiasSums[%d] = %v / %v, want %v / %v", name, i, sps[i], sps0[i], sp, sp0)
					}
				}

				// SoftmaxRows: exp's own error plus the rounding of
				// x - max to float32, which moves exp by |x-max|*2^-24.
				g = newGuardedDense(rows, cols, stride, fill)
				SoftmaxRows(g.m)
				g.check(t)
				for i := 0; i < rows; i++ {
					var z float64
					mx := math.Inf(-1)
					for j := 0; j < cols; j++ {
						z += math.Exp(at(i, j))
						mx = math.Max(mx, at(i, j))
					}
					for j := 0; j < cols; j++ {
						want := math.Exp(at(i, j)) / z
						tol := 3e-7 + (mx-at(i, j))*0x1p-24
						if !close64(float64(g.m.At(i, j)), want, 1e-30, tol) {
							t.Fatalf("%s SoftmaxRows (%d,%d) = %v, want %v", name, i, j, g.m.At(i, j), want)
						}
					}
				}
			}
		}
	})
}

func TestSoftmaxRowsExtremes(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	forEachKernel(t, func(t *testing.T) {
		m := NewDense(5, 3, []float32{
			1000, 1000, -1000,
			0, -200, -inf,
			-1e30, -1e30, -1e30,
			1, nan, 2,
			1, inf, 2,
		})
		SoftmaxRows(m)
		want := []float32{0.5, 0.5, 0, 1, 0, 0, 1.0 / 3, 1.0 / 3, 1.0 / 3, nan, nan, nan, nan, nan, nan}
		for i, w := range want {
			if !close32(m.Data[i], w, 1e-7, 0) {
				t.Errorf("element %d = %v, want %v", i, m.Data[i], w)
			}
		}
	})
}

func TestPanics(t *testing.T) {
	m := NewDense(2, 3, nil)
	cases := map[string]func(){
		"Sigmoid":          func() { Sigmoid(make([]float32, 2), make([]float32, 3)) },
		"Softplus":         func() { Softplus(make([]float32, 2), make([]float32, 3)) },
		"LogSigmoid":       func() { LogSigmoid(make([]float32, 2), make([]float32, 3)) },
		"Axpy":             func() { Axpy(1, make([]float32, 2), make([]float32, 3)) },
		"Axpby":            func() { Axpby(1, make([]float32, 2), 1, make([]float32, 3)) },
		"SubTo":            func() { SubTo(make([]float32, 2), make([]float32, 2), make([]float32, 3)) },
		"MulTo":            func() { MulTo(make([]float32, 3), make([]float32, 2), make([]float32, 3)) },
		"Clamp":            func() { Clamp(nil, 1, 0) },
		"Dot":              func() { Dot(make([]float32, 2), make([]float32, 3)) },
		"SqDist":           func() { SqDist(make([]float32, 2), make([]float32, 3)) },
		"ColSums":          func() { ColSums(make([]float32, 2), m) },
		"ColSums64":        func() { ColSums64(make([]float64, 2), m) },
		"RowSums":          func() { RowSums(make([]float64, 3), m) },
		"AddRowVec":        func() { AddRowVec(m, make([]float32, 2)) },
		"SigmoidBias":      func() { SigmoidBias(m, make([]float32, 2)) },
		"SigmoidBiasTo":    func() { SigmoidBiasTo(NewDense(3, 2, nil), m, nil) },
		"SoftplusBiasSums": func() { SoftplusBiasSums(make([]float64, 2), m, make([]float32, 2)) },
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				s, ok := r.(string)
				if !ok || len(s) < 6 || s[:6] != "mat32:" {
					t.Errorf("panic value %v, want a string starting with mat32:", r)
				}
			}()
			f()
		})
	}
}

func TestKernelsDoNotAllocate(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 0))
	m := NewDense(10, 50, randSlice(r, 500, 3))
	view := m.Slice(1, 9, 3, 40)
	bias := randSlice(r, 50, 1)
	vb := bias[:view.Cols]
	x := randSlice(r, 500, 3)
	y := make([]float32, 500)
	d32 := make([]float32, 50)
	d64 := make([]float64, 50)
	r64 := make([]float64, 10)
	fs := map[string]func(){
		"SigmoidBias":      func() { SigmoidBias(m, bias) },
		"SigmoidBiasView":  func() { SigmoidBias(view, vb) },
		"SigmoidBiasNil":   func() { SigmoidBias(view, nil) },
		"Sigmoid":          func() { Sigmoid(y, x) },
		"Softplus":         func() { Softplus(y, x) },
		"LogSigmoid":       func() { LogSigmoid(y, x) },
		"SoftplusSum":      func() { SoftplusSum(x) },
		"SoftplusBiasSums": func() { SoftplusBiasSums(r64, m, bias) },
		"LogSumExp":        func() { LogSumExp(x) },
		"SoftmaxRows":      func() { SoftmaxRows(view) },
		"ColSums":          func() { ColSums(d32, m) },
		"ColSums64":        func() { ColSums64(d64, m) },
		"RowSums":          func() { RowSums(r64, m) },
		"AddRowVec":        func() { AddRowVec(m, bias) },
		"Axpby":            func() { Axpby(0.1, x, 0.9, y) },
	}
	for name, f := range fs {
		if a := testing.AllocsPerRun(10, f); a != 0 {
			t.Errorf("%s allocates %v times per call", name, a)
		}
	}
}

// The benchmarks use a 100x500 matrix, the hidden layer of an RBM for a
// mini-batch of 100, and report ns per element.

func benchMatrix() (*Dense, []float32) {
	r := rand.New(rand.NewPCG(4, 0))
	return NewDense(100, 500, randSlice(r, 100*500, 4)), randSlice(r, 500, 1)
}

func perElement(b *testing.B, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
}

func BenchmarkSigmoidBias(b *testing.B) {
	m, bias := benchMatrix()
	src := m.Clone()
	b.SetBytes(int64(4 * len(m.Data)))
	for b.Loop() {
		SigmoidBiasTo(m, src, bias)
	}
	perElement(b, len(m.Data))
}

func BenchmarkSigmoid(b *testing.B) {
	m, _ := benchMatrix()
	dst := make([]float32, len(m.Data))
	b.SetBytes(int64(4 * len(m.Data)))
	for b.Loop() {
		Sigmoid(dst, m.Data)
	}
	perElement(b, len(m.Data))
}

func BenchmarkSoftplus(b *testing.B) {
	m, _ := benchMatrix()
	dst := make([]float32, len(m.Data))
	for b.Loop() {
		Softplus(dst, m.Data)
	}
	perElement(b, len(m.Data))
}

func BenchmarkSoftplusBiasSums(b *testing.B) {
	m, bias := benchMatrix()
	dst := make([]float64, m.Rows)
	for b.Loop() {
		SoftplusBiasSums(dst, m, bias)
	}
	perElement(b, len(m.Data))
}

func BenchmarkLogSumExp(b *testing.B) {
	m, _ := benchMatrix()
	for b.Loop() {
		LogSumExp(m.Data)
	}
	perElement(b, len(m.Data))
}

func BenchmarkSoftmaxRows(b *testing.B) {
	m, _ := benchMatrix()
	src := m.Clone()
	for b.Loop() {
		m.Copy(src)
		SoftmaxRows(m)
	}
	perElement(b, len(m.Data))
}
