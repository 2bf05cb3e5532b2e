package sbn

import (
	"errors"
	"fmt"
	"math"

	"github.com/belief-ml/belief/mat32"
)

// MaxExactCost is the largest amount of work the exact functions accept:
// the sum over pairs of adjacent layers (above the visible one) of
// 2^(n_l + n_{l+1}), plus 2^n_1 (n_0 + n_1) for the first hidden layer.
const MaxExactCost = 1 << 30

// ErrTooLarge is returned by the exact functions when the net has too many
// hidden states to enumerate.
var ErrTooLarge = errors.New("sbn: net too large for exact enumeration")

// ExactCost returns the work of the exact functions (see MaxExactCost) and
// whether it is within MaxExactCost.
func (n *Net) ExactCost() (cost float64, ok bool) {
	n.check()
	for l := 1; l+1 < len(n.Layers); l++ {
		cost += math.Ldexp(1, n.size(l)+n.size(l+1))
	}
	cost += math.Ldexp(float64(n.size(0)+n.size(1)), n.size(1))
	ok = cost <= MaxExactCost && n.size(1) <= 30
	for l := 1; l < len(n.Layers); l++ {
		ok = ok && n.size(l) <= 30
	}
	return cost, ok
}

func (n *Net) exactCheck() error {
	if _, ok := n.ExactCost(); !ok {
		return fmt.Errorf("%w: layer sizes %v", ErrTooLarge, n.Sizes())
	}
	return nil
}

// sigmoid64 returns 1/(1+exp(-z)).
func sigmoid64(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// softplus64 returns log(1+exp(z)) without overflow.
func softplus64(z float64) float64 {
	if z > 0 {
		return z + math.Log1p(math.Exp(-z))
	}
	return math.Log1p(math.Exp(z))
}

// addFactorial adds scale * prod_i p_i^{x_i} (1-p_i)^{1-x_i} to dst[x] for
// every state x in [0, 2^len(z)) (bit i of x is unit i), where p_i =
// sigmoid(z_i). s is scratch of len(dst) = 2^len(z).
func addFactorial(dst, s []float64, z []float64, scale float64) {
	s[0] = scale
	for i, zi := range z {
		p, q := sigmoid64(zi), sigmoid64(-zi)
		h := 1 << i
		for x := 0; x < h; x++ {
			s[x|h] = s[x] * p
			s[x] *= q
		}
	}
	for x, v := range s {
		dst[x] += v
	}
}

// stateLogits sets z (n_l) to Bias_l + sum_k bit_k(s) W_l[k, :] in float64.
func (n *Net) stateLogits(z []float64, l int, s int) {
	L := &n.Layers[l]
	for i, b := range L.Bias {
		z[i] = float64(b)
	}
	for k := 0; s != 0; k, s = k+1, s>>1 {
		if s&1 != 0 {
			for i, w := range L.W.Row(k) {
				z[i] += float64(w)
			}
		}
	}
}

// topDist returns the factorial distribution of the top layer.
func (n *Net) topDist() []float64 {
	t := len(n.Layers) - 1
	nt := n.size(t)
	p := make([]float64, 1<<nt)
	z := make([]float64, nt)
	for i, b := range n.Layers[t].Bias {
		z[i] = float64(b)
	}
	addFactorial(p, make([]float64, len(p)), z, 1)
	return p
}

// down returns the distribution of layer l given the distribution pUp of
// layer l+1: p_l(x) = sum_s pUp(s) p(x | s).
func (n *Net) down(pUp []float64, l int) []float64 {
	nl := n.size(l)
	p := make([]float64, 1<<nl)
	s := make([]float64, len(p))
	z := make([]float64, nl)
	for st, w := range pUp {
		if w == 0 {
			continue
		}
		n.stateLogits(z, l, st)
		addFactorial(p, s, z, w)
	}
	return p
}

// marginalsFrom returns the distributions of layers lo..top (indexed by
// layer; entries below lo are nil), starting at the top from top (nil
// means the factorial prior of the net).
func (n *Net) marginalsFrom(top []float64, lo int) [][]float64 {
	t := len(n.Layers) - 1
	m := make([][]float64, len(n.Layers))
	if top == nil {
		top = n.topDist()
	}
	m[t] = top
	for l := t - 1; l >= lo; l-- {
		m[l] = n.down(m[l+1], l)
	}
	return m
}

// LayerMarginals returns, for every hidden layer l >= 1, the exact
// marginal distribution of its states: m[l][x] = p(x_l = x) over the 2^n_l
// states x, whose bit i is unit i. m[0] is nil (use LogProbExact for the
// visible layer). It enumerates the states of adjacent layers top-down and
// returns ErrTooLarge when that is more than MaxExactCost.
func (n *Net) LayerMarginals() ([][]float64, error) {
	if err := n.exactCheck(); err != nil {
		return nil, err
	}
	return n.marginalsFrom(nil, 1), nil
}

// visLogLik sets dst[r] to log sum_s p1[s] p(v_r | x_1 = s) for every row
// of v, with online log-sum-exps over the states s of layer 1.
func (n *Net) visLogLik(dst []float64, v *mat32.Dense, p1 []float64) {
	n0 := n.size(0)
	z := make([]float64, n0)
	mx := make([]float64, v.Rows)
	acc := make([]float64, v.Rows)
	for i := range mx {
		mx[i] = math.Inf(-1)
	}
	for s, w := range p1 {
		if w == 0 {
			continue
		}
		n.stateLogits(z, 0, s)
		var sp float64
		for _, zi := range z {
			sp += softplus64(zi)
		}
		lw := math.Log(w) - sp
		for r := 0; r < v.Rows; r++ {
			x := lw
			for i, vi := range v.Row(r) {
				x += float64(vi) * z[i]
			}
			switch {
			case x > mx[r]:
				acc[r] = acc[r]*math.Exp(mx[r]-x) + 1
				mx[r] = x
			default:
				acc[r] += math.Exp(x - mx[r])
			}
		}
	}
	for r := range dst {
		dst[r] = mx[r] + math.Log(acc[r])
	}
}

// LogProbExact sets dst[r] to the exact log p(v_r) of each row of v
// (B, n_0), by enumerating the states of the hidden layers: the marginal of
// layer 1 is computed top-down (LayerMarginals), then
// log p(v) = log sum_s p(x_1 = s) p(v | s), in float64. It returns
// ErrTooLarge when the net is too large (see MaxExactCost).
func (n *Net) LogProbExact(dst []float64, v *mat32.Dense) error {
	n.check()
	if v.Cols != n.size(0) || len(dst) != v.Rows {
		panic(fmt.Sprintf("sbn: LogProbExact v is %dx%d and len(dst)=%d, want (B, %d) and B", v.Rows, v.Cols, len(dst), n.size(0)))
	}
	if err := n.exactCheck(); err != nil {
		return err
	}
	m := n.marginalsFrom(nil, 1)
	n.visLogLik(dst, v, m[1])
	return nil
}

// LogLikelihoodExact returns the mean of the exact log p(v) over the rows
// of data (B, n_0), in nats. It returns ErrTooLarge like LogProbExact.
func (n *Net) LogLikelihoodExact(data *mat32.Dense) (float64, error) {
	lp := make([]float64, data.Rows)
	if err := n.LogProbExact(lp, data); err != nil {
		return 0, err
	}
	var s float64
	for _, x := range lp {
		s += x
	}
	return s / float64(len(lp)), nil
}

// PosteriorExact returns the exact posterior of the first hidden layer
// given the visible vector v (n_0): post[s] = P(x_1 = s | v) over the 2^n_1
// states s (bit j of s is unit j), with the upper layers summed out, and
// log p(v). For a two-layer net this is the whole posterior. It returns
// ErrTooLarge like LogProbExact.
func (n *Net) PosteriorExact(v []float32) (post []float64, logp float64, err error) {
	n.check()
	if len(v) != n.size(0) {
		panic(fmt.Sprintf("sbn: PosteriorExact len(v)=%d, want %d", len(v), n.size(0)))
	}
	if err := n.exactCheck(); err != nil {
		return nil, 0, err
	}
	m := n.marginalsFrom(nil, 1)
	post, logp = n.posterior(m[1], v)
	return post, logp, nil
}

// posterior returns P(x_1 = s | v) ∝ p1[s] p(v | s) and log p(v).
func (n *Net) posterior(p1 []float64, v []float32) ([]float64, float64) {
	post := make([]float64, len(p1))
	z := make([]float64, n.size(0))
	mx := math.Inf(-1)
	for s, w := range p1 {
		if w == 0 {
			post[s] = math.Inf(-1)
			continue
		}
		n.stateLogits(z, 0, s)
		x := math.Log(w)
		for i, zi := range z {
			x += float64(v[i])*zi - softplus64(zi)
		}
		post[s] = x
		mx = math.Max(mx, x)
	}
	var sum float64
	for s, x := range post {
		post[s] = math.Exp(x - mx)
		sum += post[s]
	}
	for s := range post {
		post[s] /= sum
	}
	return post, mx + math.Log(sum)
}

// MultiInformation returns the multi-information of a distribution p over
// the 2^k states of k binary units (bit j of the index is unit j): the KL
// divergence from p to the product of its marginals,
// sum_j H(p_j) - H(p), in nats. It is 0 exactly when the units are
// independent under p.
func MultiInformation(p []float64) float64 {
	k := 0
	for 1<<k < len(p) {
		k++
	}
	if 1<<k != len(p) {
		panic(fmt.Sprintf("sbn: MultiInformation needs 2^k probabilities, got %d", len(p)))
	}
	var h float64
	m := make([]float64, k)
	for s, x := range p {
		if x > 0 {
			h -= x * math.Log(x)
		}
		for j := range m {
			if s>>j&1 != 0 {
				m[j] += x
			}
		}
	}
	mi := -h
	for _, q := range m {
		mi += binEntropy(q)
	}
	return math.Max(mi, 0)
}

// binEntropy returns -q log q - (1-q) log(1-q).
func binEntropy(q float64) float64 {
	var h float64
	if q > 0 {
		h -= q * math.Log(q)
	}
	if q < 1 {
		h -= (1 - q) * math.Log(1-q)
	}
	return h
}
