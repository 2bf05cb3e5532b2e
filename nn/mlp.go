package nn

import (
	"fmt"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// evalRows is the number of rows Predict, ErrorRate and Loss push through
// the network at a time, bounding their buffers.
const evalRows = 500

// MLP is a stack of Dense layers, the output of each the input of the
// next, with the buffers that a forward and backward pass need. The output
// layer of a classifier has Softmax activation. An MLP is not safe for
// concurrent use.
type MLP struct {
	Layers []*Dense

	rows  int            // capacity of the buffers, in rows
	outs  []*mat32.Dense // (rows, out_l): output of layer l
	grads []*mat32.Dense // (rows, out_l): gradient w.r.t. output of layer l
	outV  []mat32.Dense  // views of the rows in use
	gradV []mat32.Dense
	pred  []int // evalRows

	// Dropout (see forwardMasked): drops[l] (dropRows, out_l) is the
	// output of hidden layer l times its mask, the input of layer l+1.
	dropRows int
	drops    []*mat32.Dense
	dropV    []mat32.Dense
}

// resolveActs returns the activation of each of n layers from acts: none
// means Sigmoid hidden layers and a Softmax output, one entry is the
// activation of every hidden layer (with a Softmax output), n entries give
// each layer's.
func resolveActs(n int, acts []Activation) []Activation {
	r := make([]Activation, n)
	switch len(acts) {
	case 0, 1:
		for i := range r {
			if len(acts) == 1 {
				r[i] = acts[0]
			}
		}
		r[n-1] = Softmax
	case n:
		copy(r, acts)
	default:
		panic(fmt.Sprintf("nn: %d activations for %d layers (want 0, 1 or %d)", len(acts), n, n))
	}
	for i, a := range r {
		if a < Sigmoid || a > Softmax {
			panic(fmt.Sprintf("nn: unknown %v for layer %d", a, i))
		}
	}
	return r
}

// NewMLP returns a network with layers of the given widths (sizes[0] is the
// input width, sizes[len-1] the output width) with zero parameters; call
// Init for random weights. acts may be empty (Sigmoid hidden layers and a
// Softmax output), hold one activation for every hidden layer (the output
// is Softmax), or one per layer.
func NewMLP(sizes []int, acts ...Activation) *MLP {
	if len(sizes) < 2 {
		panic(fmt.Sprintf("nn: NewMLP needs at least 2 sizes, got %v", sizes))
	}
	for _, s := range sizes {
		if s <= 0 {
			panic(fmt.Sprintf("nn: NewMLP sizes must be positive, got %v", sizes))
		}
	}
	a := resolveActs(len(sizes)-1, acts)
	n := &MLP{}
	for l := range a {
		n.Layers = append(n.Layers, NewDense(sizes[l], sizes[l+1], a[l]))
	}
	n.init()
	return n
}

// FromLayers returns a network whose layer l has weights Ws[l] (in_l,
// out_l) and biases bs[l] (out_l), used as they are, not copied: training
// changes them in place (Clone them first to keep the originals). This is
// how a stack of pre-trained RBMs becomes a classifier: Ws[l] and bs[l]
// are the W and HBias of RBM l, followed by a Softmax layer for the labels.
// acts is as for NewMLP.
func FromLayers(Ws []*mat32.Dense, bs [][]float32, acts ...Activation) *MLP {
	if len(Ws) == 0 || len(Ws) != len(bs) {
		panic(fmt.Sprintf("nn: FromLayers with %d weight matrices and %d bias vectors", len(Ws), len(bs)))
	}
	a := resolveActs(len(Ws), acts)
	n := &MLP{}
	for l, w := range Ws {
		if l > 0 && w.Rows != Ws[l-1].Cols {
			panic(fmt.Sprintf("nn: FromLayers: layer %d is %dx%d after %dx%d", l, w.Rows, w.Cols, Ws[l-1].Rows, Ws[l-1].Cols))
		}
		n.Layers = append(n.Layers, DenseFrom(w, bs[l], a[l]))
	}
	n.init()
	return n
}

func (n *MLP) init() {
	k := len(n.Layers)
	n.outs = make([]*mat32.Dense, k)
	n.grads = make([]*mat32.Dense, k)
	n.outV = make([]mat32.Dense, k)
	n.gradV = make([]mat32.Dense, k)
	n.pred = make([]int, evalRows)
	n.drops = make([]*mat32.Dense, k)
	n.dropV = make([]mat32.Dense, k)
}

// In returns the input width, Out the output width.
func (n *MLP) In() int { in, _ := n.Layers[0].Dims(); return in }

// Out returns the output width (the number of classes of a classifier).
func (n *MLP) Out() int { _, out := n.Layers[len(n.Layers)-1].Dims(); return out }

// Init draws every layer's weights as Dense.Init does and zeroes the biases.
func (n *MLP) Init(r *rng.Stream) {
	for _, l := range n.Layers {
		l.Init(r)
	}
}

// ZeroGrad sets every layer's gradient accumulators to zero.
func (n *MLP) ZeroGrad() {
	for _, l := range n.Layers {
		l.ZeroGrad()
	}
}

// reserve makes the buffers hold at least rows rows and sets the views to
// the first rows rows. It allocates only when rows exceeds every earlier
// batch.
func (n *MLP) reserve(rows int) {
	if rows > n.rows {
		for l, ly := range n.Layers {
			_, out := ly.Dims()
			n.outs[l] = mat32.NewDense(rows, out, nil)
			n.grads[l] = mat32.NewDense(rows, out, nil)
		}
		n.rows = rows
	}
	for l, ly := range n.Layers {
		_, out := ly.Dims()
		n.outs[l].SliceInto(&n.outV[l], 0, rows, 0, out)
		n.grads[l].SliceInto(&n.gradV[l], 0, rows, 0, out)
	}
}

// Forward runs x (B, in) through the network and returns the output
// (B, out), a view of the network's buffers that the next call overwrites.
func (n *MLP) Forward(x *mat32.Dense) *mat32.Dense { return n.forwardMasked(x, nil) }

// forwardMasked is Forward with dropout: if masks is not nil, the output
// of each hidden layer l (every layer but the last) with masks[l].Rows > 0
// is multiplied element-wise by masks[l] (B, out_l) before it enters layer
// l+1. outV[l] keeps the unmasked output (which Backward needs for the
// derivative of the activation) and dropV[l] the masked one. A mask of
// zeros and 1/(1-p) is inverted dropout.
func (n *MLP) forwardMasked(x *mat32.Dense, masks []mat32.Dense) *mat32.Dense {
	if x.Cols != n.In() {
		panic(fmt.Sprintf("nn: MLP input is %dx%d, network takes %d columns", x.Rows, x.Cols, n.In()))
	}
	k := len(n.Layers)
	if masks != nil && len(masks) < k-1 {
		panic(fmt.Sprintf("nn: %d dropout masks for %d hidden layers", len(masks), k-1))
	}
	n.reserve(x.Rows)
	if masks != nil {
		n.reserveDrop(x.Rows)
	}
	in := x
	for l, ly := range n.Layers {
		ly.Forward(&n.outV[l], in)
		in = &n.outV[l]
		if masks != nil && l < k-1 && masks[l].Rows > 0 {
			m, d := &masks[l], &n.dropV[l]
			if m.Rows != in.Rows || m.Cols != in.Cols {
				panic(fmt.Sprintf("nn: dropout mask %d is %dx%d, layer output %dx%d", l, m.Rows, m.Cols, in.Rows, in.Cols))
			}
			for i := 0; i < in.Rows; i++ {
				mat32.MulTo(d.Row(i), in.Row(i), m.Row(i))
			}
			in = d
		}
	}
	return in
}

// reserveDrop makes the masked-output buffers hold at least rows rows and
// sets their views to the first rows rows.
func (n *MLP) reserveDrop(rows int) {
	k := len(n.Layers)
	if rows > n.dropRows {
		for l := 0; l < k-1; l++ {
			_, out := n.Layers[l].Dims()
			n.drops[l] = mat32.NewDense(rows, out, nil)
		}
		n.dropRows = rows
	}
	for l := 0; l < k-1; l++ {
		_, out := n.Layers[l].Dims()
		n.drops[l].SliceInto(&n.dropV[l], 0, rows, 0, out)
	}
}

// BackwardFrom propagates dz (B, out), the gradient of a loss with
// respect to the pre-activation z of the output layer (what
// SoftmaxCrossEntropy and SigmoidCrossEntropy write; for an Identity
// output the gradient with respect to the output itself), back through the
// network, adding the gradients to every layer's DW and DB. The last
// Forward must have been on x. dz is not modified.
func (n *MLP) BackwardFrom(x, dz *mat32.Dense) { n.backwardFromMasked(x, dz, nil) }

// backwardFromMasked is BackwardFrom after forwardMasked(x, masks) with
// the same masks: the gradient with respect to the output of hidden layer
// l is the gradient with respect to its masked output times masks[l].
func (n *MLP) backwardFromMasked(x, dz *mat32.Dense, masks []mat32.Dense) {
	k := len(n.Layers)
	if x.Rows != n.outV[k-1].Rows || x.Cols != n.In() {
		panic(fmt.Sprintf("nn: MLP BackwardFrom on %dx%d rows after Forward on %d", x.Rows, x.Cols, n.outV[k-1].Rows))
	}
	for l := k - 1; l >= 0; l-- {
		in := x
		var dx *mat32.Dense
		if l > 0 {
			in = &n.outV[l-1]
			if masks != nil && masks[l-1].Rows > 0 {
				in = &n.dropV[l-1]
			}
			dx = &n.gradV[l-1]
		}
		if l == k-1 {
			n.Layers[l].BackwardZ(dx, dz, in)
			continue
		}
		g := &n.gradV[l]
		if masks != nil && masks[l].Rows > 0 {
			m := &masks[l]
			for i := 0; i < g.Rows; i++ {
				mat32.MulTo(g.Row(i), g.Row(i), m.Row(i))
			}
		}
		n.Layers[l].Backward(dx, g, in, &n.outV[l])
	}
}

// Backward runs x (B, in) forward, adds the gradient of the mean
// cross-entropy loss of labels (B) to every layer's DW and DB and returns
// that loss (see SoftmaxCrossEntropy). The output layer must be Softmax.
// Afterwards Output holds the network's output for x.
func (n *MLP) Backward(x *mat32.Dense, labels []int) float64 {
	return n.backwardMasked(x, labels, nil)
}

// backwardMasked is Backward with the dropout masks of forwardMasked.
func (n *MLP) backwardMasked(x *mat32.Dense, labels []int, masks []mat32.Dense) float64 {
	n.checkSoftmax()
	p := n.forwardMasked(x, masks)
	k := len(n.Layers)
	loss := SoftmaxCrossEntropy(&n.gradV[k-1], p, labels)
	n.backwardFromMasked(x, &n.gradV[k-1], masks)
	return loss
}

// Output returns the output of the last Forward or Backward (a view of the
// network's buffers).
func (n *MLP) Output() *mat32.Dense { return &n.outV[len(n.Layers)-1] }

func (n *MLP) checkSoftmax() {
	if a := n.Layers[len(n.Layers)-1].Act; a != Softmax {
		panic(fmt.Sprintf("nn: cross-entropy needs a softmax output layer, not %v", a))
	}
}

// Loss returns the mean cross-entropy -(1/N) sum_i log p(labels[i] | x_i)
// over the rows of x (N, in), in float64. The output layer must be Softmax.
func (n *MLP) Loss(x *mat32.Dense, labels []int) float64 {
	n.checkSoftmax()
	if len(labels) != x.Rows {
		panic(fmt.Sprintf("nn: Loss of %d rows with %d labels", x.Rows, len(labels)))
	}
	if x.Rows == 0 {
		return 0
	}
	var s float64
	var v mat32.Dense
	for i0 := 0; i0 < x.Rows; i0 += evalRows {
		i1 := min(i0+evalRows, x.Rows)
		x.SliceInto(&v, i0, i1, 0, x.Cols)
		s += crossEntropySum(n.Forward(&v), labels[i0:i1])
	}
	return s / float64(x.Rows)
}

// Predict sets dst[i] to the index of the largest output for row i of x
// (N, in): the most probable class. len(dst) must be x.Rows.
func (n *MLP) Predict(dst []int, x *mat32.Dense) {
	if len(dst) != x.Rows {
		panic(fmt.Sprintf("nn: Predict of %d rows into %d", x.Rows, len(dst)))
	}
	var v mat32.Dense
	for i0 := 0; i0 < x.Rows; i0 += evalRows {
		i1 := min(i0+evalRows, x.Rows)
		x.SliceInto(&v, i0, i1, 0, x.Cols)
		Argmax(dst[i0:i1], n.Forward(&v))
	}
}

// ErrorRate returns the fraction of rows of x (N, in) whose predicted class
// differs from labels (N); 0 for no rows.
func (n *MLP) ErrorRate(x *mat32.Dense, labels []int) float64 {
	if len(labels) != x.Rows {
		panic(fmt.Sprintf("nn: ErrorRate of %d rows with %d labels", x.Rows, len(labels)))
	}
	if x.Rows == 0 {
		return 0
	}
	wrong := 0
	var v mat32.Dense
	for i0 := 0; i0 < x.Rows; i0 += evalRows {
		i1 := min(i0+evalRows, x.Rows)
		x.SliceInto(&v, i0, i1, 0, x.Cols)
		p := n.pred[:i1-i0]
		Argmax(p, n.Forward(&v))
		for i, c := range p {
			if c != labels[i0+i] {
				wrong++
			}
		}
	}
	return float64(wrong) / float64(x.Rows)
}
