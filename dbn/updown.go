package dbn

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// UpDownSettings holds the hyper-parameters of the up-down algorithm. A nil
// *UpDownSettings means all defaults.
type UpDownSettings struct {
	// LearningRate is the step size of every parameter. The default is
	// 0.01 (a tenth of greedy training's: fine-tuning makes small changes).
	LearningRate float32
	// K is the number of Gibbs steps of contrastive learning in the top
	// RBM (Hinton et al. used 3, then 6, then 10). The default is 3.
	K int
	// WeightCost is the L2 decay of every weight matrix. The default is 0.
	WeightCost float32
	// BatchSize is the number of rows per mini-batch. The default is 100
	// (at most the number of rows).
	BatchSize int
	// Epochs is the number of epochs UpDown runs. The default is 10.
	Epochs int
	// Validation (N, Visible()) and ValidLabels (N), if not nil, are
	// classified after every epoch (DBNs with labels only).
	Validation  *mat32.Dense
	ValidLabels []int
	// Recorder, if not nil, receives the statistics of every epoch; a
	// non-nil error from it stops training and is returned.
	Recorder func(UpDownStats) error
}

func (s *UpDownSettings) resolve() UpDownSettings {
	var r UpDownSettings
	if s != nil {
		r = *s
	}
	if r.LearningRate == 0 {
		r.LearningRate = 0.01
	}
	if r.K <= 0 {
		r.K = 3
	}
	r.WeightCost = max(r.WeightCost, 0)
	if r.BatchSize <= 0 {
		r.BatchSize = 100
	}
	if r.Epochs <= 0 {
		r.Epochs = 10
	}
	return r
}

// UpDownStats are the statistics of one epoch of up-down fine-tuning.
type UpDownStats struct {
	Epoch int // epochs completed, counting from 1
	// ValidError is the error rate of Classify on Validation after the
	// epoch; NaN without Validation.
	ValidError float64
	Duration   time.Duration
}

// buf is a full-size buffer and a view of its first rows.
type buf struct {
	full *mat32.Dense
	v    mat32.Dense
}

func newBuf(rows, cols int) *buf { return &buf{full: mat32.NewDense(rows, cols, nil)} }

// rows returns the view of the first n rows (and cols columns, if > 0).
func (b *buf) rows(n int) *mat32.Dense {
	b.full.SliceInto(&b.v, 0, n, 0, b.full.Cols)
	return &b.v
}

// UpDownTrainer fine-tunes a DBN with the up-down algorithm one epoch at a
// time; a mini-batch allocates nothing.
type UpDownTrainer struct {
	DBN      *DBN
	Settings UpDownSettings // with the defaults filled in
	// Epoch is the number of epochs completed; Seed the base seed, the
	// stream of epoch e being derived from (Seed, e).
	Epoch int
	Seed  uint64

	nl       int    // number of RBMs
	wake     []*buf // wake[l] (B, n_l): data, then sampled states; wake[L-1] is a view into tv0
	pwake    []*buf // pwake[l] (B, n_l), l < L-1: generative predictions of wake[l]
	sleep    []*buf // sleep[l] (B, n_l), l < L-1: generated states (sleep[0] means)
	psleep   []*buf // psleep[l] (B, n_{l+1}): recognition predictions of sleep[l+1]
	tv0, tv1 *buf   // (B, top nv): [wake pen | targets], negative visible
	tp0, tp1 *buf   // (B, top nh): positive and negative hidden probabilities
	th       *buf   // (B, top nh): sampled hidden states
	vs       *buf   // (B, n_0): scaled visible units (Gaussian)
	pen      mat32.Dense
	penN     mat32.Dense
	colv     []float32 // scratch column sums, max width
	colv2    []float32
	perm     []int
}

// NewUpDownTrainer returns a trainer for d. The first call unties d's
// generative weights: if d.Gen is nil it becomes copies of the RBMs' W and
// VBias.
func NewUpDownTrainer(d *DBN, s *UpDownSettings, r *rng.Stream) *UpDownTrainer {
	d.check()
	if d.Gen == nil {
		d.Gen = make([]*GenLayer, len(d.Layers)-1)
		for l := range d.Gen {
			m := d.Layers[l]
			d.Gen[l] = &GenLayer{W: m.W.Clone(), Bias: slices.Clone(m.VBias)}
		}
	}
	t := &UpDownTrainer{DBN: d, Settings: s.resolve(), Seed: r.Uint64(), nl: len(d.Layers)}
	b := t.Settings.BatchSize
	L := t.nl
	top := d.Top()
	tnv, tnh := top.Dims()
	t.tv0, t.tv1 = newBuf(b, tnv), newBuf(b, tnv)
	t.tp0, t.tp1, t.th = newBuf(b, tnh), newBuf(b, tnh), newBuf(b, tnh)
	wmax := max(tnv, tnh)
	for l := 0; l < L-1; l++ {
		nv, nh := d.Layers[l].Dims()
		t.wake = append(t.wake, newBuf(b, nv))
		t.pwake = append(t.pwake, newBuf(b, nv))
		t.sleep = append(t.sleep, newBuf(b, nv))
		t.psleep = append(t.psleep, newBuf(b, nh))
		wmax = max(wmax, nv, nh)
	}
	t.vs = newBuf(b, d.Visible())
	t.colv, t.colv2 = make([]float32, wmax), make([]float32, wmax)
	return t
}

// UpDown fine-tunes d (with labels (N) in [0, d.Labels) if d.Labels > 0)
// by the up-down algorithm of Hinton, Osindero & Teh (2006, appendix B)
// for s.Epochs epochs. Each mini-batch:
//
//   - wake (up) pass: the data's states are sampled up through the
//     recognition weights; the generative weights of each directed layer
//     learn to reconstruct the layer below from the one above,
//     ΔG_l ∝ (h_l - p(h_l | h_{l+1}))^T h_{l+1};
//   - top: the top RBM learns by CD-K on [penultimate states | labels];
//   - sleep (down) pass: from the top chain's negative penultimate state,
//     states are generated down through the generative weights and the
//     recognition weights learn to recover each layer from the one below,
//     ΔW_l ∝ s_l^T (s_{l+1} - Q(s_{l+1} | s_l)).
//
// The first call unties the weights (see NewUpDownTrainer). Afterwards
// Sample, Bound and LabelLogProbs use the untied model.
func UpDown(d *DBN, data *mat32.Dense, labels []int, s *UpDownSettings, r *rng.Stream) ([]UpDownStats, error) {
	t := NewUpDownTrainer(d, s, r)
	var stats []UpDownStats
	for t.Epoch < t.Settings.Epochs {
		st, err := t.RunEpoch(data, labels)
		if err != nil {
			return stats, err
		}
		stats = append(stats, st)
	}
	return stats, nil
}

// RunEpoch runs one epoch of up-down fine-tuning over data (N, Visible())
// and labels in a random order.
func (t *UpDownTrainer) RunEpoch(data *mat32.Dense, labels []int) (UpDownStats, error) {
	start := time.Now()
	d, s := t.DBN, &t.Settings
	d.check()
	if err := checkInputs(d, data, labels); err != nil {
		return UpDownStats{}, err
	}
	if d.Layers[0].Visible == rbm.Bernoulli {
		if err := d.Layers[0].CheckData(data); err != nil {
			return UpDownStats{}, err
		}
	}
	r := rng.Derive(t.Seed, uint64(t.Epoch))
	if len(t.perm) != data.Rows {
		t.perm = make([]int, data.Rows)
	}
	r.Perm(t.perm)
	bs := min(s.BatchSize, data.Rows)
	for b0 := 0; b0 < data.Rows; b0 += bs {
		n := min(bs, data.Rows-b0)
		if err := t.batch(data, labels, t.perm[b0:b0+n], r); err != nil {
			return UpDownStats{}, fmt.Errorf("dbn: up-down epoch %d, batch %d: %w", t.Epoch+1, b0/bs+1, err)
		}
	}
	t.Epoch++
	st := UpDownStats{Epoch: t.Epoch, ValidError: math.NaN()}
	if s.Validation != nil && d.Labels > 0 {
		st.ValidError = d.ErrorRate(s.Validation, s.ValidLabels)
	}
	st.Duration = time.Since(start)
	if s.Recorder != nil {
		if err := s.Recorder(st); err != nil {
			return st, err
		}
	}
	return st, nil
}

// batch does one up-down update on the rows idx of data.
func (t *UpDownTrainer) batch(data *mat32.Dense, labels []int, idx []int, r *rng.Stream) error {
	d, s := t.DBN, &t.Settings
	L, n := t.nl, len(idx)
	top := d.Top()
	p := d.Pen()
	tnv, tnh := top.Dims()
	lr := s.LearningRate / float32(n)
	decay := 1 - s.LearningRate*s.WeightCost

	// Wake pass: gather the data and sample up.
	tv0 := t.tv0.rows(n)
	tv0.SliceInto(&t.pen, 0, n, 0, p)
	var x *mat32.Dense
	if L == 1 {
		x = &t.pen
	} else {
		x = t.wake[0].rows(n)
	}
	for i, k := range idx {
		copy(x.Row(i), data.Row(k))
	}
	for l := 0; l < L-1; l++ {
		out := &t.pen
		if l < L-2 {
			out = t.wake[l+1].rows(n)
		}
		recogUp(d.Layers[l], out, x, t.vs.rows(n))
		r.BernoulliDense(out, out)
		x = out
	}
	if d.Labels > 0 {
		for i, k := range idx {
			row := tv0.Row(i)[p:]
			clear(row)
			row[labels[k]] = 1
		}
	}
	// Generative predictions of the wake states (before any update).
	for l := 0; l < L-1; l++ {
		above := &t.pen
		if l < L-2 {
			above = t.wake[l+1].rows(n)
		}
		d.genDown(l, t.pwake[l].rows(n), above)
	}

	// Top: CD-K on [pen | labels].
	tp0, tp1, th, tv1 := t.tp0.rows(n), t.tp1.rows(n), t.th.rows(n), t.tv1.rows(n)
	mat32.Gemm(false, false, 1, tv0, top.W, 0, tp0)
	mat32.SigmoidBias(tp0, top.HBias)
	r.BernoulliDense(th, tp0)
	tv1.SliceInto(&t.penN, 0, n, 0, p)
	for k := 0; k < s.K; k++ {
		mat32.Gemm(false, true, 1, th, top.W, 0, tv1)
		mat32.SigmoidBias(&t.penN, top.VBias[:p])
		r.BernoulliDense(&t.penN, &t.penN)
		if d.Labels > 0 {
			for i := 0; i < n; i++ {
				row := tv1.Row(i)[p:]
				for c := range row {
					row[c] += top.VBias[p+c]
				}
				lse := float32(mat32.LogSumExp(row))
				for c := range row {
					row[c] = float32(math.Exp(float64(row[c] - lse)))
				}
			}
		}
		mat32.Gemm(false, false, 1, tv1, top.W, 0, tp1)
		mat32.SigmoidBias(tp1, top.HBias)
		if k < s.K-1 {
			r.BernoulliDense(th, tp1)
		}
	}

	// Sleep pass from the negative penultimate states.
	above := &t.penN
	for l := L - 2; l >= 0; l-- {
		sl := t.sleep[l].rows(n)
		d.genDown(l, sl, above)
		if l > 0 {
			r.BernoulliDense(sl, sl)
		}
		above = sl
	}
	// Recognition predictions of the sleep states (before any update).
	for l := 0; l < L-1; l++ {
		recogUp(d.Layers[l], t.psleep[l].rows(n), t.sleep[l].rows(n), t.vs.rows(n))
	}

	// Updates. Generative weights: (wake_l - pwake_l)^T wake_{l+1}.
	for l := 0; l < L-1; l++ {
		m := d.Layers[l]
		g := d.Gen[l]
		above := &t.pen
		if l < L-2 {
			above = t.wake[l+1].rows(n)
		}
		diff := t.pwake[l].rows(n)
		w := t.wake[l].rows(n)
		for i := 0; i < n; i++ {
			dr, wr := diff.Row(i), w.Row(i)
			for j, v := range wr {
				dr[j] = v - dr[j]
			}
			if m.Visible == rbm.Gaussian {
				for j := range dr {
					dr[j] /= m.Sigma[j]
				}
			}
		}
		scaleW(g.W, decay)
		mat32.Gemm(true, false, lr, diff, above, 1, g.W)
		cs := t.colv[:len(g.Bias)]
		mat32.ColSums(cs, diff)
		for j, v := range cs {
			if m.Visible == rbm.Gaussian {
				v /= m.Sigma[j]
			}
			g.Bias[j] += lr * v
		}
	}
	// Top RBM: tv0^T tp0 - tv1^T tp1.
	scaleW(top.W, decay)
	mat32.Gemm(true, false, lr, tv0, tp0, 1, top.W)
	mat32.Gemm(true, false, -lr, tv1, tp1, 1, top.W)
	cv, cv2 := t.colv[:tnv], t.colv2[:tnv]
	mat32.ColSums(cv, tv0)
	mat32.ColSums(cv2, tv1)
	for j := range cv {
		top.VBias[j] += lr * (cv[j] - cv2[j])
	}
	ch, ch2 := t.colv[:tnh], t.colv2[:tnh]
	mat32.ColSums(ch, tp0)
	mat32.ColSums(ch2, tp1)
	for j := range ch {
		top.HBias[j] += lr * (ch[j] - ch2[j])
	}
	// Recognition weights: sleep_l^T (sleep_{l+1} - psleep_l).
	for l := 0; l < L-1; l++ {
		m := d.Layers[l]
		target := &t.penN
		if l < L-2 {
			target = t.sleep[l+1].rows(n)
		}
		diff := t.psleep[l].rows(n)
		for i := 0; i < n; i++ {
			dr, tr := diff.Row(i), target.Row(i)
			for j, v := range tr {
				dr[j] = v - dr[j]
			}
		}
		in := t.sleep[l].rows(n)
		if m.Visible == rbm.Gaussian && !unitSigma(m) {
			vs := t.vs.rows(n)
			scaleBy(vs, in, m.Sigma)
			in = vs
		}
		scaleW(m.W, decay)
		mat32.Gemm(true, false, lr, in, diff, 1, m.W)
		cs := t.colv[:len(m.HBias)]
		mat32.ColSums(cs, diff)
		for j, v := range cs {
			m.HBias[j] += lr * v
		}
	}
	return checkFinite(d)
}

// scaleW multiplies w by f unless f is 1.
func scaleW(w *mat32.Dense, f float32) {
	if f == 1 {
		return
	}
	for i := 0; i < w.Rows; i++ {
		mat32.Scal(f, w.Row(i))
	}
}

// checkFinite returns an error if a bias of d is NaN or infinite (a cheap
// sign that the learning rate is too large).
func checkFinite(d *DBN) error {
	var s float64
	for _, m := range d.Layers {
		for _, v := range m.HBias {
			s += float64(v)
		}
		for _, v := range m.VBias {
			s += float64(v)
		}
	}
	for _, g := range d.Gen {
		for _, v := range g.Bias {
			s += float64(v)
		}
	}
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return fmt.Errorf("parameters became NaN or infinite (learning rate too large?)")
	}
	return nil
}
