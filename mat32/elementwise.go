package mat32

import (
	"fmt"
	"math"
)

func checkLen(op string, a, b int) {
	if a != b {
		panic(fmt.Sprintf("mat32: %s length mismatch %d vs %d", op, a, b))
	}
}

func checkSameShape(op string, a, b *Dense) {
	if a.Rows != b.Rows || a.Cols != b.Cols {
		panic(fmt.Sprintf("mat32: %s shape mismatch %dx%d vs %dx%d", op, a.Rows, a.Cols, b.Rows, b.Cols))
	}
}

// The transcendental kernels below (Sigmoid, SigmoidBias, Softplus,
// SoftplusSum, LogSumExp, SoftmaxRows) use the float32 exp approximation of
// elementwise_fast.go. On amd64 they run assembly chosen at run time
// (AVX-512 for the sigmoid, AVX2+FMA for the rest, also Axpy and Axpby);
// elsewhere, and as the tests' oracle, the pure-Go loops in that file.

// Sigmoid sets dst[i] = 1 / (1 + exp(-src[i])). dst and src may be the same
// slice. The absolute error is below 2e-7 (see elementwise_fast.go);
// Sigmoid(-Inf) is 0 or a denormal below 1e-38, Sigmoid(+Inf) = 1 and NaN
// stays NaN.
func Sigmoid(dst, src []float32) {
	checkLen("Sigmoid", len(dst), len(src))
	sigmoidKernel(dst, src)
}

// Softplus sets dst[i] = log(1 + exp(src[i])), computed without overflow,
// with relative error below 3e-7. Softplus(-100) = 3.7e-44 and NaN stays NaN.
// dst and src may be the same slice.
func Softplus(dst, src []float32) {
	checkLen("Softplus", len(dst), len(src))
	softplusKernel(dst, src, nil)
}

// LogSigmoid sets dst[i] = log(sigmoid(src[i])) = -softplus(-src[i]), with
// relative error below 3e-7. dst and src may be the same slice.
func LogSigmoid(dst, src []float32) {
	checkLen("LogSigmoid", len(dst), len(src))
	dst = dst[:len(src)]
	for i, x := range src {
		dst[i] = -softplus32(-x)
	}
}

// SoftplusSum returns sum_i log(1 + exp(src[i])), each term computed in
// float32 (relative error below 3e-7) and accumulated in float64.
func SoftplusSum(src []float32) float64 {
	return softplusSumKernel(src, nil)
}

// SoftplusBiasSums sets dst[i] = sum_j log(1 + exp(m[i, j] + bias[j])), each
// term computed in float32 and accumulated in float64, without modifying m:
// the hidden-unit part of an RBM's free energy. bias may be nil (all zeros);
// otherwise len(bias) must be m.Cols. len(dst) must be m.Rows.
func SoftplusBiasSums(dst []float64, m *Dense, bias []float32) {
	checkLen("SoftplusBiasSums", len(dst), m.Rows)
	if bias != nil {
		checkLen("SoftplusBiasSums", len(bias), m.Cols)
	}
	for i := range dst {
		dst[i] = softplusSumKernel(m.Row(i), bias)
	}
}

// LogSumExp returns log(sum_i exp(x[i])) accumulated in float64 after
// subtracting the maximum, so it never overflows. Each exp is a float32
// approximation with relative error below 2e-7, so the result has absolute
// error below about 3e-7 plus the rounding of the inputs. It returns -Inf for
// an empty slice or when every x[i] is -Inf, +Inf if some x[i] is +Inf (and
// none is NaN), and NaN if some x[i] is NaN.
func LogSumExp(x []float32) float64 {
	if len(x) == 0 {
		return math.Inf(-1)
	}
	m, nan := maxKernel(x)
	if nan {
		return math.NaN()
	}
	if math.IsInf(float64(m), 0) {
		return float64(m)
	}
	s := expSumKernel(nil, x, m)
	return float64(m) + math.Log(s)
}

// LogSumExp64 returns log(sum_i exp(x[i])) for float64 values, computed with
// math.Exp after subtracting the maximum.
// It returns -Inf for an empty slice.
func LogSumExp64(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	for _, v := range x {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}

// SoftmaxRows replaces each row of m by its softmax, in place:
// m[i, j] = exp(m[i, j] - max_i) / sum_k exp(m[i, k] - max_i), with the sum
// accumulated in float64. A row holding NaN or +Inf becomes NaN.
func SoftmaxRows(m *Dense) {
	for i := 0; i < m.Rows; i++ {
		r := m.Row(i)
		mx, _ := maxKernel(r)
		s := expSumKernel(r, r, mx)
		inv := float32(1 / s)
		for j := range r {
			r[j] *= inv
		}
	}
}

// Axpy sets y[i] += alpha * x[i]. On amd64 with AVX2 it is one fused
// multiply-add (a single rounding).
func Axpy(alpha float32, x, y []float32) {
	checkLen("Axpy", len(x), len(y))
	axpyKernel(alpha, x, y)
}

// Axpby sets y[i] = alpha*x[i] + beta*y[i], the momentum update
// v = mom*v + lr*g being Axpby(lr, g, mom, v). With beta = 0, a NaN or Inf
// already in y still propagates (0*NaN = NaN); use Scal or Zero first if y
// may hold them. On amd64 with AVX2 the final addition is fused.
func Axpby(alpha float32, x []float32, beta float32, y []float32) {
	checkLen("Axpby", len(x), len(y))
	axpbyKernel(alpha, x, beta, y)
}

// Scal sets x[i] *= alpha.
func Scal(alpha float32, x []float32) {
	for i := range x {
		x[i] *= alpha
	}
}

// SubTo sets dst[i] = a[i] - b[i]. dst may be a or b.
func SubTo(dst, a, b []float32) {
	checkLen("SubTo", len(a), len(dst))
	checkLen("SubTo", len(b), len(dst))
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] - b[i]
	}
}

// MulTo sets dst[i] = a[i] * b[i]. dst may be a or b.
func MulTo(dst, a, b []float32) {
	checkLen("MulTo", len(a), len(dst))
	checkLen("MulTo", len(b), len(dst))
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		dst[i] = a[i] * b[i]
	}
}

// Clamp sets x[i] = min(max(x[i], lo), hi). NaN stays NaN.
// It panics if lo > hi.
func Clamp(x []float32, lo, hi float32) {
	if lo > hi {
		panic(fmt.Sprintf("mat32: Clamp bounds %v > %v", lo, hi))
	}
	for i, v := range x {
		if v < lo {
			x[i] = lo
		} else if v > hi {
			x[i] = hi
		}
	}
}

// Dot returns sum_i x[i]*y[i] accumulated in float64.
func Dot(x, y []float32) float64 {
	checkLen("Dot", len(x), len(y))
	y = y[:len(x)]
	var s float64
	for i, v := range x {
		s += float64(v) * float64(y[i])
	}
	return s
}

// SqDist returns sum_i (x[i]-y[i])^2 accumulated in float64.
func SqDist(x, y []float32) float64 {
	checkLen("SqDist", len(x), len(y))
	y = y[:len(x)]
	var s float64
	for i, v := range x {
		d := float64(v) - float64(y[i])
		s += d * d
	}
	return s
}

// ColSums sets dst[j] = sum_i m[i, j] (the sum down each column) in float32;
// len(dst) must be m.Cols.
func ColSums(dst []float32, m *Dense) {
	checkLen("ColSums", len(dst), m.Cols)
	clear(dst)
	for i := 0; i < m.Rows; i++ {
		r := m.Row(i)
		d := dst[:len(r)]
		for j, v := range r {
			d[j] += v
		}
	}
}

// ColSums64 sets dst[j] = sum_i m[i, j] accumulated in float64;
// len(dst) must be m.Cols.
func ColSums64(dst []float64, m *Dense) {
	checkLen("ColSums64", len(dst), m.Cols)
	clear(dst)
	for i := 0; i < m.Rows; i++ {
		r := m.Row(i)
		d := dst[:len(r)]
		for j, v := range r {
			d[j] += float64(v)
		}
	}
}

// RowSums sets dst[i] = sum_j m[i, j] (the sum along each row), accumulated
// in float64; len(dst) must be m.Rows.
func RowSums(dst []float64, m *Dense) {
	checkLen("RowSums", len(dst), m.Rows)
	for i := range dst {
		var s float64
		for _, v := range m.Row(i) {
			s += float64(v)
		}
		dst[i] = s
	}
}

// AddRowVec adds v to every row of m: m[i, j] += v[j]; len(v) must be m.Cols.
func AddRowVec(m *Dense, v []float32) {
	checkLen("AddRowVec", len(v), m.Cols)
	for i := 0; i < m.Rows; i++ {
		r := m.Row(i)
		b := v[:len(r)]
		for j := range r {
			r[j] += b[j]
		}
	}
}

// SigmoidBias sets m[i, j] = sigmoid(m[i, j] + bias[j]) in place, the
// fused step after the GEMM that computes a layer's input. bias may be nil
// (all zeros); otherwise len(bias) must be m.Cols. Works on strided views and
// touches only the Rows x Cols window. Accuracy as for Sigmoid. It runs on
// the calling goroutine (at well under 1 ns per element); callers that want
// more cores split the rows.
func SigmoidBias(m *Dense, bias []float32) {
	SigmoidBiasTo(m, m, bias)
}

// SigmoidBiasTo sets dst[i, j] = sigmoid(src[i, j] + bias[j]). dst and src
// must have the same shape and may be the same matrix, but must not
// otherwise overlap. bias may be nil (all zeros); otherwise len(bias) must be
// src.Cols.
func SigmoidBiasTo(dst, src *Dense, bias []float32) {
	checkSameShape("SigmoidBiasTo", dst, src)
	if bias != nil {
		checkLen("SigmoidBias", len(bias), src.Cols)
	}
	if dst.Cols == 0 {
		return
	}
	if bias == nil {
		if dst.IsContiguous() && src.IsContiguous() {
			sigmoidKernel(dst.Flat(), src.Flat())
			return
		}
		for i := 0; i < dst.Rows; i++ {
			sigmoidKernel(dst.Row(i), src.Row(i))
		}
		return
	}
	for i := 0; i < dst.Rows; i++ {
		sigmoidBiasKernel(dst.Row(i), src.Row(i), bias)
	}
}
