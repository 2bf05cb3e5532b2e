package ais

import (
	"fmt"
	"math"
	"slices"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// RBM is the annealing path of Salakhutdinov & Murray from a base-rate
// model to an RBM: with visible biases a, base visible biases a0, hidden
// biases b and weights W,
//
//	Bernoulli, softmax: f_β(v, h) = exp((1-β) a0·v + β (a·v + b·h + v W h))
//	Gaussian:           f_β(v, h) = exp(-sum_i [(1-β)(v_i-a0_i)^2 + β(v_i-a_i)^2] / (2 s_i^2) + β (b·h + (v ⊘ s) W h))
//
// so p_0 has independent visible units (Bernoulli logits a0, softmax
// groups with logits a0, or N(a0_i, s_i^2) with the model's Sigma s) and
// uniform hidden units, and p_1 is the RBM. The chains hold visible
// vectors; the hidden units are summed out of f_β:
//
//	log f_β(v) = (1-β) a0·v + β a·v + sum_j softplus(β (b_j + (v W)_j))
//
// (with the Gaussian visible term in place of the first two), and the
// transition at β is one block Gibbs step v -> h -> v of p_β, which is
// reversible. Each step is two GEMMs over all chains (V W and H W^T); the
// element-wise work and sampling are split by blocks of rows.
//
// NewRBM takes a snapshot of the model: later changes to the rbm.RBM do
// not affect it.
type RBM struct {
	m     *rbm.RBM     // a snapshot of the model
	wx    *mat32.Dense // (nv, nh+1): [W | dv ⊙ s], so V W also yields the visible term
	wt    *mat32.Dense // (nh, nv): W^T, for H W^T without a transposed GEMM
	base  []float32    // a0
	dv    []float32    // a - a0 (Bernoulli), (a - a0) / s^2 (Gaussian)
	dvOff float64      // Gaussian: sum_i (a_i - a0_i)(a_i + a0_i) / (2 s_i^2)
	baseP []float32    // base probabilities (Bernoulli, softmax)
	scale bool         // Gaussian units with some Sigma != 1
	logZ0 float64
}

// NewRBM returns the annealing path from the base-rate model with visible
// biases baseVBias (Bernoulli logits or softmax logits, or the means of
// Gaussian units; see BaseRate) to m. If baseVBias is nil the base uses
// m's own visible biases, which needs no data but is a poorer start than
// the data's base rates. It panics if the lengths do not fit m.
func NewRBM(m *rbm.RBM, baseVBias []float32) *RBM {
	if m == nil || m.W == nil {
		panic("ais: NewRBM: nil model")
	}
	nv, nh := m.Dims()
	if len(m.VBias) != nv || len(m.HBias) != nh {
		panic(fmt.Sprintf("ais: NewRBM: W is %dx%d but len(VBias)=%d, len(HBias)=%d", nv, nh, len(m.VBias), len(m.HBias)))
	}
	if m.Visible == rbm.Gaussian && len(m.Sigma) != nv {
		panic(fmt.Sprintf("ais: NewRBM: Gaussian units need len(Sigma)=%d, have %d", nv, len(m.Sigma)))
	}
	m = m.Clone()
	if baseVBias == nil {
		baseVBias = m.VBias
	}
	if len(baseVBias) != nv {
		panic(fmt.Sprintf("ais: NewRBM: len(baseVBias)=%d, model has %d visible units", len(baseVBias), nv))
	}
	r := &RBM{m: m, base: slices.Clone(baseVBias), dv: make([]float32, nv)}
	lz := float64(nh) * math.Ln2
	switch m.Visible {
	case rbm.Gaussian:
		for i, a := range m.VBias {
			a0, s := float64(r.base[i]), float64(m.Sigma[i])
			g := (float64(a) - a0) / (s * s)
			r.dv[i] = float32(g)
			r.dvOff += g * (float64(a) + a0) / 2
			lz += 0.5*math.Log(2*math.Pi) + math.Log(s)
			if m.Sigma[i] != 1 {
				r.scale = true
			}
		}
	case rbm.Bernoulli:
		r.baseP = make([]float32, nv)
		for i, a := range m.VBias {
			r.dv[i] = a - r.base[i]
		}
		start := 0
		for _, g := range m.Softmax {
			lz += softplusSum64(r.base[start:g.Start])
			s := r.base[g.Start : g.Start+g.Size]
			lse := mat32.LogSumExp(s)
			lz += lse
			for j, a0 := range s {
				r.baseP[g.Start+j] = float32(math.Exp(float64(a0) - lse))
			}
			start = g.Start + g.Size
		}
		lz += softplusSum64(r.base[start:])
		start = 0
		for _, g := range m.Softmax {
			mat32.Sigmoid(r.baseP[start:g.Start], r.base[start:g.Start])
			start = g.Start + g.Size
		}
		mat32.Sigmoid(r.baseP[start:], r.base[start:])
	default:
		panic(fmt.Sprintf("ais: NewRBM: unknown visible units %v", m.Visible))
	}
	r.logZ0 = lz
	// The extra column of wx holds the visible term's coefficients
	// (scaled by Sigma for Gaussian units, whose GEMM input is v ⊘ s), so
	// that the GEMM V wx computes the hidden inputs and the visible part of
	// the log-weight increment at once.
	r.wx = mat32.NewDense(nv, nh+1, nil)
	r.wt = mat32.NewDense(nh, nv, nil)
	for i := 0; i < nv; i++ {
		row := r.wx.Row(i)
		copy(row, m.W.Row(i))
		row[nh] = r.dv[i]
		if m.Visible == rbm.Gaussian {
			row[nh] *= m.Sigma[i]
		}
	}
	r.wt.Transpose(m.W)
	return r
}

func softplusSum64(x []float32) float64 {
	var s float64
	for _, v := range x {
		v := float64(v)
		s += math.Max(v, 0) + math.Log1p(math.Exp(-math.Abs(v)))
	}
	return s
}

// LogZBase returns log Z_0 of the base-rate model: sum_i softplus(a0_i)
// (log-sum-exp over each softmax group) for Bernoulli units, or sum_i
// log(sqrt(2 pi) s_i) for Gaussian units, plus nh log 2.
func (r *RBM) LogZBase() float64 { return r.logZ0 }

// BaseRate returns base visible biases for NewRBM from training data
// (N, nv): for Bernoulli units the logits log(p/(1-p)) of the smoothed
// pixel means p_i = (sum_n v_ni + 0.5) / (N + 1), so that a pixel never on
// in the data still gets a finite bias; for softmax groups the logs of the
// smoothed frequencies (count + 0.5) / (N + Size/2); for Gaussian units
// the data means. It panics if data has the wrong number of columns.
func BaseRate(m *rbm.RBM, data *mat32.Dense) []float32 {
	nv, _ := m.Dims()
	if data.Cols != nv {
		panic(fmt.Sprintf("ais: BaseRate: data has %d columns, model has %d visible units", data.Cols, nv))
	}
	sum := make([]float64, nv)
	mat32.ColSums64(sum, data)
	n := float64(data.Rows)
	out := make([]float32, nv)
	if m.Visible == rbm.Gaussian {
		for i, s := range sum {
			if n > 0 {
				out[i] = float32(s / n)
			}
		}
		return out
	}
	for i, s := range sum {
		p := (s + 0.5) / (n + 1)
		out[i] = float32(math.Log(p / (1 - p)))
	}
	for _, g := range m.Softmax {
		for i := g.Start; i < g.Start+g.Size; i++ {
			out[i] = float32(math.Log((sum[i] + 0.5) / (n + float64(g.Size)/2)))
		}
	}
	return out
}

// LogLikelihood returns the mean log-likelihood of the rows of data
// (N, nv) under m with log Z estimated by est: -mean F(v) - est.LogZ. As
// est.LogZ tends to under-estimate log Z, this tends to over-estimate the
// log-likelihood (an optimistic number); ReverseLogLikelihood gives a
// conservative one.
func LogLikelihood(m *rbm.RBM, data *mat32.Dense, est Estimate) float64 {
	f := make([]float64, data.Rows)
	m.FreeEnergy(f, data)
	var s float64
	for _, x := range f {
		s += x
	}
	return -s/float64(len(f)) - est.LogZ
}

// NewState returns n chains of visible vectors.
func (r *RBM) NewState(n int) State {
	nv, nh := r.m.Dims()
	s := &rbmState{
		r: r, n: n,
		v:    mat32.NewDense(n, nv, nil),
		zx:   mat32.NewDense(n, nh+1, nil),
		t:    mat32.NewDense(n, nh, nil),
		x:    mat32.NewDense(n, nv, nil),
		cvis: make([]float32, nv),
	}
	s.z = s.zx.Slice(0, n, 0, nh)
	s.vs = s.v
	if r.scale {
		s.vs = mat32.NewDense(n, nv, nil)
	}
	s.hidFn, s.visFn, s.baseFn = s.hidRows, s.visRows, s.baseRows
	return s
}

// rbmState holds n chains of visible vectors and the scratch of a step.
type rbmState struct {
	r    *RBM
	n    int
	v    *mat32.Dense // (n, nv) the chains
	vs   *mat32.Dense // (n, nv) v ⊘ Sigma for Gaussian units with Sigma != 1; else v
	zx   *mat32.Dense // (n, nh+1) hidden inputs (then samples) and visible terms
	z    *mat32.Dense // (n, nh) view of the hidden part of zx
	t    *mat32.Dense // (n, nh) scratch
	x    *mat32.Dense // (n, nv) visible inputs H W^T
	cvis []float32    // nv: visible bias at beta, a0 + beta (a - a0)

	// parameters of the current step, read by the block functions
	logw                 []float64
	from, to             float64
	from32, to32         float32
	move                 bool
	hidFn, visFn, baseFn BlockFunc
}

func (s *rbmState) checkBlocks(b *Blocks) {
	if b.Len() != s.n {
		panic(fmt.Sprintf("ais: Blocks for %d chains used with a State of %d", b.Len(), s.n))
	}
}

// SampleBase draws every chain from the base-rate model.
func (s *rbmState) SampleBase(b *Blocks) {
	s.checkBlocks(b)
	b.Run(s.baseFn)
}

func (s *rbmState) baseRows(lo, hi int, r *rng.Stream) {
	m := s.r.m
	for i := lo; i < hi; i++ {
		v := s.v.Row(i)
		if m.Visible == rbm.Gaussian {
			r.Normal(v, 0, 1)
			for j := range v {
				v[j] = s.r.base[j] + m.Sigma[j]*v[j]
			}
		} else {
			r.Bernoulli(v, s.r.baseP)
			for _, g := range m.Softmax {
				oneHot(v[g.Start:g.Start+g.Size], s.r.baseP[g.Start:g.Start+g.Size], r)
			}
		}
		s.scaleRow(i)
	}
}

// oneHot sets dst to a one-hot draw from the probabilities p.
func oneHot(dst, p []float32, r *rng.Stream) {
	u := r.Float32()
	k := len(p) - 1
	var c float32
	for j, q := range p {
		c += q
		if u < c {
			k = j
			break
		}
	}
	clear(dst)
	dst[k] = 1
}

func (s *rbmState) scaleRow(i int) {
	if !s.r.scale {
		return
	}
	d, v := s.vs.Row(i), s.v.Row(i)
	for j, x := range v {
		d[j] = x / s.r.m.Sigma[j]
	}
}

// SetData sets the chains to the rows of data and adds -F(v) to logw.
func (s *rbmState) SetData(logw []float64, data *mat32.Dense, b *Blocks) {
	s.checkBlocks(b)
	if data.Rows != s.n || data.Cols != s.v.Cols || len(logw) != s.n {
		panic(fmt.Sprintf("ais: SetData: data %dx%d, len(logw) %d, want %dx%d and %d", data.Rows, data.Cols, len(logw), s.n, s.v.Cols, s.n))
	}
	s.v.Copy(data)
	for i := 0; i < s.n; i++ {
		s.scaleRow(i)
	}
	f := make([]float64, s.n)
	s.r.m.FreeEnergy(f, data)
	for i, x := range f {
		logw[i] -= x
	}
}

// Step adds log f_to(v) - log f_from(v) to logw and, if move, makes one
// Gibbs step v -> h -> v at inverse temperature to.
func (s *rbmState) Step(logw []float64, from, to float64, move bool, b *Blocks) {
	s.checkBlocks(b)
	if len(logw) != s.n {
		panic(fmt.Sprintf("ais: Step: len(logw)=%d, want %d", len(logw), s.n))
	}
	if from == to && !move {
		return
	}
	m := s.r.m
	s.logw, s.from, s.to, s.move = logw, from, to, move
	s.from32, s.to32 = float32(from), float32(to)
	mat32.Gemm(false, false, 1, s.vs, s.r.wx, 0, s.zx) // (n, nv) x (nv, nh+1)
	b.Run(s.hidFn)
	if !move {
		return
	}
	for j, a := range m.VBias {
		a0 := float64(s.r.base[j])
		s.cvis[j] = float32(a0 + to*(float64(a)-a0))
	}
	mat32.Gemm(false, false, 1, s.z, s.r.wt, 0, s.x) // (n, nh) x (nh, nv)
	b.Run(s.visFn)
}

// hidRows adds the log-weight increments of rows [lo, hi) and, if moving,
// replaces their hidden inputs by hidden samples at beta = to.
func (s *rbmState) hidRows(lo, hi int, r *rng.Stream) {
	hb := s.r.m.HBias
	gauss := s.r.m.Visible == rbm.Gaussian
	db := s.to - s.from
	nh := len(hb)
	for i := lo; i < hi; i++ {
		zx, t := s.zx.Row(i), s.t.Row(i)
		z := zx[:nh]
		for j := range z {
			z[j] += hb[j]
		}
		if db != 0 {
			vis := float64(zx[nh])
			if gauss {
				vis -= s.r.dvOff
			}
			for j, u := range z {
				t[j] = s.from32 * u
			}
			lf := mat32.SoftplusSum(t)
			for j, u := range z {
				t[j] = s.to32 * u
			}
			s.logw[i] += db*vis + mat32.SoftplusSum(t) - lf
		} else {
			for j, u := range z {
				t[j] = s.to32 * u
			}
		}
		if s.move {
			mat32.Sigmoid(t, t)
			r.Bernoulli(z, t)
		}
	}
}

// visRows samples the visible units of rows [lo, hi) at beta = to from
// their inputs H W^T.
func (s *rbmState) visRows(lo, hi int, r *rng.Stream) {
	m := s.r.m
	c, beta := s.cvis, s.to32
	for i := lo; i < hi; i++ {
		x, v := s.x.Row(i), s.v.Row(i)
		if m.Visible == rbm.Gaussian {
			r.Normal(v, 0, 1)
			for j := range v {
				v[j] = c[j] + m.Sigma[j]*(beta*x[j]+v[j])
			}
			s.scaleRow(i)
			continue
		}
		for j := range x {
			x[j] = c[j] + beta*x[j]
		}
		start := 0
		for _, g := range m.Softmax {
			mat32.Sigmoid(x[start:g.Start], x[start:g.Start])
			q := x[g.Start : g.Start+g.Size]
			lse := mat32.LogSumExp(q)
			for j, e := range q {
				q[j] = float32(math.Exp(float64(e) - lse))
			}
			start = g.Start + g.Size
		}
		mat32.Sigmoid(x[start:], x[start:])
		r.Bernoulli(v, x)
		for _, g := range m.Softmax {
			oneHot(v[g.Start:g.Start+g.Size], x[g.Start:g.Start+g.Size], r)
		}
	}
}
