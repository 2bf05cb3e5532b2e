package rbm

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// State is the part of a Trainer that must be saved to resume training
// exactly where it stopped: with the same model, Settings and data,
// training resumed from a saved State gives the same parameters as training
// that never stopped.
type State struct {
	// Epoch is the number of epochs completed.
	Epoch int
	// Seed is the base seed: the random streams of epoch e are derived
	// from (Seed, e) alone.
	Seed uint64
	// WInc (nv, nh), VBiasInc (nv) and HBiasInc (nh) are the momentum
	// buffers: the last parameter updates.
	WInc               *mat32.Dense
	VBiasInc, HBiasInc []float32
	// Chains holds the visible states of the persistent chains: (Chains, nv)
	// for PCD, (len(Temperatures)*Chains, nv) for PT with inverse
	// temperature t in rows [t*Chains, (t+1)*Chains). Nil for CD and before
	// the first PCD/PT epoch.
	Chains *mat32.Dense
	// HiddenMean (nh) is the running mean q of the hidden activations used
	// by the sparsity target (nil when it is off).
	HiddenMean []float32
}

// Trainer trains an RBM one epoch at a time. Its buffers are allocated
// once; a mini-batch allocates nothing.
type Trainer struct {
	Model    *RBM
	Settings Settings // with defaults filled in
	State    State

	nw      int
	pool    pool
	streams []*rng.Stream // one per worker, re-derived every epoch

	perm    []int
	data    *mat32.Dense // data of the current epoch
	checked *float32     // first element of the last data checked

	// VV is (B+C, nv): V0 (the batch, rows [0, n)) above V1 (the negative
	// visible states, rows [n, n+nn)), both divided by Sigma for Gaussian
	// units; HH (B+C, nh) holds the positive hidden probabilities above
	// -(n/nn) times the negative ones, so that the weight gradient is the
	// single product VV^T HH.
	vv, hh       *mat32.Dense
	hs           *mat32.Dense // (max(B, C), nh) sampled hidden states
	v0, v1       mat32.Dense  // views into vv
	h0, h1       mat32.Dense  // views into hh
	vvn, hhn     mat32.Dense  // views of the stacked rows in use
	hsv          mat32.Dense  // view into hs
	gv0, gv1, gv []float32    // visible sums and gradient, nv
	gh, h0sum    []float32    // hidden gradient and positive sums, nh

	// PT buffers: (T*C, nv) scaled chains, (T*C, nh) inputs and samples,
	// (T*C, nv) visible means, energies and per-row inverse temperatures.
	ptVS, ptZ, ptH, ptX *mat32.Dense
	ptE                 []float64
	ptBeta              []float32
	swapAcc, swapN      []int
	swapProb            []float64

	// per-batch values read by the workers
	n, nn    int
	b0       int
	last     bool
	opRows   int
	lr, mom  float32
	negScale float32
	bad      []bool
}

// NewTrainer returns a trainer for m with settings s (nil means defaults),
// drawing its base seed from r. To resume, replace its State by a saved one.
func NewTrainer(m *RBM, s *Settings, r *rng.Stream) *Trainer {
	m.check()
	nv, nh := m.Dims()
	t := &Trainer{Model: m, Settings: s.resolve(m)}
	st := &t.Settings
	t.State = State{
		Seed:     r.Uint64(),
		WInc:     mat32.NewDense(nv, nh, nil),
		VBiasInc: make([]float32, nv),
		HBiasInc: make([]float32, nh),
	}
	if st.SparsityTarget > 0 {
		t.State.HiddenMean = make([]float32, nh)
		for j := range t.State.HiddenMean {
			t.State.HiddenMean[j] = st.SparsityTarget
		}
	}
	b := st.BatchSize
	c := b
	if st.Method != CD {
		c = st.Chains
	}
	t.vv = mat32.NewDense(b+c, nv, nil)
	t.hh = mat32.NewDense(b+c, nh, nil)
	t.hs = mat32.NewDense(max(b, c), nh, nil)
	t.gv0, t.gv1, t.gv = make([]float32, nv), make([]float32, nv), make([]float32, nv)
	t.gh, t.h0sum = make([]float32, nh), make([]float32, nh)
	if st.Method == PT {
		tc := len(st.Temperatures) * c
		t.ptVS = mat32.NewDense(tc, nv, nil)
		t.ptX = mat32.NewDense(tc, nv, nil)
		t.ptZ = mat32.NewDense(tc, nh, nil)
		t.ptH = mat32.NewDense(tc, nh, nil)
		t.ptE = make([]float64, tc)
		t.ptBeta = make([]float32, tc)
		for i := range t.ptBeta {
			t.ptBeta[i] = float32(st.Temperatures[i/c])
		}
		nt := len(st.Temperatures) - 1
		t.swapAcc, t.swapN, t.swapProb = make([]int, nt), make([]int, nt), make([]float64, nt)
	}
	t.nw = st.Workers
	t.bad = make([]bool, t.nw)
	return t
}

// Train trains m on data (N, nv) for s.Epochs epochs (see Settings for the
// defaults) and returns the statistics of each epoch. m is trained as it
// is: call m.Init(data, r) first for a fresh model. Training stops with an
// error if the data does not fit the units (a *DataError), if the
// parameters become NaN or infinite, or if s.Recorder returns an error.
func Train(m *RBM, data *mat32.Dense, s *Settings, r *rng.Stream) (*Result, error) {
	t := NewTrainer(m, s, r)
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

// Epoch runs one epoch over data (N, nv) in a random order, then reports
// its statistics to the Recorder. Its random streams are derived from
// (State.Seed, State.Epoch), so an epoch is reproducible from a saved State.
func (t *Trainer) Epoch(data *mat32.Dense) (EpochStats, error) {
	start := time.Now()
	m, s := t.Model, &t.Settings
	m.check()
	nv, nh := m.Dims()
	if data.Cols != nv || data.Rows == 0 {
		return EpochStats{}, fmt.Errorf("rbm: data is %dx%d, model has %d visible units", data.Rows, data.Cols, nv)
	}
	if data.Rows > 0 && t.checked != &data.Data[0] {
		if err := m.CheckData(data); err != nil {
			return EpochStats{}, err
		}
		t.checked = &data.Data[0]
	}
	e := t.State.Epoch
	base := rng.New(mix(t.State.Seed, e))
	t.streams = base.Split(t.nw)
	if len(t.perm) != data.Rows {
		t.perm = make([]int, data.Rows)
	}
	base.Perm(t.perm)
	t.data = data
	if s.Method != CD && t.State.Chains == nil {
		rows := s.Chains
		if s.Method == PT {
			rows *= len(s.Temperatures)
		}
		t.State.Chains = mat32.NewDense(rows, nv, nil)
		for i := 0; i < rows; i++ {
			copy(t.State.Chains.Row(i), data.Row(base.IntN(data.Rows)))
		}
	}
	for i := range t.swapAcc {
		t.swapAcc[i], t.swapN[i], t.swapProb[i] = 0, 0, 0
	}

	t.lr = s.LearningRate / (1 + s.Decay*float32(e))
	t.mom = s.Momentum
	if e < s.MomentumEpochs {
		t.mom = s.InitialMomentum
	}
	t.pool.start(t.nw, t.work)
	defer t.pool.stop()
	bs := min(s.BatchSize, data.Rows)
	for b0 := 0; b0 < data.Rows; b0 += bs {
		n := min(bs, data.Rows-b0)
		t.batch(b0, n, base)
		t.gradient(t.lr/float32(n), t.mom)
		if err := t.apply(); err != nil {
			return EpochStats{}, fmt.Errorf("rbm: epoch %d, batch %d: %w", e+1, b0/bs+1, err)
		}
	}
	t.data = nil
	t.State.Epoch++

	st := EpochStats{
		Epoch: t.State.Epoch, LearningRate: t.lr, Momentum: t.mom,
		ReconError: math.NaN(), FreeEnergyGap: math.NaN(),
		LogZ: math.NaN(), ExactLL: math.NaN(), ExactLLValid: math.NaN(),
	}
	if s.MonitorRows > 0 {
		tr := data.Slice(0, min(s.MonitorRows, data.Rows), 0, nv)
		st.ReconError = m.ReconError(tr)
		if v := s.Validation; v != nil && v.Rows > 0 {
			k := min(s.MonitorRows, v.Rows, data.Rows)
			st.FreeEnergyGap = meanFreeEnergy(m, v.Slice(0, k, 0, nv)) - meanFreeEnergy(m, data.Slice(0, k, 0, nv))
		}
	}
	if cost, ok := m.ExactCost(); s.ExactLL == ExactAlways && ok || s.ExactLL == ExactAuto && cost <= exactAutoCost {
		lz, err := m.LogZExact()
		if err == nil {
			st.LogZ = lz
			st.ExactLL = -meanFreeEnergy(m, data) - lz
			if v := s.Validation; v != nil && v.Rows > 0 {
				st.ExactLLValid = -meanFreeEnergy(m, v) - lz
			}
		}
	}
	if s.Method == PT {
		st.SwapRates = make([]float64, len(t.swapAcc))
		st.SwapProbs = make([]float64, len(t.swapAcc))
		for i := range t.swapAcc {
			st.SwapRates[i] = float64(t.swapAcc[i]) / float64(max(t.swapN[i], 1))
			st.SwapProbs[i] = t.swapProb[i] / float64(max(t.swapN[i], 1))
		}
	}
	_ = nh
	st.Duration = time.Since(start)
	if s.Recorder != nil {
		if err := s.Recorder.Record(st); err != nil {
			return st, err
		}
	}
	return st, nil
}

// operations run by the workers on row blocks
const (
	opGather = iota
	opHidPos
	opVisCD
	opHidNeg
	opChainsIn
	opVisPCD
	opPTHid
	opPTVis
	opUpdate
)

// run runs op on rows [0, rows) split across the workers.
func (t *Trainer) run(op, rows int) {
	t.opRows = rows
	t.pool.run(op)
}

// work does worker w's share of op.
func (t *Trainer) work(w, op int) {
	m := t.Model
	lo, hi := w*t.opRows/t.nw, (w+1)*t.opRows/t.nw
	if lo == hi {
		return
	}
	r := t.streams[w]
	gauss := m.Visible == Gaussian
	switch op {
	case opGather:
		for i := lo; i < hi; i++ {
			src, dst := t.data.Row(t.perm[t.b0+i]), t.v0.Row(i)
			if gauss {
				for j, x := range src {
					dst[j] = x / m.Sigma[j]
				}
			} else {
				copy(dst, src)
			}
		}
	case opHidPos:
		m.hidActRows(&t.h0, lo, hi, 1)
		if t.Settings.Method == CD {
			for i := lo; i < hi; i++ {
				r.Bernoulli(t.hsv.Row(i), t.h0.Row(i))
			}
		}
	case opVisCD:
		m.visActRows(&t.v1, lo, hi, 1)
		if !t.last || t.Settings.SampleVisible {
			m.sampleVisRows(&t.v1, &t.v1, lo, hi, 1, r)
		}
		if gauss {
			m.scaleRows(&t.v1, &t.v1, lo, hi)
		}
	case opHidNeg:
		m.hidActRows(&t.h1, lo, hi, 1)
		if t.last {
			for i := lo; i < hi; i++ {
				mat32.Scal(t.negScale, t.h1.Row(i))
			}
		} else {
			for i := lo; i < hi; i++ {
				r.Bernoulli(t.hsv.Row(i), t.h1.Row(i))
			}
		}
	case opChainsIn:
		if gauss {
			m.scaleRows(&t.v1, t.State.Chains, lo, hi)
		} else {
			for i := lo; i < hi; i++ {
				copy(t.v1.Row(i), t.State.Chains.Row(i))
			}
		}
	case opVisPCD:
		m.visActRows(&t.v1, lo, hi, 1)
		m.sampleVisRows(t.State.Chains, &t.v1, lo, hi, 1, r)
		if gauss {
			m.scaleRows(&t.v1, t.State.Chains, lo, hi)
		} else {
			for i := lo; i < hi; i++ {
				copy(t.v1.Row(i), t.State.Chains.Row(i))
			}
		}
	case opPTHid:
		for i := lo; i < hi; i++ {
			z, h := t.ptZ.Row(i), t.ptH.Row(i)
			beta := t.ptBeta[i]
			for j := range z {
				z[j] += m.HBias[j]
				h[j] = beta * z[j]
			}
			mat32.Sigmoid(h, h)
			r.Bernoulli(h, h)
			t.ptE[i] = m.visTerm(t.State.Chains.Row(i)) - mat32.Dot(h, z)
		}
	case opPTVis:
		for i := lo; i < hi; i++ {
			beta := t.ptBeta[i]
			m.visActRows(t.ptX, i, i+1, beta)
			m.sampleVisRows(t.State.Chains, t.ptX, i, i+1, beta, r)
			if gauss {
				m.scaleRows(t.ptVS, t.State.Chains, i, i+1)
			}
		}
	case opUpdate:
		t.bad[w] = false
		st := &t.Settings
		dec := t.lr * st.WeightCost
		sp := st.SparsityTarget > 0
		q := t.State.HiddenMean
		spc := t.lr * st.SparsityCost / float32(t.n)
		for i := lo; i < hi; i++ {
			wr, ir := m.W.Row(i), t.State.WInc.Row(i)
			if sp {
				c := spc * t.gv0[i]
				for j := range ir {
					ir[j] -= c * (q[j] - st.SparsityTarget)
				}
			}
			var sum float32
			for j, x := range wr {
				d := ir[j] - dec*x
				ir[j] = d
				wr[j] = x + d
				sum += wr[j]
			}
			if math.IsNaN(float64(sum)) || math.IsInf(float64(sum), 0) {
				t.bad[w] = true
			}
		}
	}
}

// batch computes the positive and negative statistics of the mini-batch of
// rows perm[b0 : b0+n] into VV and HH (see Trainer), using base for the PT
// swaps.
func (t *Trainer) batch(b0, n int, base *rng.Stream) {
	m, s := t.Model, &t.Settings
	nv, nh := m.Dims()
	nn := n
	if s.Method != CD {
		nn = s.Chains
	}
	t.b0, t.n, t.nn = b0, n, nn
	t.negScale = -float32(n) / float32(nn)
	t.vv.SliceInto(&t.v0, 0, n, 0, nv)
	t.vv.SliceInto(&t.v1, n, n+nn, 0, nv)
	t.hh.SliceInto(&t.h0, 0, n, 0, nh)
	t.hh.SliceInto(&t.h1, n, n+nn, 0, nh)
	t.vv.SliceInto(&t.vvn, 0, n+nn, 0, nv)
	t.hh.SliceInto(&t.hhn, 0, n+nn, 0, nh)

	t.run(opGather, n)
	mat32.Gemm(false, false, 1, &t.v0, m.W, 0, &t.h0)
	t.hs.SliceInto(&t.hsv, 0, n, 0, nh)
	t.run(opHidPos, n)

	switch s.Method {
	case CD:
		for k := 0; k < s.K; k++ {
			t.last = k == s.K-1
			mat32.Gemm(false, true, 1, &t.hsv, m.W, 0, &t.v1)
			t.run(opVisCD, nn)
			mat32.Gemm(false, false, 1, &t.v1, m.W, 0, &t.h1)
			t.run(opHidNeg, nn)
		}
	case PCD:
		t.hs.SliceInto(&t.hsv, 0, nn, 0, nh)
		t.run(opChainsIn, nn)
		t.last = false
		for k := 0; k < s.K; k++ {
			mat32.Gemm(false, false, 1, &t.v1, m.W, 0, &t.h1)
			t.run(opHidNeg, nn)
			mat32.Gemm(false, true, 1, &t.hsv, m.W, 0, &t.v1)
			t.run(opVisPCD, nn)
		}
		t.last = true
		mat32.Gemm(false, false, 1, &t.v1, m.W, 0, &t.h1)
		t.run(opHidNeg, nn)
	case PT:
		rows := t.State.Chains.Rows
		vs := t.State.Chains
		if m.Visible == Gaussian {
			vs = t.ptVS
			m.scaleRows(vs, t.State.Chains, 0, rows)
		}
		for k := 0; k < s.K; k++ {
			mat32.Gemm(false, false, 1, vs, m.W, 0, t.ptZ)
			t.run(opPTHid, rows)
			t.swaps(base)
			if k == s.K-1 {
				// statistics from the chains at inverse temperature 1
				for i := 0; i < nn; i++ {
					copy(t.v1.Row(i), vs.Row(i))
					h := t.h1.Row(i)
					copy(h, t.ptZ.Row(i))
					mat32.Sigmoid(h, h)
					mat32.Scal(t.negScale, h)
				}
			}
			mat32.Gemm(false, true, 1, t.ptH, m.W, 0, t.ptX)
			t.run(opPTVis, rows)
		}
	}
}

// swapProb returns the Metropolis probability min(1, exp((bi-bj)(ei-ej)))
// of swapping a state of energy ei at inverse temperature bi with one of
// energy ej at bj.
func swapProb(bi, bj, ei, ej float64) float64 {
	return math.Min(1, math.Exp((bi-bj)*(ei-ej)))
}

// swaps proposes, for each chain, swaps of the joint states between
// neighbouring inverse temperatures, from the hottest pair down, and
// accepts them with their Metropolis probability.
func (t *Trainer) swaps(r *rng.Stream) {
	c := t.Settings.Chains
	temps := t.Settings.Temperatures
	for k := len(temps) - 2; k >= 0; k-- {
		for i := 0; i < c; i++ {
			a, b := k*c+i, (k+1)*c+i
			p := swapProb(temps[k], temps[k+1], t.ptE[a], t.ptE[b])
			t.swapN[k]++
			t.swapProb[k] += p
			if r.Float64() < p {
				t.swapAcc[k]++
				t.ptE[a], t.ptE[b] = t.ptE[b], t.ptE[a]
				swapRows(t.ptH, a, b)
				swapRows(t.ptZ, a, b)
				swapRows(t.State.Chains, a, b)
				if t.Model.Visible == Gaussian {
					swapRows(t.ptVS, a, b)
				}
			}
		}
	}
}

func swapRows(m *mat32.Dense, a, b int) {
	ra, rb := m.Row(a), m.Row(b)
	for j := range ra {
		ra[j], rb[j] = rb[j], ra[j]
	}
}

// gradient sets WInc = mom*WInc + alpha*VV^T HH (alpha = lr/n gives
// lr times the mean positive minus negative statistics) and the bias
// gradients gv (nv) and gh (nh) (means, before the learning rate).
func (t *Trainer) gradient(alpha, mom float32) {
	m, s := t.Model, &t.Settings
	n, nn := float32(t.n), float32(t.nn)
	mat32.Gemm(true, false, alpha, &t.vvn, &t.hhn, mom, t.State.WInc)
	mat32.ColSums(t.gv0, &t.v0)
	mat32.ColSums(t.gv1, &t.v1)
	for i := range t.gv {
		g := t.gv0[i]/n - t.gv1[i]/nn
		if m.Visible == Gaussian {
			g /= m.Sigma[i]
		}
		t.gv[i] = g
	}
	mat32.ColSums(t.gh, &t.hhn)
	mat32.Scal(1/n, t.gh)
	if s.SparsityTarget > 0 {
		q := t.State.HiddenMean
		mat32.ColSums(t.h0sum, &t.h0)
		d := s.SparsityDecay
		for j := range q {
			q[j] = d*q[j] + (1-d)*t.h0sum[j]/n
			t.gh[j] -= s.SparsityCost * (q[j] - s.SparsityTarget)
		}
	}
}

// apply finishes the update of W started by gradient (weight cost,
// sparsity, W += WInc) and updates the biases with momentum. It returns an
// error if a parameter became NaN or infinite.
func (t *Trainer) apply() error {
	m := t.Model
	t.run(opUpdate, m.W.Rows)
	for _, b := range t.bad {
		if b {
			return fmt.Errorf("weights became NaN or infinite (learning rate %g too large?)", t.lr)
		}
	}
	for i, g := range t.gv {
		d := t.mom*t.State.VBiasInc[i] + t.lr*g
		t.State.VBiasInc[i] = d
		m.VBias[i] += d
	}
	for j, g := range t.gh {
		d := t.mom*t.State.HBiasInc[j] + t.lr*g
		t.State.HBiasInc[j] = d
		m.HBias[j] += d
	}
	var sum float64
	for _, x := range m.VBias {
		sum += float64(x)
	}
	for _, x := range m.HBias {
		sum += float64(x)
	}
	if math.IsNaN(sum) || math.IsInf(sum, 0) {
		return fmt.Errorf("biases became NaN or infinite (learning rate %g too large?)", t.lr)
	}
	return nil
}

// pool is a small set of goroutines that run one function on worker ids
// 1..n-1 while the caller runs it as worker 0.
type pool struct {
	n  int
	fn func(w, op int)
	ch []chan int
	wg sync.WaitGroup
}

func (p *pool) start(n int, fn func(w, op int)) {
	p.n, p.fn = n, fn
	p.ch = make([]chan int, n)
	for w := 1; w < n; w++ {
		p.ch[w] = make(chan int)
		go func(w int, ch chan int) {
			for op := range ch {
				fn(w, op)
				p.wg.Done()
			}
		}(w, p.ch[w])
	}
}

func (p *pool) run(op int) {
	p.wg.Add(p.n - 1)
	for w := 1; w < p.n; w++ {
		p.ch[w] <- op
	}
	p.fn(0, op)
	p.wg.Wait()
}

func (p *pool) stop() {
	for w := 1; w < p.n; w++ {
		close(p.ch[w])
	}
	p.ch = nil
}
