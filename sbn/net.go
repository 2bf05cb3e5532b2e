package sbn

import (
	"fmt"
	"math"
	"slices"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// Layer is one layer of a Net: the biases of its units and the generative
// weights that come down to it from the layer above.
type Layer struct {
	// Bias holds the n_l biases. For the top layer they are the logits of
	// its factorial prior.
	Bias []float32
	// W is (n_{l+1}, n_l): row k holds the weights from unit k of the layer
	// above to the units of this layer, so that the logits of a mini-batch
	// are X_{l+1} W + Bias. It is nil for the top layer.
	W *mat32.Dense
}

// Net is a sigmoid belief net. Layers[0] is the visible layer,
// Layers[len-1] the top one; every unit of layer l < top is Bernoulli with
// probability sigmoid(Bias_l + x_{l+1} W_l), and the top units are
// independent Bernoulli(sigmoid(Bias_top)). All fields are exported so that
// a model can be saved and restored as it is.
type Net struct {
	Layers []Layer
}

// New returns a net with the given layer sizes, visible first, and zero
// weights and biases. It needs at least two layers.
func New(sizes ...int) *Net {
	if len(sizes) < 2 {
		panic(fmt.Sprintf("sbn: New needs at least 2 layer sizes, got %v", sizes))
	}
	n := &Net{Layers: make([]Layer, len(sizes))}
	for l, s := range sizes {
		if s <= 0 {
			panic(fmt.Sprintf("sbn: New(%v): sizes must be positive", sizes))
		}
		n.Layers[l].Bias = make([]float32, s)
		if l+1 < len(sizes) {
			n.Layers[l].W = mat32.NewDense(sizes[l+1], s, nil)
		}
	}
	return n
}

// Sizes returns the number of units of each layer, visible first.
func (n *Net) Sizes() []int {
	s := make([]int, len(n.Layers))
	for l := range n.Layers {
		s[l] = len(n.Layers[l].Bias)
	}
	return s
}

// Depth returns the number of layers, visible included.
func (n *Net) Depth() int { return len(n.Layers) }

// size returns n_l.
func (n *Net) size(l int) int { return len(n.Layers[l].Bias) }

// Clone returns a deep copy of n.
func (n *Net) Clone() *Net {
	c := &Net{Layers: make([]Layer, len(n.Layers))}
	for l, L := range n.Layers {
		c.Layers[l].Bias = slices.Clone(L.Bias)
		if L.W != nil {
			c.Layers[l].W = L.W.Clone()
		}
	}
	return c
}

// check panics if the net's fields are inconsistent.
func (n *Net) check() {
	if len(n.Layers) < 2 {
		panic(fmt.Sprintf("sbn: a Net needs at least 2 layers, has %d", len(n.Layers)))
	}
	top := len(n.Layers) - 1
	for l, L := range n.Layers {
		if len(L.Bias) == 0 {
			panic(fmt.Sprintf("sbn: layer %d has no units", l))
		}
		if l == top {
			if L.W != nil {
				panic("sbn: the top layer must have nil W")
			}
			continue
		}
		up := len(n.Layers[l+1].Bias)
		if L.W == nil || L.W.Rows != up || L.W.Cols != len(L.Bias) {
			r, c := -1, -1
			if L.W != nil {
				r, c = L.W.Rows, L.W.Cols
			}
			panic(fmt.Sprintf("sbn: layer %d W is %dx%d, want %dx%d", l, r, c, up, len(L.Bias)))
		}
	}
}

// Init initialises n for training on data (N, n_0): weights from
// N(0, 0.01^2), hidden biases 0 and visible biases log(p/(1-p)) of the data
// means p, clamped to [0.001, 0.999].
func (n *Net) Init(data *mat32.Dense, r *rng.Stream) {
	n.check()
	if data.Cols != n.size(0) {
		panic(fmt.Sprintf("sbn: Init data has %d columns, net has %d visible units", data.Cols, n.size(0)))
	}
	for l := range n.Layers {
		clear(n.Layers[l].Bias)
		if w := n.Layers[l].W; w != nil {
			for i := 0; i < w.Rows; i++ {
				r.Normal(w.Row(i), 0, 0.01)
			}
		}
	}
	mean := make([]float64, data.Cols)
	for i := 0; i < data.Rows; i++ {
		for j, v := range data.Row(i) {
			mean[j] += float64(v)
		}
	}
	for j, s := range mean {
		p := 0.5
		if data.Rows > 0 {
			p = math.Min(math.Max(s/float64(data.Rows), 0.001), 0.999)
		}
		n.Layers[0].Bias[j] = float32(math.Log(p / (1 - p)))
	}
}

func checkStates(op string, states []*mat32.Dense, sizes []int) int {
	if len(states) != len(sizes) {
		panic(fmt.Sprintf("sbn: %s needs %d layer states, got %d", op, len(sizes), len(states)))
	}
	b := states[0].Rows
	for l, s := range states {
		if s.Rows != b || s.Cols != sizes[l] {
			panic(fmt.Sprintf("sbn: %s layer %d state is %dx%d, want %dx%d", op, l, s.Rows, s.Cols, b, sizes[l]))
		}
	}
	return b
}

// logits sets dst (B, n_l) to the logits of layer l given the states x
// (B, n_{l+1}) of the layer above: x W_l + Bias_l; for the top layer
// (x is ignored and may be nil) every row is Bias_top.
func (n *Net) logits(dst *mat32.Dense, l int, x *mat32.Dense) {
	L := &n.Layers[l]
	if L.W == nil {
		for i := 0; i < dst.Rows; i++ {
			copy(dst.Row(i), L.Bias)
		}
		return
	}
	mat32.Gemm(false, false, 1, x, L.W, 0, dst)
	mat32.AddRowVec(dst, L.Bias)
}

// SampleLayers draws B joint samples by ancestral sampling, top layer
// first: states[l] is (B, n_l) for every layer, visible first.
func (n *Net) SampleLayers(states []*mat32.Dense, r *rng.Stream) {
	n.check()
	checkStates("SampleLayers", states, n.Sizes())
	for l := len(n.Layers) - 1; l >= 0; l-- {
		var up *mat32.Dense
		if l+1 < len(n.Layers) {
			up = states[l+1]
		}
		n.logits(states[l], l, up)
		mat32.SigmoidBias(states[l], nil)
		r.BernoulliDense(states[l], states[l])
	}
}

// Sample sets v (B, n_0) to B samples of the visible layer, drawn by
// ancestral sampling. It allocates the hidden states.
func (n *Net) Sample(v *mat32.Dense, r *rng.Stream) {
	states := n.newStates(v.Rows)
	states[0] = v
	n.SampleLayers(states, r)
}

// newStates allocates (B, n_l) matrices for every layer.
func (n *Net) newStates(b int) []*mat32.Dense {
	s := make([]*mat32.Dense, len(n.Layers))
	for l := range s {
		s[l] = mat32.NewDense(b, n.size(l), nil)
	}
	return s
}

// bernLogProb returns sum_i x_i z_i - softplus(z_i) = log prod_i
// Bernoulli(x_i; sigmoid(z_i)) in float64 (x in [0, 1] gives minus the
// cross-entropy).
func bernLogProb(x, z []float32) float64 {
	return mat32.Dot(x, z) - mat32.SoftplusSum(z)
}

// LogJoint sets dst[b] to log p(x_0, ..., x_top) for the joint states
// states[l] (B, n_l), in float64:
//
//	log p = sum_l sum_i x_li z_li - softplus(z_li),  z_l = x_{l+1} W_l + Bias_l
func (n *Net) LogJoint(dst []float64, states []*mat32.Dense) {
	n.check()
	b := checkStates("LogJoint", states, n.Sizes())
	if len(dst) != b {
		panic(fmt.Sprintf("sbn: LogJoint len(dst)=%d, want %d", len(dst), b))
	}
	clear(dst)
	for l := range n.Layers {
		z := mat32.NewDense(b, n.size(l), nil)
		var up *mat32.Dense
		if l+1 < len(n.Layers) {
			up = states[l+1]
		}
		n.logits(z, l, up)
		for i := range dst {
			dst[i] += bernLogProb(states[l].Row(i), z.Row(i))
		}
	}
}

// Recognition is a recognition (inference) network for a Net: a
// bottom-up sigmoid net q(x_{l+1} | x_l) = prod_j Bernoulli(sigmoid(Bias_l
// + x_l W_l)_j) for l = 0 .. top-1, so that q(h | v) = prod_l q(x_{l+1} |
// x_l) with x_0 = v. All fields are exported.
type Recognition struct {
	// W[l] is (n_l, n_{l+1}): the weights from layer l up to layer l+1.
	W []*mat32.Dense
	// Bias[l] holds the n_{l+1} biases of layer l+1.
	Bias [][]float32
}

// NewRecognition returns a recognition net shaped for n, with zero
// weights and biases (every q is 1/2).
func NewRecognition(n *Net) *Recognition {
	n.check()
	q := &Recognition{}
	for l := 0; l+1 < len(n.Layers); l++ {
		q.W = append(q.W, mat32.NewDense(n.size(l), n.size(l+1), nil))
		q.Bias = append(q.Bias, make([]float32, n.size(l+1)))
	}
	return q
}

// Init sets the weights of q from N(0, 0.01^2) and its biases to 0.
func (q *Recognition) Init(r *rng.Stream) {
	for l, w := range q.W {
		for i := 0; i < w.Rows; i++ {
			r.Normal(w.Row(i), 0, 0.01)
		}
		clear(q.Bias[l])
	}
}

// Clone returns a deep copy of q.
func (q *Recognition) Clone() *Recognition {
	c := &Recognition{}
	for l, w := range q.W {
		c.W = append(c.W, w.Clone())
		c.Bias = append(c.Bias, slices.Clone(q.Bias[l]))
	}
	return c
}

// checkFor panics unless q fits the net n.
func (q *Recognition) checkFor(n *Net) {
	if len(q.W) != len(n.Layers)-1 || len(q.Bias) != len(q.W) {
		panic(fmt.Sprintf("sbn: recognition net has %d weight matrices and %d bias vectors, net needs %d", len(q.W), len(q.Bias), len(n.Layers)-1))
	}
	for l, w := range q.W {
		if w == nil || w.Rows != n.size(l) || w.Cols != n.size(l+1) || len(q.Bias[l]) != n.size(l+1) {
			panic(fmt.Sprintf("sbn: recognition layer %d does not fit a %d -> %d net layer", l, n.size(l), n.size(l+1)))
		}
	}
}

// SampleUp sets states[1:] to a sample from q(h | v), v = states[0] (B,
// n_0), and dst[b] (if dst is not nil) to log q(h | v) in float64.
// n gives the shapes; it allocates one scratch matrix per layer.
func (q *Recognition) SampleUp(n *Net, dst []float64, states []*mat32.Dense, r *rng.Stream) {
	n.check()
	q.checkFor(n)
	b := checkStates("SampleUp", states, n.Sizes())
	if dst != nil {
		if len(dst) != b {
			panic(fmt.Sprintf("sbn: SampleUp len(dst)=%d, want %d", len(dst), b))
		}
		clear(dst)
	}
	for l := 0; l+1 < len(states); l++ {
		z := mat32.NewDense(b, n.size(l+1), nil)
		mat32.Gemm(false, false, 1, states[l], q.W[l], 0, z)
		mat32.AddRowVec(z, q.Bias[l])
		x := states[l+1]
		mat32.SigmoidBiasTo(x, z, nil)
		r.BernoulliDense(x, x)
		for i := range dst {
			dst[i] += bernLogProb(x.Row(i), z.Row(i))
		}
	}
}
