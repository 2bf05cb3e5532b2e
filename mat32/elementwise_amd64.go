package mat32

import "golang.org/x/sys/cpu"

// useSigmoidAVX2 selects the AVX2+FMA kernels in elementwise_amd64.s, and
// useSigmoidAVX512 the AVX-512 sigmoid in elementwise_avx512_amd64.s; tests
// switch them off to compare with the pure-Go code.
var (
	useSigmoidAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	useSigmoidAVX512 = useSigmoidAVX2 && cpu.X86.HasAVX512F
)

// sigmoidAVX512 is sigmoidAVX2 sixteen lanes at a time, with a refined
// reciprocal estimate in place of the division.
//
//go:noescape
func sigmoidAVX512(dst, x, b *float32, n int)

// sigmoidAVX2 sets dst[i] = sigmoid(x[i] + b[i]) for i < n, or
// dst[i] = sigmoid(x[i]) if b is nil. It touches no memory outside the n
// elements (the tail uses masked loads and stores).
//
//go:noescape
func sigmoidAVX2(dst, x, b *float32, n int)

func sigmoidKernel(dst, src []float32) {
	dst = dst[:len(src)]
	if useSigmoidAVX512 && len(src) > 0 {
		sigmoidAVX512(&dst[0], &src[0], nil, len(src))
		return
	}
	if useSigmoidAVX2 && len(src) > 0 {
		sigmoidAVX2(&dst[0], &src[0], nil, len(src))
		return
	}
	sigmoidGo(dst, src)
}

func sigmoidBiasKernel(dst, src, bias []float32) {
	src = src[:len(dst)]
	bias = bias[:len(dst)]
	if useSigmoidAVX512 && len(dst) > 0 {
		sigmoidAVX512(&dst[0], &src[0], &bias[0], len(dst))
		return
	}
	if useSigmoidAVX2 && len(dst) > 0 {
		sigmoidAVX2(&dst[0], &src[0], &bias[0], len(dst))
		return
	}
	sigmoidBiasGo(dst, src, bias)
}

// softplusAVX2 sets dst[i] = softplus(x[i] + b[i]) for i < n, or
// dst[i] = softplus(x[i]) if b is nil. It touches no memory outside the n
// elements (the tail uses masked loads and stores).
//
//go:noescape
func softplusAVX2(dst, x, b *float32, n int)

// softplusSumAVX2 returns sum_i softplus(x[i] + b[i]) for i < n (b may be
// nil), each term rounded to float32 and accumulated in float64 (in eight
// lanes, added at the end).
//
//go:noescape
func softplusSumAVX2(x, b *float32, n int) float64

// softplusKernel sets dst[i] = softplus(src[i] + bias[i]); bias may be nil.
func softplusKernel(dst, src, bias []float32) {
	dst = dst[:len(src)]
	if useSigmoidAVX2 && len(src) > 0 {
		var bp *float32
		if bias != nil {
			bias = bias[:len(src)]
			bp = &bias[0]
		}
		softplusAVX2(&dst[0], &src[0], bp, len(src))
		return
	}
	softplusGo(dst, src, bias)
}

// softplusSumKernel returns sum_i softplus(src[i] + bias[i]) in float64;
// bias may be nil.
func softplusSumKernel(src, bias []float32) float64 {
	if useSigmoidAVX2 && len(src) > 0 {
		var bp *float32
		if bias != nil {
			bias = bias[:len(src)]
			bp = &bias[0]
		}
		return softplusSumAVX2(&src[0], bp, len(src))
	}
	return softplusSumGo(src, bias)
}

// expSumAVX2 sets dst[i] = exp(x[i] - shift) as expWide computes it (the
// argument must be <= 0) and returns the sum in float64; dst may be nil, to
// sum only.
//
//go:noescape
func expSumAVX2(dst, x *float32, shift float32, n int) float64

// maxAVX2 returns the maximum of x[:n] ignoring NaNs (-Inf if n == 0 or all
// are NaN) and whether some x[i] is NaN.
//
//go:noescape
func maxAVX2(x *float32, n int) (m float32, nan bool)

// expSumKernel sets dst[i] = exp(src[i] - shift) (dst may be nil) and
// returns the float64 sum. Every src[i] - shift must be <= 0 or NaN.
func expSumKernel(dst, src []float32, shift float32) float64 {
	if useSigmoidAVX2 && len(src) > 0 {
		var dp *float32
		if dst != nil {
			dst = dst[:len(src)]
			dp = &dst[0]
		}
		return expSumAVX2(dp, &src[0], shift, len(src))
	}
	return expSumGo(dst, src, shift)
}

// maxKernel returns the maximum of x ignoring NaNs (-Inf if there is none)
// and whether x holds a NaN.
func maxKernel(x []float32) (float32, bool) {
	if useSigmoidAVX2 && len(x) > 0 {
		return maxAVX2(&x[0], len(x))
	}
	return maxGo(x)
}

// axpbyAVX2 sets y[i] = alpha*x[i] + beta*y[i] for i < n (one fused
// multiply-add per element). It touches no memory outside the n elements.
//
//go:noescape
func axpbyAVX2(alpha, beta float32, x, y *float32, n int)

func axpbyKernel(alpha float32, x []float32, beta float32, y []float32) {
	y = y[:len(x)]
	if useSigmoidAVX2 && len(x) > 0 {
		axpbyAVX2(alpha, beta, &x[0], &y[0], len(x))
		return
	}
	axpbyGo(alpha, x, beta, y)
}

func axpyKernel(alpha float32, x, y []float32) {
	y = y[:len(x)]
	if useSigmoidAVX2 && len(x) > 0 {
		axpbyAVX2(alpha, 1, &x[0], &y[0], len(x))
		return
	}
	axpyGo(alpha, x, y)
}
