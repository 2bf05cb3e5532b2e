package rbm

import (
	"fmt"
	"math"
	"slices"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// Units says what kind of visible units an RBM has.
type Units int

const (
	// Bernoulli visible units take values in {0, 1} (data in [0, 1] is read
	// as probabilities). Softmax groups may be declared among them.
	Bernoulli Units = iota
	// Gaussian visible units are real-valued with per-unit standard
	// deviation Sigma.
	Gaussian
)

func (u Units) String() string {
	switch u {
	case Bernoulli:
		return "bernoulli"
	case Gaussian:
		return "gaussian"
	}
	return fmt.Sprintf("Units(%d)", int(u))
}

// Group is a one-of-K group of visible units: columns [Start, Start+Size)
// of a visible vector hold a one-hot vector (or a probability vector).
// For example the 10 label units beside 784 pixels are {Start: 784, Size: 10}.
type Group struct {
	Start, Size int
}

// RBM is a restricted Boltzmann machine with nv visible and nh Bernoulli
// hidden units. All fields are exported so that a model can be saved and
// restored as it is.
type RBM struct {
	W       *mat32.Dense // (nv, nh) weights
	VBias   []float32    // nv visible biases
	HBias   []float32    // nh hidden biases
	Visible Units        // kind of the visible units
	Sigma   []float32    // nv standard deviations, Gaussian visible units only (nil otherwise)
	Softmax []Group      // one-of-K groups among Bernoulli visible units, sorted, disjoint
}

// New returns an RBM with nv visible units of the given kind and nh hidden
// units, with zero weights and biases (and unit Sigma for Gaussian units).
// Call Init to initialise it from data as the practical guide says.
func New(nv, nh int, visible Units) *RBM {
	if nv <= 0 || nh <= 0 {
		panic(fmt.Sprintf("rbm: New(%d, %d): sizes must be positive", nv, nh))
	}
	m := &RBM{
		W:       mat32.NewDense(nv, nh, nil),
		VBias:   make([]float32, nv),
		HBias:   make([]float32, nh),
		Visible: visible,
	}
	switch visible {
	case Bernoulli:
	case Gaussian:
		m.Sigma = make([]float32, nv)
		for i := range m.Sigma {
			m.Sigma[i] = 1
		}
	default:
		panic(fmt.Sprintf("rbm: unknown visible units %v", visible))
	}
	return m
}

// Dims returns the numbers of visible and hidden units.
func (m *RBM) Dims() (nv, nh int) { return m.W.Rows, m.W.Cols }

// Clone returns a deep copy of m.
func (m *RBM) Clone() *RBM {
	c := &RBM{
		W:       m.W.Clone(),
		VBias:   slices.Clone(m.VBias),
		HBias:   slices.Clone(m.HBias),
		Visible: m.Visible,
		Sigma:   slices.Clone(m.Sigma),
		Softmax: slices.Clone(m.Softmax),
	}
	return c
}

// check panics if the model's fields are inconsistent.
func (m *RBM) check() {
	if m.W == nil {
		panic("rbm: nil W")
	}
	nv, nh := m.Dims()
	if len(m.VBias) != nv || len(m.HBias) != nh {
		panic(fmt.Sprintf("rbm: W is %dx%d but len(VBias)=%d, len(HBias)=%d", nv, nh, len(m.VBias), len(m.HBias)))
	}
	switch m.Visible {
	case Bernoulli:
		end := 0
		for _, g := range m.Softmax {
			if g.Size < 2 || g.Start < end || g.Start+g.Size > nv {
				panic(fmt.Sprintf("rbm: softmax groups %v must be sorted, disjoint, of size >= 2, within %d units", m.Softmax, nv))
			}
			end = g.Start + g.Size
		}
	case Gaussian:
		if len(m.Sigma) != nv {
			panic(fmt.Sprintf("rbm: Gaussian units need len(Sigma)=%d, have %d", nv, len(m.Sigma)))
		}
		if len(m.Softmax) > 0 {
			panic("rbm: softmax groups are only supported among Bernoulli visible units")
		}
	default:
		panic(fmt.Sprintf("rbm: unknown visible units %v", m.Visible))
	}
}

// unitSigma reports whether the visible values enter the hidden units
// unscaled (Bernoulli units, or Gaussian units with all Sigma == 1).
func (m *RBM) unitSigma() bool {
	for _, s := range m.Sigma {
		if s != 1 {
			return false
		}
	}
	return true
}

// Init initialises m from data (B, nv) as Hinton's practical guide says:
// weights from N(0, 0.01^2), hidden biases 0, and visible biases
// log(p/(1-p)) of the data means p (clamped to [0.001, 0.999]); for softmax
// groups log p of each unit's frequency; for Gaussian units the data mean,
// with Sigma set to the data's standard deviation (at least 0.001), so that
// the model sees standardised data.
func (m *RBM) Init(data *mat32.Dense, r *rng.Stream) {
	m.check()
	nv, _ := m.Dims()
	if data.Cols != nv {
		panic(fmt.Sprintf("rbm: Init data has %d columns, model has %d visible units", data.Cols, nv))
	}
	for i := 0; i < m.W.Rows; i++ {
		r.Normal(m.W.Row(i), 0, 0.01)
	}
	clear(m.HBias)
	n := float64(data.Rows)
	mean := make([]float64, nv)
	for i := 0; i < data.Rows; i++ {
		for j, v := range data.Row(i) {
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		if n > 0 {
			mean[j] /= n
		}
	}
	clamp := func(p float64) float64 { return math.Min(math.Max(p, 0.001), 0.999) }
	switch m.Visible {
	case Bernoulli:
		for j, p := range mean {
			p = clamp(p)
			m.VBias[j] = float32(math.Log(p / (1 - p)))
		}
		for _, g := range m.Softmax {
			for j := g.Start; j < g.Start+g.Size; j++ {
				m.VBias[j] = float32(math.Log(clamp(mean[j])))
			}
		}
	case Gaussian:
		vr := make([]float64, nv)
		for i := 0; i < data.Rows; i++ {
			for j, v := range data.Row(i) {
				d := float64(v) - mean[j]
				vr[j] += d * d
			}
		}
		for j := range mean {
			m.VBias[j] = float32(mean[j])
			sd := 1.0
			if n > 1 {
				sd = math.Sqrt(vr[j] / (n - 1))
			}
			m.Sigma[j] = float32(math.Max(sd, 0.001))
		}
	}
}

// scaleRows writes v ⊘ Sigma into dst for rows [lo, hi) (Gaussian units).
func (m *RBM) scaleRows(dst, v *mat32.Dense, lo, hi int) {
	for i := lo; i < hi; i++ {
		d, s := dst.Row(i), v.Row(i)
		for j, x := range s {
			d[j] = x / m.Sigma[j]
		}
	}
}

// hidInput sets z = v W (v ⊘ Sigma for Gaussian units), z (B, nh), v (B, nv).
// vs is (B, nv) scratch used for Gaussian units with Sigma != 1; if it is
// nil one is allocated.
func (m *RBM) hidInput(z, v, vs *mat32.Dense) {
	if m.Visible == Gaussian && !m.unitSigma() {
		if vs == nil {
			vs = mat32.NewDense(v.Rows, v.Cols, nil)
		}
		m.scaleRows(vs, v, 0, v.Rows)
		v = vs
	}
	mat32.Gemm(false, false, 1, v, m.W, 0, z)
}

// hidActRows turns rows [lo, hi) of z = hidden input into
// sigmoid(beta*(z + HBias)), in place.
func (m *RBM) hidActRows(z *mat32.Dense, lo, hi int, beta float32) {
	b := m.HBias
	if beta == 1 {
		var v mat32.Dense
		z.SliceInto(&v, lo, hi, 0, z.Cols)
		mat32.SigmoidBias(&v, b)
		return
	}
	for i := lo; i < hi; i++ {
		r := z.Row(i)
		for j := range r {
			r[j] = beta * (r[j] + b[j])
		}
		mat32.Sigmoid(r, r)
	}
}

// visActRows turns rows [lo, hi) of x = h W^T into the means of the
// visible units at inverse temperature beta, in place: sigmoid(beta*(x+a))
// for Bernoulli units, softmax(beta*(x+a)) over each group, a + Sigma*x for
// Gaussian units (whose variance is Sigma^2/beta).
func (m *RBM) visActRows(x *mat32.Dense, lo, hi int, beta float32) {
	a := m.VBias
	for i := lo; i < hi; i++ {
		r := x.Row(i)
		if m.Visible == Gaussian {
			for j := range r {
				r[j] = a[j] + m.Sigma[j]*r[j]
			}
			continue
		}
		if beta == 1 && len(m.Softmax) == 0 {
			var v mat32.Dense
			x.SliceInto(&v, i, i+1, 0, x.Cols)
			mat32.SigmoidBias(&v, a)
			continue
		}
		if beta == 1 {
			for j := range r {
				r[j] += a[j]
			}
		} else {
			for j := range r {
				r[j] = beta * (r[j] + a[j])
			}
		}
		start := 0
		for _, g := range m.Softmax {
			mat32.Sigmoid(r[start:g.Start], r[start:g.Start])
			s := r[g.Start : g.Start+g.Size]
			lse := mat32.LogSumExp(s)
			for j, v := range s {
				s[j] = float32(math.Exp(float64(v) - lse))
			}
			start = g.Start + g.Size
		}
		mat32.Sigmoid(r[start:], r[start:])
	}
}

// sampleVisRows sets rows [lo, hi) of dst to a sample of the visible units
// whose means (from visActRows at the same beta) are in p. dst may be p.
func (m *RBM) sampleVisRows(dst, p *mat32.Dense, lo, hi int, beta float32, r *rng.Stream) {
	for i := lo; i < hi; i++ {
		d, q := dst.Row(i), p.Row(i)
		if m.Visible == Gaussian {
			sc := float32(1 / math.Sqrt(float64(beta)))
			for j, mu := range q {
				d[j] = mu + sc*m.Sigma[j]*float32(r.NormFloat64())
			}
			continue
		}
		start := 0
		for _, g := range m.Softmax {
			r.Bernoulli(d[start:g.Start], q[start:g.Start])
			s, ds := q[g.Start:g.Start+g.Size], d[g.Start:g.Start+g.Size]
			u := r.Float32()
			k := len(s) - 1
			var c float32
			for j, v := range s {
				c += v
				if u < c {
					k = j
					break
				}
			}
			clear(ds)
			ds[k] = 1
			start = g.Start + g.Size
		}
		r.Bernoulli(d[start:], q[start:])
	}
}

// visTerm returns the part of the energy E(v, h) that involves v alone:
// -a·v for Bernoulli and softmax units, sum_i (v_i-a_i)^2/(2 Sigma_i^2) for
// Gaussian units.
func (m *RBM) visTerm(v []float32) float64 {
	if m.Visible == Gaussian {
		var s float64
		for i, x := range v {
			d := (float64(x) - float64(m.VBias[i])) / float64(m.Sigma[i])
			s += d * d
		}
		return s / 2
	}
	return -mat32.Dot(m.VBias, v)
}

func (m *RBM) checkRows(op string, a *mat32.Dense, ac int, b *mat32.Dense, bc int) {
	if a.Cols != ac || b.Cols != bc || a.Rows != b.Rows {
		panic(fmt.Sprintf("rbm: %s shape mismatch: %dx%d and %dx%d, want (B, %d) and (B, %d)", op, a.Rows, a.Cols, b.Rows, b.Cols, ac, bc))
	}
}

// HiddenProbs sets dst (B, nh) to P(h_j = 1 | v) for each row of v (B, nv):
// sigmoid(HBias + v W), with v ⊘ Sigma in place of v for Gaussian units.
func (m *RBM) HiddenProbs(dst, v *mat32.Dense) {
	m.check()
	nv, nh := m.Dims()
	m.checkRows("HiddenProbs", dst, nh, v, nv)
	m.hidInput(dst, v, nil)
	m.hidActRows(dst, 0, dst.Rows, 1)
}

// VisibleProbs sets dst (B, nv) to the means of the visible units given
// each row of h (B, nh): P(v_i = 1 | h) = sigmoid(VBias + h W^T) for
// Bernoulli units, the softmax of VBias + h W^T over each group, and
// VBias + Sigma * (h W^T) for Gaussian units.
func (m *RBM) VisibleProbs(dst, h *mat32.Dense) {
	m.check()
	nv, nh := m.Dims()
	m.checkRows("VisibleProbs", dst, nv, h, nh)
	mat32.Gemm(false, true, 1, h, m.W, 0, dst)
	m.visActRows(dst, 0, dst.Rows, 1)
}

// SampleHidden sets dst (B, nh) to a sample of h ~ P(h | v), v (B, nv).
func (m *RBM) SampleHidden(dst, v *mat32.Dense, r *rng.Stream) {
	m.HiddenProbs(dst, v)
	r.BernoulliDense(dst, dst)
}

// SampleVisible sets dst (B, nv) to a sample of v ~ P(v | h), h (B, nh):
// Bernoulli draws, one-hot draws for each softmax group, and normal draws
// N(VBias + Sigma*(h W^T), Sigma^2) for Gaussian units.
func (m *RBM) SampleVisible(dst, h *mat32.Dense, r *rng.Stream) {
	m.VisibleProbs(dst, h)
	m.sampleVisRows(dst, dst, 0, dst.Rows, 1, r)
}

// Gibbs runs steps full steps of block Gibbs sampling, h ~ P(h|v) then
// v ~ P(v|h), on each row of v (B, nv), in place. If h (B, nh) is not nil
// it receives the hidden sample of the last step, so that (v, h) is a joint
// state of the chain (P(v|h) was sampled last).
func (m *RBM) Gibbs(v, h *mat32.Dense, steps int, r *rng.Stream) {
	m.check()
	nv, nh := m.Dims()
	if h == nil {
		h = mat32.NewDense(v.Rows, nh, nil)
	}
	m.checkRows("Gibbs", v, nv, h, nh)
	var vs *mat32.Dense
	if m.Visible == Gaussian && !m.unitSigma() {
		vs = mat32.NewDense(v.Rows, nv, nil)
	}
	for s := 0; s < steps; s++ {
		m.hidInput(h, v, vs)
		m.hidActRows(h, 0, h.Rows, 1)
		r.BernoulliDense(h, h)
		m.SampleVisible(v, h, r)
	}
}

// FreeEnergy sets dst[b] (len B) to the free energy F(v) = -log sum_h
// exp(-E(v, h)) of each row of v (B, nv), in float64:
//
//	Bernoulli, softmax: F(v) = -a·v - sum_j softplus(b_j + (v W)_j)
//	Gaussian:           F(v) = sum_i (v_i-a_i)^2/(2 s_i^2) - sum_j softplus(b_j + ((v ⊘ s) W)_j)
func (m *RBM) FreeEnergy(dst []float64, v *mat32.Dense) {
	m.check()
	nv, nh := m.Dims()
	if v.Cols != nv || len(dst) != v.Rows {
		panic(fmt.Sprintf("rbm: FreeEnergy shape mismatch: v %dx%d, len(dst) %d, want (B, %d) and B", v.Rows, v.Cols, len(dst), nv))
	}
	const chunk = 256
	n := min(chunk, v.Rows)
	z := mat32.NewDense(n, nh, nil)
	var vs *mat32.Dense
	if m.Visible == Gaussian && !m.unitSigma() {
		vs = mat32.NewDense(n, nv, nil)
	}
	for lo := 0; lo < v.Rows; lo += chunk {
		hi := min(lo+chunk, v.Rows)
		m.freeEnergyChunk(dst[lo:hi], v.Slice(lo, hi, 0, nv), z.Slice(0, hi-lo, 0, nh), vs)
	}
}

// freeEnergyChunk is FreeEnergy with scratch z (B, nh) and vs (B, nv, may be nil).
func (m *RBM) freeEnergyChunk(dst []float64, v, z, vs *mat32.Dense) {
	if vs != nil {
		vs = vs.Slice(0, v.Rows, 0, v.Cols)
	}
	m.hidInput(z, v, vs)
	for i := range dst {
		r := z.Row(i)
		for j := range r {
			r[j] += m.HBias[j]
		}
		dst[i] = m.visTerm(v.Row(i)) - mat32.SoftplusSum(r)
	}
}

// Energy sets dst[b] (len B) to the energy E(v, h) of each joint state,
// v (B, nv), h (B, nh), in float64:
//
//	E(v, h) = visTerm(v) - b·h - sum_ij v_i W_ij h_j
//
// with v ⊘ Sigma in place of v in the last sum for Gaussian units, and
// visTerm(v) = -a·v (Bernoulli, softmax) or sum_i (v_i-a_i)^2/(2 Sigma_i^2).
func (m *RBM) Energy(dst []float64, v, h *mat32.Dense) {
	m.check()
	nv, nh := m.Dims()
	m.checkRows("Energy", v, nv, h, nh)
	if len(dst) != v.Rows {
		panic(fmt.Sprintf("rbm: Energy len(dst)=%d, want %d", len(dst), v.Rows))
	}
	z := mat32.NewDense(v.Rows, nh, nil)
	m.hidInput(z, v, nil)
	for i := range dst {
		r := z.Row(i)
		for j := range r {
			r[j] += m.HBias[j]
		}
		dst[i] = m.visTerm(v.Row(i)) - mat32.Dot(h.Row(i), r)
	}
}

// ReconError returns the mean over the rows of v (B, nv) of the squared
// error sum_i (v_i - r_i)^2 of the mean-field reconstruction
// r = E[v | h = P(h|v)].
func (m *RBM) ReconError(v *mat32.Dense) float64 {
	m.check()
	nv, nh := m.Dims()
	if v.Cols != nv {
		panic(fmt.Sprintf("rbm: ReconError v has %d columns, want %d", v.Cols, nv))
	}
	if v.Rows == 0 {
		return math.NaN()
	}
	h := mat32.NewDense(v.Rows, nh, nil)
	x := mat32.NewDense(v.Rows, nv, nil)
	m.HiddenProbs(h, v)
	m.VisibleProbs(x, h)
	var s float64
	for i := 0; i < v.Rows; i++ {
		s += mat32.SqDist(v.Row(i), x.Row(i))
	}
	return s / float64(v.Rows)
}
