package nn

import (
	"fmt"
	"math"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// Activation is the element-wise function a layer applies to its
// pre-activation z = x W + b.
type Activation int

const (
	// Sigmoid is y = 1 / (1 + exp(-z)), the units of an RBM's hidden layer.
	Sigmoid Activation = iota
	// ReLU is y = max(0, z).
	ReLU
	// Identity is y = z.
	Identity
	// Softmax is y_j = exp(z_j) / sum_k exp(z_k) over each row, the output
	// of a classifier. It is only differentiated together with the
	// cross-entropy loss (see SoftmaxCrossEntropy): Backward takes the
	// gradient with respect to z, y - t, rather than y.
	Softmax
)

func (a Activation) String() string {
	switch a {
	case Sigmoid:
		return "sigmoid"
	case ReLU:
		return "relu"
	case Identity:
		return "identity"
	case Softmax:
		return "softmax"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// Dense is a fully connected layer y = act(x W + b) with gradient
// accumulators. W has the orientation of an RBM's weights (nv, nh), so
// the W and HBias of a trained RBM are a Dense layer's W and B as they are.
type Dense struct {
	W   *mat32.Dense // (in, out)
	B   []float32    // out
	Act Activation

	// DW (in, out) and DB (out) accumulate the gradients that Backward
	// computes; ZeroGrad clears them.
	DW *mat32.Dense
	DB []float32
}

// NewDense returns an in -> out layer with zero weights and biases (call
// Init for random weights) and zero gradients.
func NewDense(in, out int, act Activation) *Dense {
	return &Dense{
		W: mat32.NewDense(in, out, nil), B: make([]float32, out), Act: act,
		DW: mat32.NewDense(in, out, nil), DB: make([]float32, out),
	}
}

// DenseFrom returns a layer that uses w (in, out) and b (out) as its
// parameters, without copying them (training changes them in place), with
// new zero gradient accumulators.
func DenseFrom(w *mat32.Dense, b []float32, act Activation) *Dense {
	if len(b) != w.Cols {
		panic(fmt.Sprintf("nn: bias length %d does not match W %dx%d", len(b), w.Rows, w.Cols))
	}
	return &Dense{W: w, B: b, Act: act, DW: mat32.NewDense(w.Rows, w.Cols, nil), DB: make([]float32, w.Cols)}
}

// Dims returns the layer's input and output widths.
func (l *Dense) Dims() (in, out int) { return l.W.Rows, l.W.Cols }

// Init draws W from a normal distribution with mean 0 and standard deviation
// sqrt(2/(in+out)) (Glorot and Bengio 2010), or sqrt(2/in) for ReLU (He et
// al. 2015), and sets B to zero.
func (l *Dense) Init(r *rng.Stream) {
	in, out := l.Dims()
	std := math.Sqrt(2 / float64(in+out))
	if l.Act == ReLU {
		std = math.Sqrt(2 / float64(in))
	}
	for i := 0; i < in; i++ {
		r.Normal(l.W.Row(i), 0, float32(std))
	}
	clear(l.B)
}

// ZeroGrad sets DW and DB to zero.
func (l *Dense) ZeroGrad() {
	l.DW.Zero()
	clear(l.DB)
}

// Forward sets y = act(x W + b).
//
//	x is (B, in), W is (in, out), b is (out); y is (B, out)
//
// y must not overlap x.
func (l *Dense) Forward(y, x *mat32.Dense) {
	in, out := l.Dims()
	if x.Cols != in || y.Cols != out || y.Rows != x.Rows {
		panic(fmt.Sprintf("nn: Dense %dx%d Forward: x is %dx%d, y is %dx%d", in, out, x.Rows, x.Cols, y.Rows, y.Cols))
	}
	mat32.Gemm(false, false, 1, x, l.W, 0, y)
	switch l.Act {
	case Sigmoid:
		mat32.SigmoidBias(y, l.B)
	case ReLU:
		for i := 0; i < y.Rows; i++ {
			r := y.Row(i)
			b := l.B[:len(r)]
			for j, z := range r {
				r[j] = max(z+b[j], 0)
			}
		}
	case Identity:
		mat32.AddRowVec(y, l.B)
	case Softmax:
		mat32.AddRowVec(y, l.B)
		mat32.SoftmaxRows(y)
	default:
		panic(fmt.Sprintf("nn: unknown %v", l.Act))
	}
}

// Backward takes the gradient dy of a loss with respect to the output y of
// Forward(y, x), overwrites it with the gradient dz with respect to the
// pre-activation z = x W + b, and then does BackwardZ(dx, dz, x).
//
//	x is (B, in), y is (B, out), dy is (B, out), W is (in, out); dx is (B, in)
//	Sigmoid:  dz = dy * y * (1 - y)
//	ReLU:     dz = dy * [y > 0]
//	Identity: dz = dy
//	Softmax:  dz = dy: dy must already be the gradient with respect to z,
//	          such as the (y - t)/B that SoftmaxCrossEntropy writes.
//
// dx may be nil; it must not overlap dy.
func (l *Dense) Backward(dx, dy, x, y *mat32.Dense) {
	_, out := l.Dims()
	if y.Cols != out || dy.Rows != y.Rows || dy.Cols != out {
		panic(fmt.Sprintf("nn: Dense %dx%d Backward: y is %dx%d, dy is %dx%d", l.W.Rows, out, y.Rows, y.Cols, dy.Rows, dy.Cols))
	}
	switch l.Act {
	case Sigmoid:
		for i := 0; i < dy.Rows; i++ {
			g, yr := dy.Row(i), y.Row(i)
			yr = yr[:len(g)]
			for j, v := range yr {
				g[j] *= v * (1 - v)
			}
		}
	case ReLU:
		for i := 0; i < dy.Rows; i++ {
			g, yr := dy.Row(i), y.Row(i)
			yr = yr[:len(g)]
			for j, v := range yr {
				if v <= 0 {
					g[j] = 0
				}
			}
		}
	case Identity, Softmax:
	default:
		panic(fmt.Sprintf("nn: unknown %v", l.Act))
	}
	l.BackwardZ(dx, dy, x)
}

// BackwardZ takes the gradient dz of a loss with respect to the
// pre-activation z = x W + b, adds the gradients x^T dz and sum_rows dz to
// DW and DB, and sets dx = dz W^T, the gradient with respect to x, unless
// dx is nil.
//
//	x is (B, in), dz is (B, out), W is (in, out); dx is (B, in)
//
// dx must not overlap dz.
func (l *Dense) BackwardZ(dx, dz, x *mat32.Dense) {
	in, out := l.Dims()
	if x.Cols != in || dz.Cols != out || dz.Rows != x.Rows || dx != nil && (dx.Rows != x.Rows || dx.Cols != in) {
		dr, dc := 0, 0
		if dx != nil {
			dr, dc = dx.Rows, dx.Cols
		}
		panic(fmt.Sprintf("nn: Dense %dx%d BackwardZ: x is %dx%d, dz is %dx%d, dx is %dx%d",
			in, out, x.Rows, x.Cols, dz.Rows, dz.Cols, dr, dc))
	}
	db := l.DB[:out]
	for i := 0; i < dz.Rows; i++ {
		for j, v := range dz.Row(i) {
			db[j] += v
		}
	}
	mat32.Gemm(true, false, 1, x, dz, 1, l.DW)
	if dx != nil {
		mat32.Gemm(false, true, 1, dz, l.W, 0, dx)
	}
}
