package mat32

import "math"

// Fast float32 exp, sigmoid and softplus in pure Go. They are the fallback on
// CPUs without AVX2+FMA and the oracle for the assembly kernels, which do the
// same operations in the same order, eight lanes at a time.
//
// exp(z) is computed as 2^n * p(r) with n = round(z*log2(e)) and
// r = z - n*ln2 in [-ln2/2, ln2/2]. ln2 is split into a 9-bit head (so that
// n*ln2Hi is exact) and a tail. p is a degree-6 polynomial fitted to exp on
// that interval (iteratively reweighted least squares towards minimax; the
// truncation error is 2e-9 relative, far below float32 rounding), and the
// power of two 2^n is built from its exponent bits, which needs n in
// [-126, 127]; the clamps below guarantee it. (The assembly adds n to p's
// exponent bits instead, exact for the same range.)
//
// Measured maximum errors against float64 math over dense sweeps of float32
// inputs (TestExpAccuracy, TestSigmoidAccuracy, TestSoftplusAccuracy; the
// tests allow 2e-7, 2e-7 absolute and 3e-7):
//
//	exp32, expWide   1.07e-7 relative (normal results); denormals within one step
//	sigmoid          8.8e-8 absolute, 1.5e-7 relative for x > -86
//	softplus         2.5e-7 relative (normal results); denormals within two steps
//	log-sigmoid      2.5e-7 relative
//
// The assembly agrees with these within one or two float32 roundings.

const (
	log2e   = 1.44269504088896340736
	ln2Hi   = 0.693359375 // 355/512: n*ln2Hi is exact for |n| < 2^15
	ln2Lo   = -2.12194440e-4
	ln2f32  = 0.693147180559945309417
	sqrt2m1 = 0.41421356237309504880

	// round to nearest by adding 1.5*2^23 in float32
	roundMagic = 12582912

	// exp clamp for the narrow kernel: z in [expLo, expHi] keeps n in
	// [-125, 127], so 2^n and 2^n*p(r) are normal float32s.
	expLo = -86.5
	expHi = 88.0

	// exp coefficients c1..c6 (c0 = 1).
	expC1 = 1.00000003
	expC2 = 0.499999942
	expC3 = 0.166664313
	expC4 = 0.041668002
	expC5 = 0.00837415536
	expC6 = 0.00138436547
)

// exp32 returns e^z for z in [expLo, expHi] (NaN in, NaN out). Callers clamp.
func exp32(z float32) float32 {
	t := z*log2e + roundMagic
	n := t - roundMagic
	r := z - n*ln2Hi
	r = r - n*ln2Lo
	p := float32(expC6)
	p = p*r + expC5
	p = p*r + expC4
	p = p*r + expC3
	p = p*r + expC2
	p = p*r + expC1
	p = p*r + 1
	// The low bits of t hold n in two's complement. Multiplying by 2^n
	// (rather than adding n to p's exponent bits) keeps any NaN a NaN.
	ni := int32(math.Float32bits(t) - 0x4B400000)
	return p * math.Float32frombits(uint32(ni+127)<<23)
}

// clampExp clamps z to [expLo, expHi]; NaN passes through.
func clampExp(z float32) float32 {
	if z < expLo {
		z = expLo
	}
	if z > expHi {
		z = expHi
	}
	return z
}

// sigmoid32 returns 1/(1+exp(-x)) with absolute error below 2e-7.
// sigmoid32(-Inf) is 6e-39 (not 0), sigmoid32(+Inf) is 1, NaN gives NaN.
func sigmoid32(x float32) float32 {
	return 1 / (1 + exp32(clampExp(-x)))
}

// expWide returns e^z for z <= 0 down to the float32 denormal range, used
// where tiny results matter (softplus(-100) = 3.7e-44). The power of two is
// applied in two halves so each factor is a normal number.
func expWide(z float32) float32 {
	if z < -104 {
		z = -104
	}
	t := z*log2e + roundMagic
	n := t - roundMagic
	r := z - n*ln2Hi
	r = r - n*ln2Lo
	p := float32(expC6)
	p = p*r + expC5
	p = p*r + expC4
	p = p*r + expC3
	p = p*r + expC2
	p = p*r + expC1
	p = p*r + 1
	ni := int32(math.Float32bits(t) - 0x4B400000)
	n1 := ni >> 1
	n2 := ni - n1
	s1 := math.Float32frombits(uint32(n1+127) << 23)
	s2 := math.Float32frombits(uint32(n2+127) << 23)
	return p * s1 * s2
}

// log1p01 returns log(1+e) for e in [0, 1]: with k = 1 if e > sqrt(2)-1
// (else 0), 1+e = 2^k (1+f) and s = f/(2+f) = (e-k)/(2+k+e) is in
// [-0.172, 0.172]; log(1+f) = 2 atanh(s) = 2s(1 + s²/3 + s⁴/5 + s⁶/7 + s⁸/9),
// truncation error 2e-9 relative. Writing s directly in terms of e avoids the
// rounding of 1+e, so tiny e keeps full relative precision.
func log1p01(e float32) float32 {
	var k float32
	if e > sqrt2m1 {
		k = 1
	}
	s := (e - k) / (2 + k + e)
	z := s * s
	q := z*(1.0/9) + 1.0/7
	q = q*z + 1.0/5
	q = q*z + 1.0/3
	q = q*z + 1
	return k*ln2f32 + 2*s*q
}

// softplus32 returns log(1+exp(x)) = max(x, 0) + log1p(exp(-|x|)) with
// relative error below 3e-7; softplus32(-100) = 3.7e-44, NaN gives NaN.
func softplus32(x float32) float32 {
	a := math.Float32frombits(math.Float32bits(x) &^ (1 << 31))
	l := log1p01(expWide(-a))
	if x > 0 {
		l += x
	}
	return l
}

func sigmoidGo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = sigmoid32(x)
	}
}

func sigmoidBiasGo(dst, src, bias []float32) {
	src = src[:len(dst)]
	bias = bias[:len(dst)]
	for i := range dst {
		dst[i] = sigmoid32(src[i] + bias[i])
	}
}

// softplusGo sets dst[i] = softplus(src[i] + bias[i]); bias may be nil.
func softplusGo(dst, src, bias []float32) {
	dst = dst[:len(src)]
	if bias == nil {
		for i, x := range src {
			dst[i] = softplus32(x)
		}
		return
	}
	bias = bias[:len(src)]
	for i, x := range src {
		dst[i] = softplus32(x + bias[i])
	}
}

// softplusSumGo returns sum_i softplus(src[i] + bias[i]) accumulated in
// float64; bias may be nil.
func softplusSumGo(src, bias []float32) float64 {
	var s float64
	if bias == nil {
		for _, x := range src {
			s += float64(softplus32(x))
		}
		return s
	}
	bias = bias[:len(src)]
	for i, x := range src {
		s += float64(softplus32(x + bias[i]))
	}
	return s
}

// expSumGo sets dst[i] = expWide(src[i] - shift) (dst may be nil) and returns
// the float64 sum. Every src[i] - shift must be <= 0 or NaN.
func expSumGo(dst, src []float32, shift float32) float64 {
	var s float64
	if dst == nil {
		for _, v := range src {
			s += float64(expWide(v - shift))
		}
		return s
	}
	dst = dst[:len(src)]
	for i, v := range src {
		e := expWide(v - shift)
		dst[i] = e
		s += float64(e)
	}
	return s
}

// maxGo returns the maximum of x ignoring NaNs (-Inf if there is none) and
// whether x holds a NaN.
func maxGo(x []float32) (float32, bool) {
	m := float32(math.Inf(-1))
	nan := false
	for _, v := range x {
		if v > m {
			m = v
		}
		if v != v {
			nan = true
		}
	}
	return m, nan
}

func axpyGo(alpha float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

func axpbyGo(alpha float32, x []float32, beta float32, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = alpha*v + beta*y[i]
	}
}
