package dbn

import (
	"fmt"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// classifyRows is the number of rows LabelLogProbs pushes through at a time.
const classifyRows = 500

// LabelLogProbs sets dst (B, Labels) to log p(c | v) for each row of v
// (B, Visible()): after a mean-field up pass to the penultimate layer, the
// exact conditional of the top RBM's labels given the penultimate units
// x, with the top's hidden units summed out,
//
//	log p(c | x) = -F([x, e_c]) - log sum_c' exp(-F([x, e_c']))
//	-F([x, e_c]) = a·x + a_c + sum_j softplus(b_j + (x W_pen)_j + W_{c,j})
//
// (the a·x term cancels).
func (d *DBN) LabelLogProbs(dst, v *mat32.Dense) {
	d.check()
	if d.Labels == 0 {
		panic("dbn: LabelLogProbs needs a DBN with labels")
	}
	if v.Cols != d.Visible() || dst.Cols != d.Labels || dst.Rows != v.Rows {
		panic(fmt.Sprintf("dbn: LabelLogProbs shape mismatch: v %dx%d, dst %dx%d, want (B, %d) and (B, %d)", v.Rows, v.Cols, dst.Rows, dst.Cols, d.Visible(), d.Labels))
	}
	n := min(classifyRows, v.Rows)
	pen := mat32.NewDense(n, d.Pen(), nil)
	_, nh := d.Top().Dims()
	z := mat32.NewDense(n, nh, nil)
	zc := make([]float32, nh)
	for lo := 0; lo < v.Rows; lo += classifyRows {
		hi := min(lo+classifyRows, v.Rows)
		p := pen.Slice(0, hi-lo, 0, pen.Cols)
		d.upTo(p, v.Slice(lo, hi, 0, v.Cols), len(d.Layers)-1, false, nil)
		d.labelScores(dst.Slice(lo, hi, 0, d.Labels), p, z.Slice(0, hi-lo, 0, nh), zc, true)
	}
}

// LabelLogProbsSampled sets dst (B, Labels) to the mean, over samples
// stochastic up passes, of log p(c | x): each pass draws binary states of
// every hidden layer below the top from the recognition conditionals in
// turn, up to the penultimate states x, whose label conditional is that of
// LabelLogProbs. Hinton, Osindero & Teh (2006) classify this way, with a
// stochastic up pass repeated and the label log-probabilities averaged.
// samples < 1 counts as 1. Randomness comes from r.
func (d *DBN) LabelLogProbsSampled(dst, v *mat32.Dense, samples int, r *rng.Stream) {
	d.check()
	if d.Labels == 0 {
		panic("dbn: LabelLogProbsSampled needs a DBN with labels")
	}
	if v.Cols != d.Visible() || dst.Cols != d.Labels || dst.Rows != v.Rows {
		panic(fmt.Sprintf("dbn: LabelLogProbsSampled shape mismatch: v %dx%d, dst %dx%d, want (B, %d) and (B, %d)", v.Rows, v.Cols, dst.Rows, dst.Cols, d.Visible(), d.Labels))
	}
	samples = max(samples, 1)
	n := min(classifyRows, v.Rows)
	pen := mat32.NewDense(n, d.Pen(), nil)
	_, nh := d.Top().Dims()
	z := mat32.NewDense(n, nh, nil)
	zc := make([]float32, nh)
	one := mat32.NewDense(n, d.Labels, nil)
	acc := make([]float64, n*d.Labels)
	for lo := 0; lo < v.Rows; lo += classifyRows {
		hi := min(lo+classifyRows, v.Rows)
		p := pen.Slice(0, hi-lo, 0, pen.Cols)
		o := one.Slice(0, hi-lo, 0, d.Labels)
		a := acc[:(hi-lo)*d.Labels]
		clear(a)
		for s := 0; s < samples; s++ {
			d.upTo(p, v.Slice(lo, hi, 0, v.Cols), len(d.Layers)-1, true, r)
			d.labelScores(o, p, z.Slice(0, hi-lo, 0, nh), zc, true)
			for i := 0; i < o.Rows; i++ {
				for c, x := range o.Row(i) {
					a[i*d.Labels+c] += float64(x)
				}
			}
		}
		out := dst.Slice(lo, hi, 0, d.Labels)
		for i := 0; i < out.Rows; i++ {
			for c := range out.Row(i) {
				out.Row(i)[c] = float32(a[i*d.Labels+c] / float64(samples))
			}
		}
	}
}

// labelScores sets dst (B, Labels) to -F([x, e_c]) + (the a·x term
// omitted) for penultimate states x (B, Pen()), using scratch z (B, nh)
// and zc (nh). If normalize, each row becomes log p(c | x).
func (d *DBN) labelScores(dst, x, z *mat32.Dense, zc []float32, normalize bool) {
	t := d.Top()
	p := d.Pen()
	_, nh := t.Dims()
	mat32.Gemm(false, false, 1, x, t.W.Slice(0, p, 0, nh), 0, z)
	mat32.AddRowVec(z, t.HBias)
	for i := 0; i < x.Rows; i++ {
		zi, out := z.Row(i), dst.Row(i)
		for c := 0; c < d.Labels; c++ {
			wc := t.W.Row(p + c)
			for j, v := range zi {
				zc[j] = v + wc[j]
			}
			out[c] = float32(float64(t.VBias[p+c]) + mat32.SoftplusSum(zc))
		}
		if normalize {
			lse := float32(mat32.LogSumExp(out))
			for c := range out {
				out[c] -= lse
			}
		}
	}
}

// Classify sets dst[i] to the most probable label of row i of v (B,
// Visible()): the class c whose free energy F([x, e_c]) in the top RBM is
// lowest, x being the up pass of v (see LabelLogProbs).
func (d *DBN) Classify(dst []int, v *mat32.Dense) {
	if len(dst) != v.Rows {
		panic(fmt.Sprintf("dbn: Classify of %d rows into %d", v.Rows, len(dst)))
	}
	lp := mat32.NewDense(v.Rows, d.Labels, nil)
	d.LabelLogProbs(lp, v)
	for i := range dst {
		dst[i] = argmax(lp.Row(i))
	}
}

// ErrorRateSampled is ErrorRate with classification by
// LabelLogProbsSampled: the class of the highest mean label
// log-probability over samples stochastic up passes.
func (d *DBN) ErrorRateSampled(v *mat32.Dense, labels []int, samples int, r *rng.Stream) float64 {
	if len(labels) != v.Rows {
		panic(fmt.Sprintf("dbn: ErrorRateSampled of %d rows with %d labels", v.Rows, len(labels)))
	}
	if v.Rows == 0 {
		return 0
	}
	lp := mat32.NewDense(v.Rows, d.Labels, nil)
	d.LabelLogProbsSampled(lp, v, samples, r)
	wrong := 0
	for i, c := range labels {
		if argmax(lp.Row(i)) != c {
			wrong++
		}
	}
	return float64(wrong) / float64(v.Rows)
}

func argmax(x []float32) int {
	k := 0
	for j, v := range x {
		if v > x[k] {
			k = j
		}
	}
	return k
}

// ErrorRate returns the fraction of rows of v (N, Visible()) that Classify
// labels differently from labels (N); 0 for no rows.
func (d *DBN) ErrorRate(v *mat32.Dense, labels []int) float64 {
	if len(labels) != v.Rows {
		panic(fmt.Sprintf("dbn: ErrorRate of %d rows with %d labels", v.Rows, len(labels)))
	}
	if v.Rows == 0 {
		return 0
	}
	pred := make([]int, v.Rows)
	d.Classify(pred, v)
	wrong := 0
	for i, c := range pred {
		if c != labels[i] {
			wrong++
		}
	}
	return float64(wrong) / float64(v.Rows)
}
