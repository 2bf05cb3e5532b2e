package sbn

import (
	"fmt"
	"math"
	"time"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// DataError reports a data value that does not fit Bernoulli units.
type DataError struct {
	Row, Col int
	Value    float32
}

func (e *DataError) Error() string {
	return fmt.Sprintf("sbn: data row %d, column %d: value %g is not in [0, 1]", e.Row, e.Col, e.Value)
}

// CheckData returns a *DataError for the first value of data outside
// [0, 1] (or NaN). Values strictly between 0 and 1 are accepted and act as
// probabilities in the visible cross-entropy, but the likelihoods are those
// of binary data.
func CheckData(data *mat32.Dense) error {
	for i := 0; i < data.Rows; i++ {
		for j, x := range data.Row(i) {
			if !(x >= 0 && x <= 1) {
				return &DataError{Row: i, Col: j, Value: x}
			}
		}
	}
	return nil
}

// State is the part of a Trainer that must be saved to resume training
// exactly: with the same nets, Settings and data, training resumed from a
// saved State gives the same parameters as training that never stopped.
type State struct {
	// Epoch is the number of epochs completed.
	Epoch int
	// Seed is the base seed: the random streams of epoch e are derived
	// from (Seed, e) alone.
	Seed uint64
	// Step is the number of Adam steps taken.
	Step int
	// M and V are Adam's first and second moments, one slice per
	// parameter block, in the order of Trainer.Params.
	M, V [][]float32
}

// Trainer trains a Net and its Recognition net one epoch at a time by
// wake-sleep or reweighted wake-sleep (see Settings). Its buffers are
// allocated once; a mini-batch allocates nothing.
type Trainer struct {
	Net      *Net
	Rec      *Recognition
	Settings Settings // with defaults filled in
	State    State

	p             *pass
	params, grads [][]float32
	weight        []bool // whether params[i] is a weight matrix
	gW, gR        []*mat32.Dense
	gb, gc        [][]float32
	d, dz, dq     []*mat32.Dense // dreams (B, n_l), their logits, q errors
	dv, dzv, dqv  []mat32.Dense
	tmp           []float32
	perm          []int
	checked       *float32
	sumLSE        float64
	wake, sleep   bool
	dreamRows     int
	invM          float32
}

// NewTrainer returns a trainer for the net n and recognition net q with
// settings s (nil means defaults), drawing its base seed from r. To resume,
// replace its State by a saved one.
func NewTrainer(n *Net, q *Recognition, s *Settings, r *rng.Stream) *Trainer {
	n.check()
	q.checkFor(n)
	t := &Trainer{Net: n, Rec: q, Settings: s.resolve()}
	st := &t.Settings
	t.wake = st.Q == QWake || st.Q == QBoth
	t.sleep = st.Q == QSleep || st.Q == QBoth
	L := len(n.Layers)
	b := st.BatchSize
	t.p = newPass(n, q, b, st.K, st.Workers)
	for l := range L {
		if W := n.Layers[l].W; W != nil {
			t.addParam(W.Flat(), true)
			g := mat32.NewDense(W.Rows, W.Cols, nil)
			t.gW = append(t.gW, g)
			t.grads[len(t.grads)-1] = g.Data
		}
		t.gb = append(t.gb, make([]float32, n.size(l)))
		t.addParam(n.Layers[l].Bias, false)
		t.grads[len(t.grads)-1] = t.gb[l]
	}
	for l, W := range q.W {
		t.addParam(W.Flat(), true)
		g := mat32.NewDense(W.Rows, W.Cols, nil)
		t.gR = append(t.gR, g)
		t.grads[len(t.grads)-1] = g.Data
		t.gc = append(t.gc, make([]float32, len(q.Bias[l])))
		t.addParam(q.Bias[l], false)
		t.grads[len(t.grads)-1] = t.gc[l]
	}
	t.State.Seed = r.Uint64()
	for _, x := range t.params {
		t.State.M = append(t.State.M, make([]float32, len(x)))
		t.State.V = append(t.State.V, make([]float32, len(x)))
	}
	maxN := 0
	t.d, t.dz, t.dq = make([]*mat32.Dense, L), make([]*mat32.Dense, L), make([]*mat32.Dense, L)
	t.dv, t.dzv, t.dqv = make([]mat32.Dense, L), make([]mat32.Dense, L), make([]mat32.Dense, L)
	for l := range L {
		nl := n.size(l)
		maxN = max(maxN, nl)
		if t.sleep {
			t.d[l] = mat32.NewDense(b, nl, nil)
			t.dz[l] = mat32.NewDense(b, nl, nil)
			t.dq[l] = mat32.NewDense(b, nl, nil)
		}
	}
	t.tmp = make([]float32, maxN)
	return t
}

func (t *Trainer) addParam(x []float32, weight bool) {
	t.params = append(t.params, x)
	t.grads = append(t.grads, nil)
	t.weight = append(t.weight, weight)
}

// Params returns the parameter blocks in the order of State.M and State.V:
// for each layer of the net bottom-up its W (if any, row-major) and Bias,
// then for each layer of the recognition net its W and Bias. The slices
// alias the nets' fields.
func (t *Trainer) Params() [][]float32 { return t.params }

// Train trains the net n and its recognition net q on data (N, n_0) for
// s.Epochs epochs (see Settings for the defaults) and returns the
// statistics of each epoch. The nets are trained as they are: call
// n.Init(data, r) and q.Init(r) first for fresh ones. Training stops with
// an error if the data is not in [0, 1] (a *DataError), if a parameter
// becomes NaN or infinite, or if s.Recorder returns an error.
func Train(n *Net, q *Recognition, data *mat32.Dense, s *Settings, r *rng.Stream) (*Result, error) {
	t := NewTrainer(n, q, s, r)
	res := &Result{Trainer: t}
	for t.State.Epoch < t.Settings.Epochs {
		st, err := t.Epoch(data)
		if err != nil {
			return res, err
		}
		res.Stats = append(res.Stats, st)
	}
	return res, nil
}

// mix derives the seed of epoch e from the base seed.
func mix(seed uint64, e int) uint64 {
	x := seed ^ (uint64(e)+1)*0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Epoch runs one epoch over data (N, n_0) in a random order, then measures
// and reports its statistics. Its random streams are derived from
// (State.Seed, State.Epoch), so an epoch is reproducible from a saved State.
func (t *Trainer) Epoch(data *mat32.Dense) (EpochStats, error) {
	start := time.Now()
	n, s := t.Net, &t.Settings
	n.check()
	t.Rec.checkFor(n)
	if data.Cols != n.size(0) || data.Rows == 0 {
		return EpochStats{}, fmt.Errorf("sbn: data is %dx%d, net has %d visible units", data.Rows, data.Cols, n.size(0))
	}
	if t.checked != &data.Data[0] {
		if err := CheckData(data); err != nil {
			return EpochStats{}, err
		}
		t.checked = &data.Data[0]
	}
	e := t.State.Epoch
	base := rng.New(mix(t.State.Seed, e))
	t.p.streams = base.Split(t.p.nw)
	if len(t.perm) != data.Rows {
		t.perm = make([]int, data.Rows)
	}
	base.Perm(t.perm)
	t.p.pool.start(t.p.nw, t.work)
	bs := min(s.BatchSize, data.Rows)
	t.sumLSE = 0
	var err error
	for b0 := 0; b0 < data.Rows && err == nil; b0 += bs {
		m := min(bs, data.Rows-b0)
		t.gradients(data, t.perm, b0, m)
		if !t.adam() {
			err = fmt.Errorf("sbn: epoch %d, batch %d: parameters became NaN or infinite (learning rate %g too large?)", e+1, b0/bs+1, s.LearningRate)
		}
	}
	t.p.pool.stop()
	if err != nil {
		return EpochStats{}, err
	}
	t.State.Epoch++
	nan := math.NaN()
	st := EpochStats{
		Epoch:      t.State.Epoch,
		TrainBound: t.sumLSE / float64(data.Rows),
		LogLik:     nan, StdErr: nan, Bound: nan, BoundStdErr: nan,
		ValidLogLik: nan, ValidStdErr: nan, ValidBound: nan,
		ExactLL: nan, ExactLLValid: nan,
	}
	if s.MonitorRows > 0 {
		est := Evaluate(n, t.Rec, data.Slice(0, min(s.MonitorRows, data.Rows), 0, data.Cols), s.MonitorK, base)
		st.LogLik, st.StdErr, st.Bound, st.BoundStdErr = est.LogLik, est.StdErr, est.Bound, est.BoundStdErr
		if v := s.Validation; v != nil && v.Rows > 0 {
			est := Evaluate(n, t.Rec, v.Slice(0, min(s.MonitorRows, v.Rows), 0, v.Cols), s.MonitorK, base)
			st.ValidLogLik, st.ValidStdErr, st.ValidBound = est.LogLik, est.StdErr, est.Bound
		}
	}
	if cost, ok := n.ExactCost(); ok && (s.ExactLL == ExactAlways || s.ExactLL == ExactAuto && cost <= exactAutoCost) {
		st.ExactLL, _ = n.LogLikelihoodExact(data)
		if v := s.Validation; v != nil && v.Rows > 0 {
			st.ExactLLValid, _ = n.LogLikelihoodExact(v)
		}
	}
	st.Duration = time.Since(start)
	if s.Recorder != nil {
		if err := s.Recorder.Record(st); err != nil {
			return st, err
		}
	}
	return st, nil
}

// work is the workers' body: the pass's operations and the trainer's.
func (t *Trainer) work(w, op int) {
	p := t.p
	if op < opGenErr {
		p.work(w, op)
		return
	}
	r := p.streams[w]
	top := len(p.x) - 1
	switch op {
	case opGenErr:
		// pz[l] becomes omega * (x - sigmoid(pz)), the weighted error
		lo, hi := span(w, p.nw, p.rows)
		for i := lo; i < hi; i++ {
			om := p.omega[i]
			for l := 0; l <= top; l++ {
				z, x := p.pzv[l].Row(i), p.xv[l].Row(i)
				mat32.Sigmoid(z, z)
				for j := range z {
					z[j] = om * (x[j] - z[j])
				}
			}
		}
	case opQErr:
		lo, hi := span(w, p.nw, p.rows)
		for i := lo; i < hi; i++ {
			om := p.omega[i]
			for l := 1; l <= top; l++ {
				z, q, x := p.qzv[l].Row(i), p.qpv[l].Row(i), p.xv[l].Row(i)
				for j := range z {
					z[j] = om * (x[j] - q[j])
				}
			}
		}
	case opDreamTop, opDream:
		l := p.layer
		lo, hi := span(w, p.nw, t.dreamRows)
		b := t.Net.Layers[l].Bias
		for i := lo; i < hi; i++ {
			z, x := t.dzv[l].Row(i), t.dv[l].Row(i)
			if op == opDreamTop {
				copy(z, b)
			} else {
				for j := range z {
					z[j] += b[j]
				}
			}
			mat32.Sigmoid(z, z)
			r.Bernoulli(x, z)
		}
	case opDreamQ:
		// dq[l] = x_l - sigmoid(x_{l-1} R + c) on the dreams
		l := p.layer
		lo, hi := span(w, p.nw, t.dreamRows)
		b := t.Rec.Bias[l-1]
		for i := lo; i < hi; i++ {
			z, x := t.dqv[l].Row(i), t.dv[l].Row(i)
			for j := range z {
				z[j] += b[j]
			}
			mat32.Sigmoid(z, z)
			for j := range z {
				z[j] = x[j] - z[j]
			}
		}
	}
}

// gradients computes the gradients of the mini-batch of m examples
// src rows perm[b0 : b0+m] into t.gW, t.gb, t.gR, t.gc (ascent
// directions, means over the examples). Call with the pool started.
func (t *Trainer) gradients(src *mat32.Dense, perm []int, b0, m int) {
	p, n, q := t.p, t.Net, t.Rec
	top := len(n.Layers) - 1
	alpha := 1 / float32(m)
	t.invM = alpha
	p.forward(src, perm, b0, m)
	for _, v := range p.lse[:m] {
		t.sumLSE += v
	}
	// generative model: sum_k omega_k grad log p(v, h_k)
	p.pool.run(opGenErr)
	for l := 0; l <= top; l++ {
		if l < top {
			mat32.Gemm(true, false, alpha, &p.xv[l+1], &p.pzv[l], 0, t.gW[l])
		}
		mat32.ColSums(t.gb[l], &p.pzv[l])
		mat32.Scal(alpha, t.gb[l])
	}
	// recognition net, wake phase: sum_k omega_k grad log q(h_k | v)
	if t.wake {
		p.pool.run(opQErr)
		for l := 0; l < top; l++ {
			mat32.Gemm(true, false, alpha, &p.xv[l], &p.qzv[l+1], 0, t.gR[l])
			mat32.ColSums(t.gc[l], &p.qzv[l+1])
			mat32.Scal(alpha, t.gc[l])
		}
	}
	// recognition net, sleep phase: grad log q(h | v) on m dreams
	if t.sleep {
		t.dreamRows = m
		for l := range t.d {
			nl := n.size(l)
			t.d[l].SliceInto(&t.dv[l], 0, m, 0, nl)
			t.dz[l].SliceInto(&t.dzv[l], 0, m, 0, nl)
			t.dq[l].SliceInto(&t.dqv[l], 0, m, 0, nl)
		}
		p.layer = top
		p.pool.run(opDreamTop)
		for l := top - 1; l >= 0; l-- {
			mat32.Gemm(false, false, 1, &t.dv[l+1], n.Layers[l].W, 0, &t.dzv[l])
			p.layer = l
			p.pool.run(opDream)
		}
		var beta float32
		if t.wake {
			beta = 1
		}
		for l := 0; l < top; l++ {
			mat32.Gemm(false, false, 1, &t.dv[l], q.W[l], 0, &t.dqv[l+1])
			p.layer = l + 1
			p.pool.run(opDreamQ)
			mat32.Gemm(true, false, alpha, &t.dv[l], &t.dqv[l+1], beta, t.gR[l])
			g := t.tmp[:len(t.gc[l])]
			mat32.ColSums(g, &t.dqv[l+1])
			for j, x := range g {
				t.gc[l][j] = beta*t.gc[l][j] + alpha*x
			}
		}
	}
}

// adam takes one Adam step up the gradients (minus WeightCost times the
// weights) and reports whether the parameters stayed finite.
func (t *Trainer) adam() bool {
	s := &t.Settings
	t.State.Step++
	b1, b2 := float64(s.Beta1), float64(s.Beta2)
	k := float64(t.State.Step)
	lr := float32(float64(s.LearningRate) * math.Sqrt(1-math.Pow(b2, k)) / (1 - math.Pow(b1, k)))
	f1, f2 := s.Beta1, s.Beta2
	ok := true
	for i, x := range t.params {
		g, m, v := t.grads[i], t.State.M[i], t.State.V[i]
		wc := float32(0)
		if t.weight[i] {
			wc = s.WeightCost
		}
		var sum float32
		for j := range x {
			gj := g[j] - wc*x[j]
			m[j] = f1*m[j] + (1-f1)*gj
			v[j] = f2*v[j] + (1-f2)*gj*gj
			x[j] += lr * m[j] / (float32(math.Sqrt(float64(v[j]))) + 1e-8)
			sum += x[j]
		}
		if math.IsNaN(float64(sum)) || math.IsInf(float64(sum), 0) {
			ok = false
		}
	}
	return ok
}
