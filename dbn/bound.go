package dbn

import (
	"errors"
	"fmt"
	"math"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// boundRows is the number of (row, sample) pairs Bound evaluates at a time.
const boundRows = 500

// MaxExactBits is the largest total number of hidden units below the top
// RBM whose joint states BoundExact enumerates.
const MaxExactBits = 20

// ErrTooLarge is returned by BoundExact when the layers below the top have
// more than MaxExactBits units in all.
var ErrTooLarge = errors.New("dbn: too many hidden units below the top for an exact bound")

// bounder evaluates log p(v, h_1, ..., h_{L-1}) (without -log Z) and
// log Q(h_1, ..., h_{L-1} | v) for rows of joint states.
type bounder struct {
	d    *DBN
	z    []*mat32.Dense // z[l] (B, n_{l+1}): pre-activations, recognition then generative
	g    []*mat32.Dense // g[l] (B, n_l): generative pre-activations of layer l
	tz   *mat32.Dense   // (B, top nh)
	lab  *mat32.Dense   // (B, Labels)
	zc   []float32
	vs   *mat32.Dense // (B, nv) scaled visible units (Gaussian)
	topF []float64
}

func newBounder(d *DBN, rows int) *bounder {
	b := &bounder{d: d}
	L := len(d.Layers)
	for l := 0; l < L-1; l++ {
		nv, nh := d.Layers[l].Dims()
		b.z = append(b.z, mat32.NewDense(rows, nh, nil))
		b.g = append(b.g, mat32.NewDense(rows, nv, nil))
	}
	_, th := d.Top().Dims()
	b.tz = mat32.NewDense(rows, th, nil)
	b.zc = make([]float32, th)
	if d.Labels > 0 {
		b.lab = mat32.NewDense(rows, d.Labels, nil)
	}
	b.vs = mat32.NewDense(rows, d.Visible(), nil)
	b.topF = make([]float64, rows)
	return b
}

// sample sets hs[l] (B, n_{l+1}) for l < L-1 to a sample of the
// recognition distribution Q given the rows of v.
func (b *bounder) sample(hs []*mat32.Dense, v *mat32.Dense, r *rng.Stream) {
	x := v
	for l := range hs {
		recogUp(b.d.Layers[l], hs[l], x, b.vs.Slice(0, v.Rows, 0, v.Cols))
		r.BernoulliDense(hs[l], hs[l])
		x = hs[l]
	}
}

// terms sets logP[i] = log p*(v_i, h_i) (the joint of the directed layers
// and the top RBM's unnormalised marginal on the penultimate layer, labels
// summed out) and logQ[i] = log Q(h_i | v_i) for the rows of v (B, nv) and
// hs[l] (B, n_{l+1}), l < L-1.
func (b *bounder) terms(logP, logQ []float64, v *mat32.Dense, hs []*mat32.Dense) {
	d := b.d
	n := v.Rows
	clear(logP)
	clear(logQ)
	x := v
	for l := range hs {
		m := d.Layers[l]
		nv, nh := m.Dims()
		// recognition: log Q(h_{l+1} | x) = sum_j h_j z_j - softplus(z_j)
		z := b.z[l].Slice(0, n, 0, nh)
		xin := x
		if m.Visible == rbm.Gaussian && !unitSigma(m) {
			xin = b.vs.Slice(0, n, 0, nv)
			scaleBy(xin, x, m.Sigma)
		}
		mat32.Gemm(false, false, 1, xin, m.W, 0, z)
		mat32.AddRowVec(z, m.HBias)
		for i := 0; i < n; i++ {
			logQ[i] += mat32.Dot(hs[l].Row(i), z.Row(i)) - mat32.SoftplusSum(z.Row(i))
		}
		// generative: log p(x | h_{l+1})
		w, bias := d.genParams(l)
		g := b.g[l].Slice(0, n, 0, nv)
		mat32.Gemm(false, true, 1, hs[l], w, 0, g)
		if m.Visible == rbm.Gaussian {
			c := 0.0
			for j := range m.Sigma {
				c += math.Log(float64(m.Sigma[j])) + 0.5*math.Log(2*math.Pi)
			}
			for i := 0; i < n; i++ {
				gr, xr := g.Row(i), x.Row(i)
				var s float64
				for j, t := range gr {
					mu := float64(bias[j]) + float64(m.Sigma[j])*float64(t)
					e := (float64(xr[j]) - mu) / float64(m.Sigma[j])
					s += e * e
				}
				logP[i] += -s/2 - c
			}
		} else {
			mat32.AddRowVec(g, bias)
			for i := 0; i < n; i++ {
				logP[i] += mat32.Dot(x.Row(i), g.Row(i)) - mat32.SoftplusSum(g.Row(i))
			}
		}
		x = hs[l]
	}
	// top: log p*(x) = log sum_{labels, h_top} exp(-E)
	t := d.Top()
	if d.Labels == 0 {
		f := b.topF[:n]
		t.FreeEnergy(f, x)
		for i := range f {
			logP[i] -= f[i]
		}
		return
	}
	p := d.Pen()
	lab := b.lab.Slice(0, n, 0, d.Labels)
	d.labelScores(lab, x, b.tz.Slice(0, n, 0, b.tz.Cols), b.zc, false)
	for i := 0; i < n; i++ {
		logP[i] += mat32.LogSumExp(lab.Row(i)) + mat32.Dot(t.VBias[:p], x.Row(i))
	}
}

func (d *DBN) checkBoundData(v *mat32.Dense) {
	d.check()
	if v.Cols != d.Visible() {
		panic(fmt.Sprintf("dbn: Bound data has %d columns, the DBN has %d visible units", v.Cols, d.Visible()))
	}
}

// Bound returns the variational lower bound on the average log p(v) of
// the rows of data (N, Visible()) (Salakhutdinov & Murray 2008), with the
// labels summed out, given the top RBM's log partition function logZTop
// (from ais.LogZ, or LogZExact for a small top):
//
//	log p(v) >= E_Q[ sum_{l<L-1} log p(h_l | h_{l+1}) + log p*(h_{L-1}) - log Q(h_1..h_{L-1} | v) ] - log Z_top
//
// with h_0 = v, Q(h_1..h_{L-1} | v) = prod_l Q(h_{l+1} | h_l) the factorial
// recognition distributions (sigmoid(HBias + h_l W)), p(h_l | h_{l+1}) the
// generative conditionals (the RBMs' W^T and VBias, or Gen), and
// log p*(x) = log sum_{c, h} exp(-E_top([x, c], h)) the top RBM's
// unnormalised marginal on the penultimate layer. The expectation is
// estimated with samples draws of h per row. It returns the mean over the
// rows of the per-row estimates and its standard error over the rows
// (which includes the sampling noise). When Q is the exact posterior (a
// second layer initialised as the first's transpose), each draw gives
// log p(v) exactly.
func Bound(d *DBN, data *mat32.Dense, logZTop float64, samples int, r *rng.Stream) (mean, stderr float64) {
	d.checkBoundData(data)
	if samples <= 0 {
		panic(fmt.Sprintf("dbn: Bound with %d samples", samples))
	}
	if data.Rows == 0 {
		return math.NaN(), math.NaN()
	}
	L := len(d.Layers)
	rows := min(boundRows, data.Rows)
	b := newBounder(d, rows)
	hs := make([]*mat32.Dense, L-1)
	for l := range hs {
		hs[l] = mat32.NewDense(rows, d.Layers[l].W.Cols, nil)
	}
	hv := make([]*mat32.Dense, L-1)
	logP, logQ := make([]float64, rows), make([]float64, rows)
	per := make([]float64, rows)
	var sum, sum2 float64
	for lo := 0; lo < data.Rows; lo += rows {
		hi := min(lo+rows, data.Rows)
		n := hi - lo
		v := data.Slice(lo, hi, 0, data.Cols)
		for l := range hv {
			hv[l] = hs[l].Slice(0, n, 0, hs[l].Cols)
		}
		clear(per[:n])
		for s := 0; s < samples; s++ {
			b.sample(hv, v, r)
			b.terms(logP[:n], logQ[:n], v, hv)
			for i := 0; i < n; i++ {
				per[i] += logP[i] - logQ[i]
			}
		}
		for i := 0; i < n; i++ {
			x := per[i]/float64(samples) - logZTop
			sum += x
			sum2 += x * x
		}
	}
	N := float64(data.Rows)
	mean = sum / N
	if data.Rows > 1 {
		vr := math.Max(sum2/N-mean*mean, 0) * N / (N - 1)
		stderr = math.Sqrt(vr / N)
	}
	return mean, stderr
}

// BoundExact returns the bound of Bound with the expectation over Q
// computed exactly, by enumerating the joint states of every layer below
// the top (at most MaxExactBits units in all; ErrTooLarge otherwise):
//
//	mean_v sum_h Q(h | v) [log p*(v, h) - log Q(h | v)] - log Z_top
func BoundExact(d *DBN, data *mat32.Dense, logZTop float64) (float64, error) {
	d.checkBoundData(data)
	L := len(d.Layers)
	bits := 0
	for l := 0; l < L-1; l++ {
		bits += d.Layers[l].W.Cols
	}
	if bits > MaxExactBits {
		return 0, fmt.Errorf("%w: %d units", ErrTooLarge, bits)
	}
	if data.Rows == 0 {
		return math.NaN(), nil
	}
	S := 1 << bits
	rows := min(S, 4096)
	b := newBounder(d, rows)
	hs := make([]*mat32.Dense, L-1)
	for l := range hs {
		hs[l] = mat32.NewDense(rows, d.Layers[l].W.Cols, nil)
	}
	hv := make([]*mat32.Dense, L-1)
	vv := mat32.NewDense(rows, d.Visible(), nil)
	logP, logQ := make([]float64, rows), make([]float64, rows)
	var total float64
	for i := 0; i < data.Rows; i++ {
		var acc float64
		for lo := 0; lo < S; lo += rows {
			n := min(rows, S-lo)
			v := vv.Slice(0, n, 0, vv.Cols)
			for k := 0; k < n; k++ {
				copy(v.Row(k), data.Row(i))
			}
			for l := range hv {
				hv[l] = hs[l].Slice(0, n, 0, hs[l].Cols)
			}
			for k := 0; k < n; k++ {
				x := uint64(lo + k)
				for l := range hv {
					row := hv[l].Row(k)
					for j := range row {
						row[j] = float32(x & 1)
						x >>= 1
					}
				}
			}
			b.terms(logP[:n], logQ[:n], v, hv)
			for k := 0; k < n; k++ {
				if q := math.Exp(logQ[k]); q > 0 {
					acc += q * (logP[k] - logQ[k])
				}
			}
		}
		total += acc
	}
	return total/float64(data.Rows) - logZTop, nil
}
