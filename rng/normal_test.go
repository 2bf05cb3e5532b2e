package rng

import (
	"math"
	"sort"
	"testing"
)

func TestZigguratTables(t *testing.T) {
	// Every layer has area zigV, the top one included: this checks that
	// zigR and zigV close the ziggurat at x = 0, f = 1.
	top := zigX[zigLayers-1] * (1 - zigF[zigLayers-1])
	if math.Abs(top-zigV) > 1e-9 {
		t.Errorf("top layer area %v, want %v", top, zigV)
	}
	// The base layer is the rectangle up to zigR plus the tail:
	// zigR·f(zigR) + ∫_zigR^∞ f = zigV.
	tail := math.Sqrt(math.Pi/2) * math.Erfc(zigR/math.Sqrt2)
	if base := zigR*zigF[1] + tail; math.Abs(base-zigV) > 1e-9 {
		t.Errorf("base layer area %v, want %v", base, zigV)
	}
	for i := 1; i <= zigLayers; i++ {
		if !(zigX[i] < zigX[i-1]) {
			t.Fatalf("zigX not decreasing at %d: %v, %v", i, zigX[i-1], zigX[i])
		}
	}
}

// normalCDF is Φ.
func normalCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

func TestNormFloat64(t *testing.T) {
	n := 1 << 21
	if testing.Short() {
		n = 1 << 19
	}
	s := New(21)
	z := make([]float64, n)
	for i := range z {
		z[i] = s.NormFloat64()
	}
	var s1, s2, s4 float64
	for _, v := range z {
		s1 += v
		s2 += v * v
		s4 += v * v * v * v
	}
	nf := float64(n)
	// For z ~ N(0,1): E z = 0, E z² = 1, E z⁴ = 3, with variances 1,
	// E z⁴ - 1 = 2 and E z⁸ - 9 = 96.
	checkNear(t, "normal mean", s1/nf, 0, math.Sqrt(1/nf))
	checkNear(t, "normal E z²", s2/nf, 1, math.Sqrt(2/nf))
	checkNear(t, "normal E z⁴", s4/nf, 3, math.Sqrt(96/nf))
	checkNormalHistogram(t, "NormFloat64", z)
}

// checkNormalHistogram compares the histogram of z with N(0,1) by a
// chi-square test. Bins: edges from -4.5 to 4.5 by 0.25, both tails
// beyond, and extra edges at ±zigR, where the tail method takes over.
func checkNormalHistogram(t *testing.T, what string, z []float64) {
	t.Helper()
	var edges []float64
	for x := -4.5; x <= 4.5; x += 0.25 {
		edges = append(edges, x)
	}
	edges = append(edges, -zigR, zigR)
	sort.Float64s(edges)
	counts := make([]int, len(edges)+1)
	for _, v := range z {
		counts[sort.SearchFloat64s(edges, math.Nextafter(v, math.Inf(1)))]++
	}
	nf := float64(len(z))
	exp := make([]float64, len(counts))
	prev := 0.0
	for i, e := range edges {
		c := normalCDF(e)
		exp[i] = nf * (c - prev)
		prev = c
	}
	exp[len(edges)] = nf * (1 - prev)
	checkChi2(t, what+" histogram", counts, exp)
}

func TestNormalFill(t *testing.T) {
	for _, k := range availableKernels() {
		impl := kernelName(k)
		run := func() {
			s := New(22)
			x := make([]float32, 1<<20)
			const mean, std = 2, 0.5
			s.Normal(x, mean, std)
			m, m2, m4 := moments32(x, mean)
			n := float64(len(x))
			v := std * std
			checkNear(t, impl+" Normal mean", m, mean, math.Sqrt(v/n))
			checkNear(t, impl+" Normal variance", m2, v, math.Sqrt(2*v*v/n))
			checkNear(t, impl+" Normal 4th central moment", m4, 3*v*v, math.Sqrt(96*v*v*v*v/n))
			z := make([]float64, len(x))
			for i, v := range x {
				z[i] = (float64(v) - mean) / std
			}
			checkNormalHistogram(t, impl+" Normal", z)
		}
		withKernel(k, run)
	}
}

func TestExpFloat64(t *testing.T) {
	s := New(23)
	const n = 1 << 20
	var s1, s2 float64
	for range n {
		x := s.ExpFloat64()
		if !(x >= 0) || math.IsInf(x, 1) {
			t.Fatalf("ExpFloat64() = %v", x)
		}
		s1 += x
		s2 += x * x
	}
	// Exp(1): mean 1 with variance 1; E x² = 2 with variance 24 - 4 = 20.
	checkNear(t, "Exp mean", s1/n, 1, math.Sqrt(1.0/n))
	checkNear(t, "Exp E x²", s2/n, 2, math.Sqrt(20.0/n))
}

// TestNormalSmall checks that short fills make exactly the draws of a
// loop over NormFloat64.
func TestNormalSmall(t *testing.T) {
	x := make([]float32, 63)
	New(24).Normal(x, 1, 3)
	s := New(24)
	for i, v := range x {
		if w := float32(1 + float64(3*s.NormFloat64())); v != w {
			t.Fatalf("Normal()[%d] = %v, NormFloat64 loop gives %v", i, v, w)
		}
	}
}

// TestNormalKernelsAgree compares the assembly normal kernel (if present)
// with the pure-Go reference, bit for bit, with guards around dst.
func TestNormalKernelsAgree(t *testing.T) {
	const guard = 8
	for _, n := range []int{64, 65, 71, 72, 255, 256, 257, 1000, 4099} {
		fill := func() []float32 {
			buf := make([]float32, n+2*guard)
			for i := range buf {
				buf[i] = -7
			}
			New(uint64(n)).Normal(buf[guard:guard+n], 0.5, 2)
			for i := range guard {
				if buf[i] != -7 || buf[guard+n+i] != -7 {
					t.Fatalf("n=%d: write outside the destination", n)
				}
			}
			return buf[guard : guard+n]
		}
		fast := fill()
		var ref []float32
		withGo(func() { ref = fill() })
		for i := range fast {
			if math.Float32bits(fast[i]) != math.Float32bits(ref[i]) {
				t.Fatalf("n=%d, element %d: kernel %v, Go reference %v", n, i, fast[i], ref[i])
			}
		}
	}
}

// TestZigguratTail checks the tail sampler on its own. For a standard
// normal Z beyond r, with λ = φ(r)/(1-Φ(r)) (the inverse Mills ratio),
// E[Z | Z>r] = λ and E[Z² | Z>r] = 1 + rλ, so the excess Z - r has mean
// λ - r and second moment 1 + rλ - 2rλ + r².
func TestZigguratTail(t *testing.T) {
	const n = 200000
	r := zigR
	lambda := math.Exp(-r*r/2) / math.Sqrt(2*math.Pi) / (1 - normalCDF(r))
	m1 := lambda - r
	m2 := 1 + r*lambda - 2*r*lambda + r*r
	s := New(25)
	var s1, s2, s4 float64
	for range n {
		x, ok := s.zigSlow(0, 0)
		if !ok || x < r {
			t.Fatalf("tail sample %v, %v", x, ok)
		}
		e := x - r
		s1 += e
		s2 += e * e
		s4 += e * e * e * e
	}
	// Standard errors from the sample itself.
	v1 := s2/n - (s1/n)*(s1/n)
	v2 := s4/n - (s2/n)*(s2/n)
	checkNear(t, "tail mean excess", s1/n, m1, math.Sqrt(v1/n))
	checkNear(t, "tail E excess²", s2/n, m2, math.Sqrt(v2/n))
}

func TestGammaFloat64(t *testing.T) {
	const n = 200000
	s := New(26)
	for _, a := range []float64{0.3, 1, 2.5, 10} {
		var s1, s2 float64
		for range n {
			x := s.GammaFloat64(a)
			if !(x >= 0) || math.IsInf(x, 1) {
				t.Fatalf("GammaFloat64(%v) = %v", a, x)
			}
			s1 += x
			s2 += (x - a) * (x - a)
		}
		// Gamma(a, 1): mean a, variance a; the fourth central moment is
		// 3a² + 6a, so (x-a)² has variance 2a² + 6a.
		checkNear(t, "Gamma mean", s1/n, a, math.Sqrt(a/n))
		checkNear(t, "Gamma variance", s2/n, a, math.Sqrt((2*a*a+6*a)/n))
	}
}
