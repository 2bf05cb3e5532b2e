package dbn

import (
	"fmt"
	"math"
	"slices"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// DBN is a deep belief net: a stack of RBMs, bottom first. Layers[l] has
// the units of layer l as its visible units and those of layer l+1 as its
// hidden units; the last RBM, Layers[len(Layers)-1], is the top-level
// associative memory (undirected), and the layers below it are directed.
//
// If Labels > 0, the top RBM's visible layer is [penultimate layer |
// Labels one-hot label units]: its last Labels visible units form the
// softmax group {Start: nv-Labels, Size: Labels}.
//
// Recognition (up) weights are the RBMs' W and HBias. Generative (down)
// weights are the RBMs' W^T and VBias until Gen is set (by UpDown): Gen[l]
// then holds untied generative weights from layer l+1 down to layer l, and
// the VBias of the RBMs below the top are no longer used.
//
// All fields are exported so that a model can be saved as it is.
type DBN struct {
	Layers []*rbm.RBM
	Labels int
	Gen    []*GenLayer // nil, or len(Layers)-1 generative layers
}

// GenLayer holds the generative weights from layer l+1 down to layer l:
// the means of layer l given the state h of layer l+1 are act(Bias + h W^T)
// with the units (Bernoulli, or Gaussian with the Sigma) of Layers[l]'s
// visible layer.
type GenLayer struct {
	W    *mat32.Dense // (n_l, n_{l+1}), the orientation of the RBM's W
	Bias []float32    // n_l
}

// New returns a DBN with layer sizes sizes (sizes[0] visible units of the
// given kind, then the hidden layers, the last one the top RBM's hidden
// layer) and labels label units beside sizes[len-2] in the top RBM's
// visible layer. The parameters are zero: Greedy initialises and trains
// each layer.
func New(sizes []int, labels int, visible rbm.Units) *DBN {
	if len(sizes) < 2 {
		panic(fmt.Sprintf("dbn: New needs at least 2 layer sizes, got %v", sizes))
	}
	if labels < 0 || labels == 1 {
		panic(fmt.Sprintf("dbn: New with %d labels (want 0 or at least 2)", labels))
	}
	if labels > 0 && visible == rbm.Gaussian && len(sizes) == 2 {
		panic("dbn: label units beside Gaussian visible units are not supported")
	}
	d := &DBN{Labels: labels}
	for l := 0; l+1 < len(sizes); l++ {
		nv := sizes[l]
		u := rbm.Bernoulli
		if l == 0 {
			u = visible
		}
		top := l+2 == len(sizes)
		if top {
			nv += labels
		}
		m := rbm.New(nv, sizes[l+1], u)
		if top && labels > 0 {
			m.Softmax = []rbm.Group{{Start: sizes[l], Size: labels}}
		}
		d.Layers = append(d.Layers, m)
	}
	return d
}

// Clone returns a deep copy of d.
func (d *DBN) Clone() *DBN {
	c := &DBN{Labels: d.Labels}
	for _, m := range d.Layers {
		c.Layers = append(c.Layers, m.Clone())
	}
	if d.Gen != nil {
		c.Gen = make([]*GenLayer, len(d.Gen))
		for l, g := range d.Gen {
			c.Gen[l] = &GenLayer{W: g.W.Clone(), Bias: slices.Clone(g.Bias)}
		}
	}
	return c
}

// Top returns the top RBM.
func (d *DBN) Top() *rbm.RBM { return d.Layers[len(d.Layers)-1] }

// Visible returns the number of visible units.
func (d *DBN) Visible() int { return d.Layers[0].W.Rows }

// Pen returns the size of the penultimate layer: the top RBM's visible
// units other than the labels (Visible() for a single RBM).
func (d *DBN) Pen() int { return d.Top().W.Rows - d.Labels }

// check panics if the layers do not fit together.
func (d *DBN) check() {
	if len(d.Layers) == 0 {
		panic("dbn: no layers")
	}
	for l, m := range d.Layers {
		if m == nil || m.W == nil || len(m.VBias) != m.W.Rows || len(m.HBias) != m.W.Cols {
			panic(fmt.Sprintf("dbn: layer %d is not a valid RBM", l))
		}
		if l > 0 && m.Visible != rbm.Bernoulli {
			panic(fmt.Sprintf("dbn: layer %d has %v visible units; only layer 0 may be non-Bernoulli", l, m.Visible))
		}
		top := l == len(d.Layers)-1
		nv := m.W.Rows
		if top {
			nv -= d.Labels
		}
		if l > 0 && nv != d.Layers[l-1].W.Cols {
			panic(fmt.Sprintf("dbn: layer %d has %d input units, layer %d has %d hidden units", l, nv, l-1, d.Layers[l-1].W.Cols))
		}
		if !top && len(m.Softmax) > 0 {
			panic(fmt.Sprintf("dbn: layer %d has softmax groups; only the top's labels may", l))
		}
	}
	if d.Labels > 0 {
		t := d.Top()
		g := rbm.Group{Start: t.W.Rows - d.Labels, Size: d.Labels}
		if len(t.Softmax) != 1 || t.Softmax[0] != g || t.Visible != rbm.Bernoulli {
			panic(fmt.Sprintf("dbn: top RBM must have the Bernoulli softmax group %v for %d labels, has %v", g, d.Labels, t.Softmax))
		}
	}
	if d.Gen != nil {
		if len(d.Gen) != len(d.Layers)-1 {
			panic(fmt.Sprintf("dbn: %d generative layers for %d RBMs", len(d.Gen), len(d.Layers)))
		}
		for l, g := range d.Gen {
			m := d.Layers[l]
			if g == nil || g.W == nil || g.W.Rows != m.W.Rows || g.W.Cols != m.W.Cols || len(g.Bias) != m.W.Rows {
				panic(fmt.Sprintf("dbn: generative layer %d does not match RBM %d (%dx%d)", l, l, m.W.Rows, m.W.Cols))
			}
		}
	}
}

// genParams returns the generative weights and biases from layer l+1 down
// to layer l.
func (d *DBN) genParams(l int) (*mat32.Dense, []float32) {
	if d.Gen != nil {
		return d.Gen[l].W, d.Gen[l].Bias
	}
	m := d.Layers[l]
	return m.W, m.VBias
}

// recogUp sets dst (B, n_{l+1}) = sigmoid(HBias + x W) for x (B, n_l), the
// recognition probabilities of layer l+1 given layer l (x ⊘ Sigma for
// Gaussian units). scratch (B, n_l) is needed for Gaussian units with
// Sigma != 1 (nil allocates). For the top layer x must include the labels.
func recogUp(m *rbm.RBM, dst, x, scratch *mat32.Dense) {
	if m.Visible == rbm.Gaussian && !unitSigma(m) {
		if scratch == nil {
			scratch = mat32.NewDense(x.Rows, x.Cols, nil)
		}
		scaleBy(scratch, x, m.Sigma)
		x = scratch
	}
	mat32.Gemm(false, false, 1, x, m.W, 0, dst)
	mat32.SigmoidBias(dst, m.HBias)
}

func unitSigma(m *rbm.RBM) bool {
	for _, s := range m.Sigma {
		if s != 1 {
			return false
		}
	}
	return true
}

// scaleBy sets dst = x ⊘ s column-wise.
func scaleBy(dst, x *mat32.Dense, s []float32) {
	for i := 0; i < x.Rows; i++ {
		d, r := dst.Row(i), x.Row(i)
		for j, v := range r {
			d[j] = v / s[j]
		}
	}
}

// genDown sets dst (B, n_l) to the generative means of layer l given the
// state h (B, n_{l+1}) of layer l+1: sigmoid(b + h W^T) for Bernoulli
// units, b + Sigma ⊙ (h W^T) for Gaussian units.
func (d *DBN) genDown(l int, dst, h *mat32.Dense) {
	w, b := d.genParams(l)
	mat32.Gemm(false, true, 1, h, w, 0, dst)
	m := d.Layers[l]
	if m.Visible == rbm.Gaussian {
		for i := 0; i < dst.Rows; i++ {
			r := dst.Row(i)
			for j, x := range r {
				r[j] = b[j] + m.Sigma[j]*x
			}
		}
		return
	}
	mat32.SigmoidBias(dst, b)
}

// Up sets dst (B, Pen()) to the mean-field recognition pass of v (B,
// Visible()) up to the penultimate layer: each layer's probabilities
// sigmoid(HBias + x W) are the next layer's input. For a single RBM it
// copies v.
func (d *DBN) Up(dst, v *mat32.Dense) {
	d.check()
	if v.Cols != d.Visible() || dst.Cols != d.Pen() || dst.Rows != v.Rows {
		panic(fmt.Sprintf("dbn: Up shape mismatch: v %dx%d, dst %dx%d, want (B, %d) and (B, %d)", v.Rows, v.Cols, dst.Rows, dst.Cols, d.Visible(), d.Pen()))
	}
	d.upTo(dst, v, len(d.Layers)-1, false, nil)
}

// upTo sets dst to the input of layer l (l <= top) for v: the
// probabilities (or, with sample, a sample) of each layer in turn. l = 0
// copies v.
func (d *DBN) upTo(dst, v *mat32.Dense, l int, sample bool, r *rng.Stream) {
	if l == 0 {
		dst.Copy(v)
		return
	}
	x := v
	for k := 0; k < l; k++ {
		m := d.Layers[k]
		out := dst
		if k < l-1 {
			out = mat32.NewDense(v.Rows, m.W.Cols, nil)
		}
		recogUp(m, out, x, nil)
		if sample {
			r.BernoulliDense(out, out)
		}
		x = out
	}
}

// topGibbs runs steps steps of block Gibbs sampling in the top RBM on the
// rows of tv (B, top nv), h (B, top nh) scratch, with the label columns
// clamped to one-hot labels[i] where labels != nil and labels[i] >= 0.
// The penultimate units are sampled; the label units are sampled (one-hot)
// unless clamped.
func (d *DBN) topGibbs(tv, h *mat32.Dense, labels []int, steps int, r *rng.Stream) {
	t := d.Top()
	for s := 0; s < steps; s++ {
		t.SampleHidden(h, tv, r)
		t.SampleVisible(tv, h, r)
		d.clamp(tv, labels)
	}
}

// clamp sets the label columns of the rows of tv with labels[i] >= 0.
func (d *DBN) clamp(tv *mat32.Dense, labels []int) {
	if labels == nil || d.Labels == 0 {
		return
	}
	p := d.Pen()
	for i, c := range labels {
		if c < 0 {
			continue
		}
		row := tv.Row(i)[p:]
		clear(row)
		row[c] = 1
	}
}

// SampleSettings says how Sample and Frames run the top-level chain.
type SampleSettings struct {
	// Steps is the number of Gibbs steps in the top RBM. The default is
	// 1000.
	Steps int
	// Every is the number of steps between frames (Frames only). The
	// default is Steps/20 (at least 1).
	Every int
	// Labels, if not nil, clamps the label units of chain i to class
	// Labels[i] (a negative value leaves that chain's labels free). Only
	// for a DBN with Labels > 0.
	Labels []int
	// Start, if not nil (B, Pen()), is the initial penultimate state of
	// the chains, for example Up of some data; the default is a sample
	// from the top RBM's visible biases alone (W = 0).
	Start *mat32.Dense
}

// Sample sets dst (B, Visible()) to samples of the DBN: Steps of block
// Gibbs sampling in the top RBM (labels clamped as s says), then one down
// pass through the generative weights, sampling each hidden layer and
// returning the means (probabilities) of the visible units. A nil s
// means the defaults.
func (d *DBN) Sample(dst *mat32.Dense, s *SampleSettings, r *rng.Stream) {
	d.Frames(dst, s, r)
}

// Frames is Sample that also returns the progress of the chains: a
// snapshot (B, Visible()) of the down pass from the top chain's state
// after every Every steps (and after the last), the way Hinton's demo
// shows a digit forming. The last frame equals dst.
func (d *DBN) Frames(dst *mat32.Dense, s *SampleSettings, r *rng.Stream) []*mat32.Dense {
	d.check()
	var ss SampleSettings
	if s != nil {
		ss = *s
	}
	if ss.Steps <= 0 {
		ss.Steps = 1000
	}
	if ss.Every <= 0 {
		ss.Every = max(ss.Steps/20, 1)
	}
	n := dst.Rows
	if dst.Cols != d.Visible() {
		panic(fmt.Sprintf("dbn: Sample dst is %dx%d, want (B, %d)", dst.Rows, dst.Cols, d.Visible()))
	}
	if ss.Labels != nil {
		if d.Labels == 0 || len(ss.Labels) != n {
			panic(fmt.Sprintf("dbn: Sample with %d clamped labels for %d chains of a DBN with %d labels", len(ss.Labels), n, d.Labels))
		}
		for _, c := range ss.Labels {
			if c >= d.Labels {
				panic(fmt.Sprintf("dbn: Sample label %d out of range [0, %d)", c, d.Labels))
			}
		}
	}
	t := d.Top()
	nv, nh := t.Dims()
	p := d.Pen()
	tv := mat32.NewDense(n, nv, nil)
	h := mat32.NewDense(n, nh, nil)
	if ss.Start != nil {
		if ss.Start.Rows != n || ss.Start.Cols != p {
			panic(fmt.Sprintf("dbn: Sample Start is %dx%d, want %dx%d", ss.Start.Rows, ss.Start.Cols, n, p))
		}
		for i := 0; i < n; i++ {
			r.Bernoulli(tv.Row(i)[:p], ss.Start.Row(i))
		}
		if d.Labels > 0 {
			// labels from the top's visible biases
			for i := 0; i < n; i++ {
				sampleSoftmax(tv.Row(i)[p:], t.VBias[p:], r)
			}
		}
	} else {
		// the biases-only model: visible units independent
		b := make([]float32, p)
		mat32.Sigmoid(b, t.VBias[:p])
		for i := 0; i < n; i++ {
			r.Bernoulli(tv.Row(i)[:p], b)
			if d.Labels > 0 {
				sampleSoftmax(tv.Row(i)[p:], t.VBias[p:], r)
			}
		}
	}
	d.clamp(tv, ss.Labels)
	var frames []*mat32.Dense
	for done := 0; done < ss.Steps; {
		k := min(ss.Every, ss.Steps-done)
		d.topGibbs(tv, h, ss.Labels, k, r)
		done += k
		f := dst
		if done < ss.Steps {
			f = mat32.NewDense(n, d.Visible(), nil)
		}
		d.down(f, tv.Slice(0, n, 0, p), r)
		frames = append(frames, f)
	}
	return frames
}

// down sets dst (B, Visible()) to the visible means of a down pass from
// the penultimate state pen (B, Pen()), sampling the layers in between.
func (d *DBN) down(dst, pen *mat32.Dense, r *rng.Stream) {
	x := pen
	for l := len(d.Layers) - 2; l >= 0; l-- {
		out := dst
		if l > 0 {
			out = mat32.NewDense(pen.Rows, d.Layers[l].W.Rows, nil)
		}
		d.genDown(l, out, x)
		if l > 0 {
			r.BernoulliDense(out, out)
		}
		x = out
	}
	if len(d.Layers) == 1 {
		dst.Copy(pen)
	}
}

// sampleSoftmax sets dst to a one-hot draw from softmax(logits).
func sampleSoftmax(dst, logits []float32, r *rng.Stream) {
	lse := mat32.LogSumExp(logits)
	u := r.Float64()
	k := len(logits) - 1
	var c float64
	for j, v := range logits {
		c += math.Exp(float64(v) - lse)
		if u < c {
			k = j
			break
		}
	}
	clear(dst)
	dst[k] = 1
}
