package rng

import (
	"fmt"
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
)

// effectiveP is the probability of a 1 that the doc comment of Bernoulli
// promises: p rounded up to a multiple of 2^-24, clamped to [0, 1], and 0
// for NaN.
func effectiveP(p float32) float64 {
	switch {
	case !(p > 0):
		return 0
	case p >= 1:
		return 1
	}
	return math.Ceil(float64(p)*(1<<24)) / (1 << 24)
}

// TestBernoulliResolution checks the rounding rule: of the 2^24 values
// the uniform takes, exactly ceil(p·2^24) give a 1. The uniforms grow with
// k, so it suffices to look at the boundary k = ceil(p·2^24); a few p are
// also checked exhaustively (not in short mode).
func TestBernoulliResolution(t *testing.T) {
	ps := []float32{0x1p-30, 0.3, 1 - 0x1p-24, 0, 1, 1e-7, 0.5, 0x1p-24, 3 * 0x1p-25, 0.999}
	for i, p := range ps {
		want := effectiveP(p)
		k0 := uint32(want * (1 << 24))
		if k0 > 0 && bit(unit((k0-1)<<8), p) != 1 {
			t.Errorf("p = %v: uniform %v gives 0, want 1", p, unit((k0-1)<<8))
		}
		if k0 < 1<<24 && bit(unit(k0<<8), p) != 0 {
			t.Errorf("p = %v: uniform %v gives 1, want 0", p, unit(k0<<8))
		}
		if i >= 3 || testing.Short() {
			continue
		}
		ones := 0
		for k := uint32(0); k < 1<<24; k++ {
			ones += int(bit(unit(k<<8), p))
		}
		if got := float64(ones) / (1 << 24); got != want {
			t.Errorf("p = %v: %v of the uniforms give 1, want %v", p, got, want)
		}
	}
}

func TestBernoulliGrid(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	ps := []float32{0, 1, 0x1p-30, 1e-3, 0.1, 0.25, 0.5, 0.7, 1 - 1e-3, 1 - 0x1p-24,
		-1, 2, nan, inf, -inf, float32(math.Copysign(0, -1))}
	for _, k := range availableKernels() {
		impl := kernelName(k)
		for _, n := range []int{100003, 37} { // bulk and small paths
			for _, p := range ps {
				run := func() {
					s := New(12)
					probs := make([]float32, n)
					x := make([]float32, n)
					ones := 0
					for rep := 0; rep < max(1, 200000/n); rep++ {
						for i := range probs {
							probs[i] = p
						}
						s.Bernoulli(x, probs)
						for _, v := range x {
							if v != 0 && v != 1 {
								t.Fatalf("Bernoulli gave %v", v)
							}
							ones += int(v)
						}
					}
					total := float64(max(1, 200000/n) * n)
					q := effectiveP(p)
					if q == 0 || q == 1 {
						if float64(ones) != q*total {
							t.Errorf("%s, n=%d, p=%v: %d ones in %v draws, want exactly %v", impl, n, p, ones, total, q*total)
						}
						return
					}
					// One count of slack for the extreme p whose standard
					// error is far below one count.
					se := math.Sqrt(q*(1-q)/total) + 1/(5*total)
					checkNear(t, fmt.Sprintf("%s, n=%d, p=%v: Bernoulli frequency", impl, n, p), float64(ones)/total, q, se)
				}
				withKernel(k, run)
			}
		}
	}
}

// TestBernoulliMixed draws from many different p at once: the sum of
// x_i - p_i has mean 0 and variance sum p_i(1-p_i).
func TestBernoulliMixed(t *testing.T) {
	s := New(13)
	const n = 500000
	p := make([]float32, n)
	s.Uniform(p)
	x := make([]float32, n)
	s.Bernoulli(x, p)
	var d, v float64
	for i := range p {
		d += float64(x[i]) - float64(p[i])
		v += float64(p[i]) * (1 - float64(p[i]))
	}
	checkNear(t, "sum of x - p", d, 0, math.Sqrt(v))
	// In place.
	s.Bernoulli(p, p)
	for _, v := range p {
		if v != 0 && v != 1 {
			t.Fatalf("in-place Bernoulli gave %v", v)
		}
	}
}

// TestBernoulliBoundary checks the comparison at its edge in every path:
// Uniform and Bernoulli from equal streams draw the same uniforms u, and
// p = u must always give 0 while p = u + 2^-24 must always give 1.
func TestBernoulliBoundary(t *testing.T) {
	for _, k := range availableKernels() {
		impl := kernelName(k)
		run := func() {
			for _, n := range []int{37, 1000, 1003} {
				u := make([]float32, n)
				x := make([]float32, n)
				New(18).Uniform(u)
				New(18).Bernoulli(x, u)
				for i, v := range x {
					if v != 0 {
						t.Fatalf("%s, n=%d: p equal to the uniform gave %v at %d", impl, n, v, i)
					}
					u[i] += 0x1p-24
				}
				New(18).Bernoulli(x, u)
				for i, v := range x {
					if v != 1 {
						t.Fatalf("%s, n=%d: p just above the uniform gave %v at %d", impl, n, v, i)
					}
				}
			}
		}
		withKernel(k, run)
	}
}

// TestKernelsAgree compares every assembly kernel this processor can run
// with the pure-Go reference, bit for bit, with guard values around the destination to catch
// writes out of bounds.
func TestKernelsAgree(t *testing.T) {
	const guard = 16
	src := New(14)
	for _, n := range []int{0, 1, 15, 16, 17, 63, 64, 65, 100, 500, 1027} {
		p := make([]float32, n)
		src.Uniform(p)
		for i := 0; i < n; i += 7 {
			p[i] = []float32{0, 1, float32(math.NaN()), -3, 5, 0x1p-24}[i%6]
		}
		fill := func(kind int) []float32 {
			buf := make([]float32, n+2*guard)
			for i := range buf {
				buf[i] = -7
			}
			s := New(uint64(n))
			if kind == 0 {
				s.Bernoulli(buf[guard:guard+n], p)
			} else {
				s.Uniform(buf[guard : guard+n])
			}
			for i := range guard {
				if buf[i] != -7 || buf[guard+n+i] != -7 {
					t.Fatalf("n=%d: write outside the destination", n)
				}
			}
			return buf[guard : guard+n]
		}
		for kind, name := range []string{"Bernoulli", "Uniform"} {
			var ref []float32
			withGo(func() { ref = fill(kind) })
			for _, k := range availableKernels()[1:] {
				var got []float32
				withKernel(k, func() { got = fill(kind) })
				for i := range got {
					if math.Float32bits(got[i]) != math.Float32bits(ref[i]) {
						t.Fatalf("%s, n=%d, element %d: %s kernel %v, Go reference %v", name, n, i, kernelName(k), got[i], ref[i])
					}
				}
			}
		}
	}
}

func TestUniformFill(t *testing.T) {
	for _, n := range []int{1 << 20, 33} {
		for _, k := range availableKernels() {
			impl := kernelName(k)
			run := func() {
				s := New(15)
				x := make([]float32, n)
				reps := max(1, (1<<20)/n)
				var mean, m2 float64
				for range reps {
					s.Uniform(x)
					for _, v := range x {
						if v < 0 || v >= 1 {
							t.Fatalf("%s: Uniform gave %v", impl, v)
						}
					}
					a, b, _ := moments32(x, 0.5)
					mean += a / float64(reps)
					m2 += b / float64(reps)
				}
				total := float64(n * reps)
				checkNear(t, impl+" Uniform mean", mean, 0.5, math.Sqrt(1.0/12/total))
				checkNear(t, impl+" Uniform variance", m2, 1.0/12, math.Sqrt(1.0/180/total))
			}
			withKernel(k, run)
		}
	}
}

func TestBernoulliDenseViews(t *testing.T) {
	s := New(16)
	for _, shape := range [][2]int{{3, 5}, {100, 37}, {20, 64}} {
		r, c := shape[0], shape[1]
		big := mat32.NewDense(r+2, c+3, nil)
		for i := range big.Data {
			big.Data[i] = -7
		}
		dst := big.Slice(1, 1+r, 2, 2+c)
		p := mat32.NewDense(r, c, nil)
		for i := range p.Data {
			p.Data[i] = 0.3
		}
		const reps = 50
		ones := 0
		for range reps {
			s.BernoulliDense(dst, p)
			for i := range r {
				for _, v := range dst.Row(i) {
					if v != 0 && v != 1 {
						t.Fatalf("BernoulliDense gave %v", v)
					}
					ones += int(v)
				}
			}
		}
		for i := range big.Rows {
			for j := range big.Cols {
				inside := i >= 1 && i < 1+r && j >= 2 && j < 2+c
				if v := big.At(i, j); !inside && v != -7 {
					t.Fatalf("%dx%d view: element (%d, %d) outside it changed to %v", r, c, i, j, v)
				}
			}
		}
		n := float64(reps * r * c)
		q := effectiveP(0.3)
		checkNear(t, "BernoulliDense frequency", float64(ones)/n, q, math.Sqrt(q*(1-q)/n))

		// In place on a view.
		for i := range r {
			for j := range c {
				dst.Set(i, j, 1)
			}
		}
		s.BernoulliDense(dst, dst)
		for i := range r {
			for _, v := range dst.Row(i) {
				if v != 1 {
					t.Fatalf("in-place BernoulliDense with p = 1 gave %v", v)
				}
			}
		}
	}
	// A contiguous matrix gives the same draws as Bernoulli on its data.
	p := mat32.NewDense(10, 50, nil)
	New(1).Uniform(p.Data)
	a, b := mat32.NewDense(10, 50, nil), make([]float32, 500)
	New(2).BernoulliDense(a, p)
	New(2).Bernoulli(b, p.Data)
	for i := range b {
		if a.Data[i] != b[i] {
			t.Fatalf("BernoulliDense and Bernoulli differ at %d", i)
		}
	}
}

func TestAllocs(t *testing.T) {
	s := New(17)
	x := make([]float32, 5000)
	p := mat32.NewDense(50, 100, nil)
	s.Uniform(p.Data)
	view := p.Slice(0, 50, 0, 90)
	d := mat32.NewDense(50, 100, nil)
	dv := d.Slice(0, 50, 0, 90)
	idx := make([]int, 50)
	perm := make([]int, 100)
	for name, f := range map[string]func(){
		"Uniform":              func() { s.Uniform(x) },
		"Normal":               func() { s.Normal(x, 0, 1) },
		"Bernoulli":            func() { s.Bernoulli(x, p.Data) },
		"BernoulliDense":       func() { s.BernoulliDense(d, p) },
		"BernoulliDense(view)": func() { s.BernoulliDense(dv, view) },
		"Categorical":          func() { s.Categorical(idx, p) },
		"OneHot":               func() { s.OneHot(d, p) },
		"Perm":                 func() { s.Perm(perm) },
	} {
		if a := testing.AllocsPerRun(20, f); a != 0 {
			t.Errorf("%s allocates %v times per call", name, a)
		}
	}
}

func TestLengthMismatchPanics(t *testing.T) {
	s := New(1)
	for name, f := range map[string]func(){
		"Bernoulli":      func() { s.Bernoulli(make([]float32, 3), make([]float32, 4)) },
		"BernoulliDense": func() { s.BernoulliDense(mat32.NewDense(2, 3, nil), mat32.NewDense(3, 2, nil)) },
		"Categorical":    func() { s.Categorical(make([]int, 2), mat32.NewDense(3, 2, nil)) },
		"OneHot":         func() { s.OneHot(mat32.NewDense(2, 3, nil), mat32.NewDense(2, 2, nil)) },
	} {
		func() {
			defer func() {
				r := recover()
				if msg, ok := r.(string); !ok || len(msg) < 5 || msg[:5] != "rng: " {
					t.Errorf("%s: panic %v, want a message starting with \"rng: \"", name, r)
				}
			}()
			f()
		}()
	}
}
