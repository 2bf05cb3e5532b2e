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

// Sigmoid sets dst[i] = 1 / (1 + exp(-src[i])). dst and src may be the same slice.
func Sigmoid(dst, src []float32) {
	checkLen("Sigmoid", len(dst), len(src))
	for i, x := range src {
		dst[i] = float32(1 / (1 + math.Exp(-float64(x))))
	}
}

// Softplus sets dst[i] = log(1 + exp(src[i])), computed without overflow.
// dst and src may be the same slice.
func Softplus(dst, src []float32) {
	checkLen("Softplus", len(dst), len(src))
	for i, x := range src {
		dst[i] = float32(softplus64(float64(x)))
	}
}

func softplus64(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// SoftplusSum returns sum_i log(1 + exp(src[i])) accumulated in float64.
func SoftplusSum(src []float32) float64 {
	var s float64
	for _, x := range src {
		s += softplus64(float64(x))
	}
	return s
}

// LogSumExp returns log(sum_i exp(x[i])) accumulated in float64.
// It returns -Inf for an empty slice.
func LogSumExp(x []float32) float64 {
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

// LogSumExp64 returns log(sum_i exp(x[i])) for float64 values.
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

// SoftmaxRows replaces each row of m by its softmax, in place.
func SoftmaxRows(m *Dense) {
	for i := 0; i < m.Rows; i++ {
		r := m.Row(i)
		lse := LogSumExp(r)
		for j, v := range r {
			r[j] = float32(math.Exp(float64(v) - lse))
		}
	}
}

// Axpy sets y[i] += alpha * x[i].
func Axpy(alpha float32, x, y []float32) {
	checkLen("Axpy", len(x), len(y))
	for i, v := range x {
		y[i] += alpha * v
	}
}

// Scal sets x[i] *= alpha.
func Scal(alpha float32, x []float32) {
	for i := range x {
		x[i] *= alpha
	}
}

// Dot returns sum_i x[i]*y[i] accumulated in float64.
func Dot(x, y []float32) float64 {
	checkLen("Dot", len(x), len(y))
	var s float64
	for i, v := range x {
		s += float64(v) * float64(y[i])
	}
	return s
}

// SqDist returns sum_i (x[i]-y[i])^2 accumulated in float64.
func SqDist(x, y []float32) float64 {
	checkLen("SqDist", len(x), len(y))
	var s float64
	for i, v := range x {
		d := float64(v) - float64(y[i])
		s += d * d
	}
	return s
}

// ColSums sets dst[j] = sum_i m[i, j] (the sum down each column);
// len(dst) must be m.Cols.
func ColSums(dst []float32, m *Dense) {
	checkLen("ColSums", len(dst), m.Cols)
	clear(dst)
	for i := 0; i < m.Rows; i++ {
		for j, v := range m.Row(i) {
			dst[j] += v
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
		for j := range r {
			r[j] += v[j]
		}
	}
}

// SigmoidBias sets m[i, j] = sigmoid(m[i, j] + bias[j]) in place, the
// fused step after the GEMM that computes a layer's input.
func SigmoidBias(m *Dense, bias []float32) {
	checkLen("SigmoidBias", len(bias), m.Cols)
	for i := 0; i < m.Rows; i++ {
		r := m.Row(i)
		for j := range r {
			r[j] += bias[j]
		}
		Sigmoid(r, r)
	}
}
