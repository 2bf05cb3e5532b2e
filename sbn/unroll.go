package sbn

import (
	"fmt"
	"math"
	"slices"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// TopDist is the distribution the top layer of an unrolled RBM starts from.
type TopDist int

const (
	// TopBias is the factorial distribution sigmoid(bias) of the RBM's
	// layer that the top layer copies (HBias for a hidden layer, VBias for
	// a visible one): the RBM with its weights set to zero.
	TopBias TopDist = iota
	// TopUniform is the uniform distribution (zero biases).
	TopUniform
	// TopRBM is the RBM's own marginal distribution of that layer, which
	// makes every depth represent the RBM exactly. It is not factorial, so
	// it exists only in the exact UnrollCurve, as a check.
	TopRBM
)

func (t TopDist) String() string {
	switch t {
	case TopBias:
		return "bias"
	case TopUniform:
		return "uniform"
	case TopRBM:
		return "rbm"
	}
	return fmt.Sprintf("TopDist(%d)", int(t))
}

func checkUnrollable(m *rbm.RBM) {
	if m.Visible != rbm.Bernoulli || len(m.Softmax) > 0 {
		panic("sbn: only RBMs with Bernoulli visible units (no softmax groups) unroll into a sigmoid belief net")
	}
	nv, nh := m.Dims()
	if len(m.VBias) != nv || len(m.HBias) != nh {
		panic(fmt.Sprintf("sbn: RBM W is %dx%d but len(VBias)=%d, len(HBias)=%d", nv, nh, len(m.VBias), len(m.HBias)))
	}
}

// UnrollRBM returns the RBM m (Bernoulli visible units) unrolled into a
// directed sigmoid belief net with depth hidden layers and tied weights:
// layers alternate visible and hidden copies, v, h1, v2, h2, ..., with
//
//	P(v_k | h_k)     = sigmoid(VBias + h_k W^T)   (Layer W = m.W^T, (nh, nv))
//	P(h_k | v_{k+1}) = sigmoid(HBias + v_{k+1} W) (Layer W = m.W, (nv, nh))
//
// and a factorial top layer (layer depth: a hidden copy when depth is
// odd, a visible one when even) as top says (TopBias or TopUniform).
// Sampling the net top-down runs depth half-steps of the RBM's block Gibbs
// chain, so its visible distribution tends to the RBM's as depth grows;
// the upper layers then form a complementary prior that makes the
// posterior of h1 given v the RBM's factorial P(h | v).
func UnrollRBM(m *rbm.RBM, depth int, top TopDist) *Net {
	checkUnrollable(m)
	if depth < 1 {
		panic(fmt.Sprintf("sbn: UnrollRBM depth %d < 1", depth))
	}
	if top != TopBias && top != TopUniform {
		panic(fmt.Sprintf("sbn: UnrollRBM top %v is not factorial", top))
	}
	nv, nh := m.Dims()
	wt := mat32.NewDense(nh, nv, nil)
	wt.Transpose(m.W)
	n := &Net{Layers: make([]Layer, depth+1)}
	for l := range n.Layers {
		L := &n.Layers[l]
		if l%2 == 0 {
			L.Bias = slices.Clone(m.VBias)
			if l < depth {
				L.W = wt.Clone()
			}
		} else {
			L.Bias = slices.Clone(m.HBias)
			if l < depth {
				L.W = m.W.Clone()
			}
		}
		if l == depth && top == TopUniform {
			clear(L.Bias)
		}
	}
	return n
}

// UnrollPoint is one depth of UnrollCurve.
type UnrollPoint struct {
	// Depth is the number of hidden layers of the unrolled net.
	Depth int
	// KL is KL(p_RBM(v) || p_Depth(v)) in nats: how far the visible
	// distribution of the tied net is from the RBM's.
	KL float64
	// TiedDependence is the multi-information of the exact posterior
	// P(h1 | v) of the tied net (the KL from it to the product of its
	// marginals), averaged over v ~ p_RBM: 0 when the posterior is
	// factorial.
	TiedDependence float64
	// PosteriorKL is the average over v ~ p_RBM of KL(P_Depth(h1 | v) ||
	// P_RBM(h | v)): how far the tied net's posterior is from the RBM's
	// factorial conditional.
	PosteriorKL float64
	// UntiedDependence is TiedDependence for the same net with the weights
	// of every layer above h1 replaced by W + noise (untied): the prior of
	// h1 is then no longer complementary and the posterior stays
	// dependent.
	UntiedDependence float64
}

// MaxUnrollUnits is the largest nv + nh UnrollCurve accepts: it tabulates
// P(v | h) and P(h | v) for all 2^(nv+nh) pairs of states.
const MaxUnrollUnits = 24

// UnrollCurve computes exactly, for depths 1..maxDepth, how the RBM m
// (Bernoulli visible units, nv + nh <= MaxUnrollUnits) unrolled into a
// tied-weight sigmoid belief net whose top layer starts from top (see
// UnrollRBM) approaches the RBM: the KL divergence of its visible
// distribution from the RBM's (the convergence of the block Gibbs chain
// started at top, geometric in the depth), and the dependence among the
// units of h1 under the exact posterior P(h1 | v) for the tied net and for
// an untied one whose upper layers use W + N(0, s^2) noise, s the RMS of
// the entries of W (drawn from r). Distributions are exact, in float64.
func UnrollCurve(m *rbm.RBM, maxDepth int, top TopDist, r *rng.Stream) ([]UnrollPoint, error) {
	checkUnrollable(m)
	nv, nh := m.Dims()
	if nv+nh > MaxUnrollUnits {
		return nil, fmt.Errorf("%w: RBM with %d visible and %d hidden units (at most %d in all)", ErrTooLarge, nv, nh, MaxUnrollUnits)
	}
	if maxDepth < 1 {
		panic(fmt.Sprintf("sbn: UnrollCurve maxDepth %d < 1", maxDepth))
	}
	w64 := func(w *mat32.Dense) []float64 {
		x := make([]float64, nv*nh)
		for i := 0; i < nv; i++ {
			for j := 0; j < nh; j++ {
				x[i*nh+j] = float64(w.At(i, j))
			}
		}
		return x
	}
	W := w64(m.W)
	var rms float64
	for _, x := range W {
		rms += x * x
	}
	rms = math.Sqrt(rms / float64(len(W)))
	if rms == 0 {
		rms = 1
	}
	Wu := slices.Clone(W)
	for i := range Wu {
		Wu[i] += rms * r.NormFloat64()
	}
	a, b := f64(m.VBias), f64(m.HBias)
	tied := newRBMTables(W, a, b, nv, nh)
	untied := newRBMTables(Wu, a, b, nv, nh)

	// exact RBM marginals: p(v) ∝ exp(-F(v)), p(h) ∝ exp(-F(h))
	pv := tied.marginal(true)
	var startH, startV []float64
	switch top {
	case TopBias:
		startH, startV = factorial(b), factorial(a)
	case TopUniform:
		startH, startV = factorial(make([]float64, nh)), factorial(make([]float64, nv))
	case TopRBM:
		startH, startV = tied.marginal(false), pv
	default:
		panic(fmt.Sprintf("sbn: unknown top distribution %v", top))
	}
	// h1prior[K] of depth K: K=1 the start itself; K=2 one step up from a
	// visible start; K+2 = up(down(K)).
	odd, even := startH, tied.up(startV)
	oddU, evenU := startH, untied.up(startV)
	out := make([]UnrollPoint, 0, maxDepth)
	for k := 1; k <= maxDepth; k++ {
		var prior, priorU []float64
		if k%2 == 1 {
			if k > 1 {
				odd = tied.up(tied.down(odd))
				oddU = untied.up(untied.down(oddU))
			}
			prior, priorU = odd, oddU
		} else {
			if k > 2 {
				even = tied.up(tied.down(even))
				evenU = untied.up(untied.down(evenU))
			}
			prior, priorU = even, evenU
		}
		pk := tied.down(prior)
		pt := UnrollPoint{Depth: k, KL: klDiv(pv, pk)}
		pt.TiedDependence, pt.PosteriorKL = tied.dependence(pv, prior, true)
		pt.UntiedDependence, _ = tied.dependence(pv, priorU, false)
		out = append(out, pt)
	}
	return out, nil
}

func f64(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

// factorial returns the distribution prod_i Bernoulli(sigmoid(z_i)) over
// the 2^len(z) states.
func factorial(z []float64) []float64 {
	p := make([]float64, 1<<len(z))
	addFactorial(p, make([]float64, len(p)), z, 1)
	return p
}

// klDiv returns KL(p || q) = sum p log(p/q).
func klDiv(p, q []float64) float64 {
	var s float64
	for i, x := range p {
		if x > 0 {
			s += x * math.Log(x/q[i])
		}
	}
	return math.Max(s, 0)
}

// rbmTables holds P(v | h) (pvh[h*2^nv + v]) and P(h | v)
// (phv[v*2^nh + h]) of an RBM with float64 weights W (nv*nh, row-major).
type rbmTables struct {
	nv, nh   int
	W, a, b  []float64
	pvh, phv []float64
}

func newRBMTables(W, a, b []float64, nv, nh int) *rbmTables {
	t := &rbmTables{nv: nv, nh: nh, W: W, a: a, b: b}
	NV, NH := 1<<nv, 1<<nh
	t.pvh = make([]float64, NH*NV)
	t.phv = make([]float64, NV*NH)
	s := make([]float64, max(NV, NH))
	z := make([]float64, max(nv, nh))
	for h := 0; h < NH; h++ {
		zz := z[:nv]
		for i := range zz {
			zz[i] = a[i]
			for j := 0; j < nh; j++ {
				if h>>j&1 != 0 {
					zz[i] += W[i*nh+j]
				}
			}
		}
		addFactorial(t.pvh[h*NV:(h+1)*NV], s[:NV], zz, 1)
	}
	for v := 0; v < NV; v++ {
		zz := z[:nh]
		for j := range zz {
			zz[j] = b[j]
			for i := 0; i < nv; i++ {
				if v>>i&1 != 0 {
					zz[j] += W[i*nh+j]
				}
			}
		}
		addFactorial(t.phv[v*NH:(v+1)*NH], s[:NH], zz, 1)
	}
	return t
}

// down returns sum_h ph(h) P(v | h).
func (t *rbmTables) down(ph []float64) []float64 {
	NV := 1 << t.nv
	pv := make([]float64, NV)
	for h, w := range ph {
		row := t.pvh[h*NV : (h+1)*NV]
		for v, x := range row {
			pv[v] += w * x
		}
	}
	return pv
}

// up returns sum_v pv(v) P(h | v).
func (t *rbmTables) up(pv []float64) []float64 {
	NH := 1 << t.nh
	ph := make([]float64, NH)
	for v, w := range pv {
		row := t.phv[v*NH : (v+1)*NH]
		for h, x := range row {
			ph[h] += w * x
		}
	}
	return ph
}

// marginal returns the RBM's exact marginal of v (visible) or of h,
// from the free energies: p(v) ∝ exp(a·v + sum_j softplus(b_j + (v W)_j))
// and p(h) ∝ exp(b·h + sum_i softplus(a_i + (W h)_i)), in float64.
func (t *rbmTables) marginal(visible bool) []float64 {
	n, m := t.nv, t.nh
	own, other := t.a, t.b
	if !visible {
		n, m = m, n
		own, other = other, own
	}
	lp := make([]float64, 1<<n)
	for s := range lp {
		var x float64
		for i := 0; i < n; i++ {
			if s>>i&1 != 0 {
				x += own[i]
			}
		}
		for j := 0; j < m; j++ {
			z := other[j]
			for i := 0; i < n; i++ {
				if s>>i&1 != 0 {
					if visible {
						z += t.W[i*t.nh+j]
					} else {
						z += t.W[j*t.nh+i]
					}
				}
			}
			x += softplus64(z)
		}
		lp[s] = x
	}
	lz := mat32.LogSumExp64(lp)
	for s, x := range lp {
		lp[s] = math.Exp(x - lz)
	}
	return lp
}

// dependence returns, averaged over v ~ pv, the multi-information of the
// posterior P(h | v) ∝ prior(h) P(v | h) and (if withKL) its KL divergence
// from the RBM's conditional P(h | v).
func (t *rbmTables) dependence(pv, prior []float64, withKL bool) (mi, kl float64) {
	NV, NH := 1<<t.nv, 1<<t.nh
	post := make([]float64, NH)
	for v, w := range pv {
		if w == 0 {
			continue
		}
		var s float64
		for h := range post {
			post[h] = prior[h] * t.pvh[h*NV+v]
			s += post[h]
		}
		for h := range post {
			post[h] /= s
		}
		mi += w * MultiInformation(post)
		if withKL {
			kl += w * klDiv(post, t.phv[v*NH:(v+1)*NH])
		}
	}
	return mi, kl
}

// UnrollSample holds the visible samples of the unrolled net of one depth.
type UnrollSample struct {
	Depth int
	// V (n, nv) holds n independent samples of the visible layer of the
	// depth-Depth tied net: Depth half-steps of block Gibbs sampling from
	// the top distribution.
	V *mat32.Dense
	// MeanFreeEnergy is the mean of the RBM's free energy F(v) over the
	// samples, with its standard error StdErr.
	MeanFreeEnergy, StdErr float64
}

// UnrollSamples samples the visible layer of the RBM m unrolled to each of
// the given depths (see UnrollRBM), n samples per depth, for RBMs too
// large for UnrollCurve (MNIST-size). The KL divergence to the RBM cannot
// be measured there; what is measured is the mean free energy F(v) of the
// samples under the RBM, which tends to its expectation under the RBM's
// own distribution as the depth grows (lower free energy = more probable
// under the RBM): its curve against depth is the burn-in curve of the
// Gibbs chain, and it levels off once the depth-K net represents the RBM.
// The samples are returned so that they can be drawn. Depth-K samples for
// odd K come from n chains started in the hidden layer, for even K from n
// chains started in the visible layer, each run to the largest depth.
func UnrollSamples(m *rbm.RBM, depths []int, n int, top TopDist, r *rng.Stream) []UnrollSample {
	checkUnrollable(m)
	if top != TopBias && top != TopUniform {
		panic(fmt.Sprintf("sbn: UnrollSamples top %v is not factorial", top))
	}
	nv, nh := m.Dims()
	maxD := 0
	for _, d := range depths {
		if d < 1 {
			panic(fmt.Sprintf("sbn: UnrollSamples depth %d < 1", d))
		}
		maxD = max(maxD, d)
	}
	start := func(dst *mat32.Dense, bias []float32) {
		p := make([]float32, len(bias))
		if top == TopBias {
			mat32.Sigmoid(p, bias)
		} else {
			for i := range p {
				p[i] = 0.5
			}
		}
		for i := 0; i < dst.Rows; i++ {
			r.Bernoulli(dst.Row(i), p)
		}
	}
	// chain A starts in h: at half-step t it is visible when t is odd.
	ah, av := mat32.NewDense(n, nh, nil), mat32.NewDense(n, nv, nil)
	bh, bv := mat32.NewDense(n, nh, nil), mat32.NewDense(n, nv, nil)
	start(ah, m.HBias)
	start(bv, m.VBias)
	at := map[int]*mat32.Dense{}
	want := map[int]bool{}
	for _, d := range depths {
		want[d] = true
	}
	for t := 1; t <= maxD; t++ {
		if t%2 == 1 {
			m.SampleVisible(av, ah, r) // A: h -> v
			m.SampleHidden(bh, bv, r)  // B: v -> h
			if want[t] {
				at[t] = av.Clone()
			}
		} else {
			m.SampleHidden(ah, av, r)
			m.SampleVisible(bv, bh, r)
			if want[t] {
				at[t] = bv.Clone()
			}
		}
	}
	out := make([]UnrollSample, len(depths))
	f := make([]float64, n)
	for i, d := range depths {
		v := at[d]
		m.FreeEnergy(f, v)
		mean, se := meanStdErr(f)
		out[i] = UnrollSample{Depth: d, V: v.Clone(), MeanFreeEnergy: mean, StdErr: se}
	}
	return out
}
