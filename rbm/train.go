package rbm

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
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
	checked dataKey      // the last data checked

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
	opRows   int
	lr, mom  float32
	alpha    float32 // gradient scale and momentum of the running gradStep
	gmom     float32
	fuse     bool // gradStep also updates W
	negScale float32
	bad      []bool
	views    []workerViews // one per worker
	acc      [][]float32   // per worker, nh: column sums of its rows of W

	// CD and PCD multiply by W and W^T packed once per batch: the
	// gradient tasks repack their rows of W as they update them. pwValid says that the
	// packings hold the current W (reset at the start of every epoch).
	pw, pwt packedOp
	pwValid bool
	// phh is HH packed for the gradient by the CD/PCD tasks; phhValid
	// says that it holds the current batch (full batches only).
	phh      packedOp
	phhValid bool

	cstreams []*rng.Stream // one per CD task, re-derived every epoch

	// Sparse products (see sparse.go). sparse says that this epoch's data
	// are binary with few ones (csr lists them, built for the data whose
	// key is csrFor; csrOK caches the verdict), so that products
	// with V0 are sums of rows; v1sparse that the negative visible states
	// are binary too, and then no product needs pw.
	sparse, v1sparse bool
	csr              rowLists
	csrFor           dataKey
	csrOK            bool
	c0               colLists         // the ones of V0 by column, per batch
	gcols1           []colLists       // per gradient task, the ones of V1 in its columns
	v1ones           [][]int32        // (max(B, C)) the ones of each row of V1, cap nv
	rowLists         []mat32.RowLists // per worker, for sumRowsOfW
	// phn is -(n/nn) H1 packed for the dense V1^T H1 half of a sparse
	// gradient; phnValid says that it holds the current batch.
	phn      packedOp
	phnValid bool
}

// workerViews are a worker's matrix headers for the views it multiplies,
// kept in the Trainer so that taking a view allocates nothing.
type workerViews struct {
	a, b, c, d mat32.Dense
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
	t.views = make([]workerViews, t.nw)
	if st.Method == CD || st.Method == PCD {
		// On AMX tiles the dense products with binary data are cheaper
		// than the sums of rows (sparseCapable).
		amx := st.Products.bf16(st.Method) && mat32.AMX()
		t.pw = newPackedOp(nv, nh, false, amx)
		t.pwt = newPackedOp(nh, nv, true, amx)
		t.phh = newPackedOp(b+c, nh, false, amx)
		t.phn = newPackedOp(c, nh, false, amx)
		tasks := (nv + gradRowsPerTask - 1) / gradRowsPerTask
		t.c0 = newColLists(nv, b*nv)
		t.gcols1 = make([]colLists, tasks)
		for k := range tasks {
			t.gcols1[k] = newColLists(gradRowsPerTask, c*gradRowsPerTask)
		}
		t.rowLists = make([]mat32.RowLists, t.nw)
		t.v1ones = make([][]int32, max(b, c))
		for i := range t.v1ones {
			t.v1ones[i] = make([]int32, 0, nv)
		}
		// Epoch re-derives these; tests that drive batches directly use
		// them as they are.
		t.cstreams = rng.New(mix(t.State.Seed, -1)).Split(max(4, 2*st.Workers))
	}
	t.acc = make([][]float32, t.nw)
	for w := range t.acc {
		t.acc[w] = make([]float32, nh)
	}
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
	key := keyOf(data)
	if t.checked != key {
		if err := m.CheckData(data); err != nil {
			return EpochStats{}, err
		}
		t.checked = key
	}
	if t.csrFor != key {
		t.csrOK = t.sparseCapable() && t.csr.build(data)
		t.csrFor = key
	}
	t.sparse = t.csrOK
	t.v1sparse = t.sparse && (s.Method == PCD || s.SampleVisible)
	e := t.State.Epoch
	base := rng.New(mix(t.State.Seed, e))
	t.streams = base.Split(t.nw)
	if s.Method == CD || s.Method == PCD {
		t.cstreams = base.Split(max(4, 2*t.nw))
	}
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
	t.pwValid = false
	t.pool.start(t.nw, t.work)
	defer t.pool.stop()
	bs := min(s.BatchSize, data.Rows)
	for b0 := 0; b0 < data.Rows; b0 += bs {
		n := min(bs, data.Rows-b0)
		t.batch(b0, n, base)
		if err := t.update(t.lr/float32(n), t.mom); err != nil {
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

// sparseCapable reports whether the trainer may use sparse products: CD or
// PCD on Bernoulli (and softmax) visible units, with mat32's vector kernel.
func (t *Trainer) sparseCapable() bool {
	s := &t.Settings
	return !s.DenseProducts && mat32.AddRowsSIMD() && t.Model.Visible != Gaussian &&
		(s.Method == CD || s.Method == PCD) && t.pw.b == nil
}

// dataKey identifies a data matrix by its first element and shape, so
// that the checks and the sparse row lists are redone only for new data
// (the data must not change between epochs).
type dataKey struct {
	first              *float32
	rows, cols, stride int
}

func keyOf(d *mat32.Dense) dataKey { return dataKey{&d.Data[0], d.Rows, d.Cols, d.Stride} }

// operations run by the workers on row blocks
const (
	opGather = iota
	opHidPos
	opPTHid
	opPTVis
	opUpdate
	opCD // CD and PCD
	opGrad
)

// run runs op on rows [0, rows) split into one task per worker (any
// worker may run any task; task k uses random stream k).
func (t *Trainer) run(op, rows int) {
	t.opRows = rows
	t.pool.run(op, t.nw)
}

// work runs task k of op on worker w.
func (t *Trainer) work(w, op, k int) {
	switch op {
	case opCD:
		t.cdTask(w, k)
		return
	case opGrad:
		t.gradTask(w, k)
		return
	}
	m := t.Model
	lo, hi := k*t.opRows/t.nw, (k+1)*t.opRows/t.nw
	if lo == hi {
		return
	}
	r := t.streams[k]
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
		t.updateRows(w, lo, hi)
	}
}

// Dynamic scheduling: opCD and opGrad cut their work into more tasks than
// workers, which take the next task as they finish one (see pool), so that
// a worker the OS pauses on a busy machine does not hold up the others.
// Each CD task has its own random stream, so the results do not depend on
// which worker runs it.
const (
	// gradRowsPerTask is the number of rows of W per gradient task: a
	// multiple of the micro-kernels' panel widths (4, 16, 32), for
	// repacking, and close to a multiple of their panel heights (4, 6, 14).
	gradRowsPerTask = 96
	// gradColTasks is the number of tasks summing the hidden columns.
	gradColTasks = 2
)

// cdChunks returns the number of CD tasks for a batch of n rows.
func (t *Trainer) cdChunks(n int) int {
	return max(1, min(len(t.cstreams), (n+7)/8))
}

// phhK returns the number of rows of HH that phh holds.
func (t *Trainer) phhK() int {
	k, _ := t.phh.Dims()
	return k
}

// cdRange returns the rows [lo, hi) of n that task c of chunks takes:
// blocks of a multiple of the GEMM micro-kernel's rows, so that the
// products of a task run full kernels (the last task may get fewer rows,
// or none).
func cdRange(c, chunks, n int) (lo, hi int) {
	mr := mat32.GemmRowBlock()
	per := (n + chunks - 1) / chunks
	per = (per + mr - 1) / mr * mr
	return min(n, c*per), min(n, (c+1)*per)
}

// cdTask runs CD or PCD task c on worker w: for CD the chain of rows
// cdRange(c, chunks, n) of the batch, for PCD the positive phase of
// those rows and the persistent chains cdRange(c, chunks, nn),
// with random stream c; then the packing of those rows of HH for the
// gradient.
func (t *Trainer) cdTask(w, c int) {
	n, nn := t.n, t.nn
	chunks := t.cdChunks(max(n, nn))
	if c == chunks {
		_, nv := t.v0.Dims()
		buildColsRange(&t.c0, n, 0, nv, batchRows{&t.csr, t.perm, t.b0})
		return
	}
	lo, hi := cdRange(c, chunks, n)
	clo, chi := cdRange(c, chunks, nn)
	if lo == hi && clo == chi {
		return
	}
	if t.Settings.Method == CD {
		t.cdRows(w, lo, hi, t.cstreams[c])
	} else {
		t.posRows(w, lo, hi)
		t.pcdRows(w, clo, chi, t.cstreams[c])
	}
	switch {
	case t.sparse:
		if t.phnValid && !t.v1sparse {
			t.phn.PackRows(&t.h1, clo, chi)
		}
	case t.phhValid:
		t.phh.PackRows(&t.hhn, lo, hi)
		t.phh.PackRows(&t.hhn, n+clo, n+chi)
	}
}

// cdRows runs the whole CD-k chain for rows [lo, hi) of the batch: the
// rows are independent, so a worker needs no other worker's results.
func (t *Trainer) cdRows(w, lo, hi int, r *rng.Stream) {
	m := t.Model
	nv, nh := m.Dims()
	gauss := m.Visible == Gaussian
	vw := &t.views[w]
	t.posRows(w, lo, hi)
	for i := lo; i < hi; i++ {
		r.Bernoulli(t.hsv.Row(i), t.h0.Row(i))
	}
	v, h, hs := &vw.a, &vw.b, &vw.c
	t.hsv.SliceInto(hs, lo, hi, 0, nh)
	t.v1.SliceInto(v, lo, hi, 0, nv)
	t.h1.SliceInto(h, lo, hi, 0, nh)
	for k := 0; k < t.Settings.K; k++ {
		last := k == t.Settings.K-1
		t.pwt.mul(false, 1, hs, 0, v)
		m.visActRows(&t.v1, lo, hi, 1)
		if !last || t.Settings.SampleVisible {
			m.sampleVisRows(&t.v1, &t.v1, lo, hi, 1, r)
		}
		if gauss {
			m.scaleRows(&t.v1, &t.v1, lo, hi)
		}
		if t.sparse && (!last || t.Settings.SampleVisible) {
			for i := lo; i < hi; i++ {
				t.v1ones[i] = mat32.Nonzeros(t.v1ones[i][:0], t.v1.Row(i))
			}
			sumRowsOfW(t, w, &t.h1, lo, hi, sliceRows(t.v1ones))
		} else {
			t.pw.mul(false, 1, v, 0, h)
		}
		m.hidActRows(&t.h1, lo, hi, 1)
		for i := lo; i < hi; i++ {
			if last {
				if !t.sparse { // the sparse gradient scales H1 itself
					mat32.Scal(t.negScale, t.h1.Row(i))
				}
			} else {
				r.Bernoulli(t.hsv.Row(i), t.h1.Row(i))
			}
		}
	}
}

// posRows gathers rows [lo, hi) of the batch into V0 (scaled for Gaussian
// units) and sets those rows of H0 to the hidden probabilities.
func (t *Trainer) posRows(w, lo, hi int) {
	m := t.Model
	nv, nh := m.Dims()
	gauss := m.Visible == Gaussian
	vw := &t.views[w]
	if t.sparse {
		// V0 (left unset) is binary: each row of H0 is a sum of rows of W
		sumRowsOfW(t, w, &t.h0, lo, hi, batchRows{&t.csr, t.perm, t.b0})
		m.hidActRows(&t.h0, lo, hi, 1)
		return
	}
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
	v, h := &vw.a, &vw.b
	t.v0.SliceInto(v, lo, hi, 0, nv)
	t.h0.SliceInto(h, lo, hi, 0, nh)
	t.pw.mul(false, 1, v, 0, h)
	m.hidActRows(&t.h0, lo, hi, 1)
}

// pcdRows runs rows [lo, hi) of the persistent chains for K steps and
// sets those rows of V1 and H1 to the chains' visible states (scaled for
// Gaussian units) and their hidden probabilities times negScale.
func (t *Trainer) pcdRows(w, lo, hi int, r *rng.Stream) {
	m := t.Model
	nv, nh := m.Dims()
	gauss := m.Visible == Gaussian
	vw := &t.views[w]
	ch := t.State.Chains
	if gauss {
		m.scaleRows(&t.v1, ch, lo, hi)
	} else {
		for i := lo; i < hi; i++ {
			copy(t.v1.Row(i), ch.Row(i))
		}
	}
	v, h, hs := &vw.a, &vw.b, &vw.c
	t.v1.SliceInto(v, lo, hi, 0, nv)
	t.h1.SliceInto(h, lo, hi, 0, nh)
	t.hsv.SliceInto(hs, lo, hi, 0, nh)
	for k := 0; k < t.Settings.K; k++ {
		if t.v1sparse {
			for i := lo; i < hi; i++ {
				t.v1ones[i] = mat32.Nonzeros(t.v1ones[i][:0], ch.Row(i))
			}
			sumRowsOfW(t, w, &t.h1, lo, hi, sliceRows(t.v1ones))
		} else {
			t.pw.mul(false, 1, v, 0, h)
		}
		m.hidActRows(&t.h1, lo, hi, 1)
		for i := lo; i < hi; i++ {
			r.Bernoulli(t.hsv.Row(i), t.h1.Row(i))
		}
		t.pwt.mul(false, 1, hs, 0, v)
		m.visActRows(&t.v1, lo, hi, 1)
		m.sampleVisRows(ch, &t.v1, lo, hi, 1, r)
		if gauss {
			m.scaleRows(&t.v1, ch, lo, hi)
		} else {
			for i := lo; i < hi; i++ {
				copy(t.v1.Row(i), ch.Row(i))
			}
		}
	}
	if t.v1sparse {
		for i := lo; i < hi; i++ {
			t.v1ones[i] = mat32.Nonzeros(t.v1ones[i][:0], ch.Row(i))
		}
		sumRowsOfW(t, w, &t.h1, lo, hi, sliceRows(t.v1ones))
	} else {
		t.pw.mul(false, 1, v, 0, h)
	}
	m.hidActRows(&t.h1, lo, hi, 1)
	if !t.sparse { // the sparse gradient scales H1 itself
		for i := lo; i < hi; i++ {
			mat32.Scal(t.negScale, t.h1.Row(i))
		}
	}
}

// gradTasks returns the number of gradient tasks.
func (t *Trainer) gradTasks() int {
	nv, _ := t.Model.Dims()
	return gradColTasks + (nv+gradRowsPerTask-1)/gradRowsPerTask
}

// gradTask runs gradient task c on worker w. Tasks [0, gradColTasks) sum blocks of hidden columns (gh, and h0sum for the
// sparsity target); the others each take gradRowsPerTask rows of W
// (visible units): WInc = mom*WInc + alpha*VV^T HH and the visible sums,
// then, if t.fuse, the rest of the update of those rows (see updateRows)
// while they are in cache.
func (t *Trainer) gradTask(w, c int) {
	m := t.Model
	nv, nh := m.Dims()
	vw := &t.views[w]
	if c < gradColTasks {
		j0, j1 := c*nh/gradColTasks, (c+1)*nh/gradColTasks
		if j0 == j1 {
			return
		}
		gh := t.gh[j0:j1]
		t.h0.SliceInto(&vw.c, 0, t.h0.Rows, j0, j1)
		if t.Settings.SparsityTarget > 0 {
			colSums(t.h0sum[j0:j1], &vw.c)
		}
		if t.sparse {
			// H1 is not scaled yet: gh = sums of H0 + negScale * sums of H1
			if t.Settings.SparsityTarget > 0 {
				copy(gh, t.h0sum[j0:j1])
			} else {
				colSums(gh, &vw.c)
			}
			t.h1.SliceInto(&vw.c, 0, t.h1.Rows, j0, j1)
			for i := 0; i < vw.c.Rows; i++ {
				mat32.Axpy(t.negScale, vw.c.Row(i), gh)
			}
		} else {
			t.hhn.SliceInto(&vw.c, 0, t.hhn.Rows, j0, j1)
			colSums(gh, &vw.c)
		}
		return
	}
	c -= gradColTasks
	i0, i1 := c*gradRowsPerTask, min(nv, (c+1)*gradRowsPerTask)
	if t.sparse {
		t.sparseGrad(w, c, i0, i1)
		if t.fuse {
			t.updateRows(w, i0, i1)
		}
		return
	}
	t.vvn.SliceInto(&vw.a, 0, t.vvn.Rows, i0, i1)
	t.State.WInc.SliceInto(&vw.b, i0, i1, 0, nh)
	if t.phhValid {
		t.phh.mul(true, t.alpha, &vw.a, t.gmom, &vw.b)
	} else {
		mat32.GemmSerial(true, false, t.alpha, &vw.a, &t.hhn, t.gmom, &vw.b)
	}
	t.v0.SliceInto(&vw.a, 0, t.v0.Rows, i0, i1)
	colSums(t.gv0[i0:i1], &vw.a)
	t.v1.SliceInto(&vw.a, 0, t.v1.Rows, i0, i1)
	colSums(t.gv1[i0:i1], &vw.a)
	if t.fuse {
		t.updateRows(w, i0, i1)
	}
}

// sparseGrad is the weight part of gradTask for rows [i0, i1) of W with
// sparse products: the V0^T H0 half (and for v1sparse the V1^T H1 half) as
// sums of rows of H0 (H1), the other half as a product.
func (t *Trainer) sparseGrad(w, c, i0, i1 int) {
	vw := &t.views[w]
	_, nh := t.Model.Dims()
	winc := t.State.WInc
	beta := t.gmom
	an := t.alpha * t.negScale // H1 is not scaled by negScale yet
	c1 := &t.gcols1[c]
	if t.v1sparse {
		buildColsRange(c1, t.nn, i0, i1, sliceRows(t.v1ones[:t.nn]))
	} else {
		t.v1.SliceInto(&vw.a, 0, t.v1.Rows, i0, i1)
		winc.SliceInto(&vw.b, i0, i1, 0, nh)
		if t.phnValid {
			t.phn.mul(true, an, &vw.a, t.gmom, &vw.b)
		} else {
			mat32.GemmSerial(true, false, an, &vw.a, &t.h1, t.gmom, &vw.b)
		}
		colSums(t.gv1[i0:i1], &vw.a)
		beta = 1
	}
	for j := i0; j < i1; j++ {
		row := winc.Row(j)
		mat32.AddRows(row, t.alpha, &t.h0, t.c0.col(j), beta)
		t.gv0[j] = t.c0.count(j)
		if t.v1sparse {
			mat32.AddRows(row, an, &t.h1, c1.col(j-i0), 1)
			t.gv1[j] = c1.count(j - i0)
		}
	}
}

// colSums sets dst to the column sums of x, a row at a time with the
// vectorised Axpy.
func colSums(dst []float32, x *mat32.Dense) {
	clear(dst)
	for i := 0; i < x.Rows; i++ {
		mat32.Axpy(1, x.Row(i), dst)
	}
}

// updateRows finishes the update of rows [lo, hi) of W started by
// gradTasks: sparsity, weight cost, W += WInc, and repacks them. It sets
// t.bad[w] if a weight became NaN or infinite (the caller clears t.bad).
func (t *Trainer) updateRows(w, lo, hi int) {
	m := t.Model
	st := &t.Settings
	dec := t.lr * st.WeightCost
	sp := st.SparsityTarget > 0
	q := t.State.HiddenMean
	spc := t.lr * st.SparsityCost / float32(t.n)
	acc := t.acc[w]
	clear(acc)
	for i := lo; i < hi; i++ {
		wr, ir := m.W.Row(i), t.State.WInc.Row(i)
		if sp {
			c := spc * t.gv0[i]
			for j := range ir {
				ir[j] -= c * (q[j] - st.SparsityTarget)
			}
		}
		mat32.DecayStep(wr, ir, acc, dec)
	}
	// acc holds the column sums of the rows: a NaN or infinite weight makes
	// one NaN or infinite (so does a float32 overflow of a sum, far beyond
	// any trainable weight).
	for _, x := range acc {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			t.bad[w] = true
			break
		}
	}
	if t.pwValid {
		if !t.v1sparse {
			t.pw.PackRows(m.W, lo, hi)
		}
		t.pwt.PackRows(m.W, lo, hi)
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

	t.hs.SliceInto(&t.hsv, 0, max(n, nn), 0, nh)
	if s.Method == CD || s.Method == PCD {
		if !t.pwValid {
			if !t.v1sparse {
				t.pw.Pack(m.W)
			}
			t.pwt.Pack(m.W)
			t.pwValid = true
		}
		t.phhValid = n+nn == t.phhK()
		pk, _ := t.phn.Dims()
		t.phnValid = nn == pk
		tasks := t.cdChunks(max(n, nn))
		if t.sparse {
			tasks++ // the last one lists the batch's ones by column
		}
		t.pool.run(opCD, tasks)
		return
	}
	t.run(opGather, n)
	mat32.Gemm(false, false, 1, &t.v0, m.W, 0, &t.h0)
	t.run(opHidPos, n)

	switch s.Method {
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

// update does one mini-batch's parameter update: gradient then apply,
// fused so that each worker finishes its rows of W right after computing
// their gradient when no sparsity target needs the batch's hidden means
// first.
func (t *Trainer) update(alpha, mom float32) error {
	fuse := t.Settings.SparsityTarget == 0
	t.gradStep(alpha, mom, fuse)
	return t.applyStep(!fuse)
}

// gradient sets WInc = mom*WInc + alpha*VV^T HH (alpha = lr/n gives
// lr times the mean positive minus negative statistics) and the bias
// gradients gv (nv) and gh (nh) (means, before the learning rate).
func (t *Trainer) gradient(alpha, mom float32) { t.gradStep(alpha, mom, false) }

// apply finishes the update of W started by gradient (weight cost,
// sparsity, W += WInc) and updates the biases with momentum. It returns an
// error if a parameter became NaN or infinite.
func (t *Trainer) apply() error { return t.applyStep(true) }

// gradStep is gradient, also finishing the update of W (as apply) if fuse.
func (t *Trainer) gradStep(alpha, mom float32, fuse bool) {
	m, s := t.Model, &t.Settings
	n, nn := float32(t.n), float32(t.nn)
	t.alpha, t.gmom, t.fuse = alpha, mom, fuse
	clear(t.bad)
	t.pool.run(opGrad, t.gradTasks())
	for i := range t.gv {
		g := t.gv0[i]/n - t.gv1[i]/nn
		if m.Visible == Gaussian {
			g /= m.Sigma[i]
		}
		t.gv[i] = g
	}
	mat32.Scal(1/n, t.gh)
	if s.SparsityTarget > 0 {
		q := t.State.HiddenMean
		d := s.SparsityDecay
		for j := range q {
			q[j] = d*q[j] + (1-d)*t.h0sum[j]/n
			t.gh[j] -= s.SparsityCost * (q[j] - s.SparsityTarget)
		}
	}
}

// applyStep is apply; the update of W is left out unless weights.
func (t *Trainer) applyStep(weights bool) error {
	m := t.Model
	if weights {
		clear(t.bad)
		t.run(opUpdate, m.W.Rows)
	}
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

// pool is a small set of goroutines that, with the caller, run the tasks
// of one operation at a time: run(op, n) has fn(w, op, k) called once for
// each task k in [0, n), on worker w (0 is the caller), each worker taking
// the next unclaimed task as it finishes one. The caller waits only for
// tasks in progress: a worker that the OS has not scheduled yet does not
// hold it up, and catches up with whatever run is current when it wakes.
//
// Mini-batches hand work to the pool every few hundred microseconds, and
// waking a parked thread can take far longer on a busy machine, so workers
// poll for the next run, and the caller for the last tasks to finish, for
// poolSpin before they block.
type pool struct {
	n  int
	fn func(w, op, k int)
	// state packs the current run: generation (bits 40-63), op (32-39),
	// number of tasks (16-31) and next unclaimed task (0-15). A task is
	// claimed by a compare-and-swap on state, so that a worker never runs
	// a task of a run other than the one whose op it read.
	state  atomic.Uint64
	done   atomic.Int32 // tasks of the current run finished
	closed atomic.Bool
	mu     sync.Mutex
	cond   sync.Cond // signalled, under mu, on a new run, the end of a run, and stop
	wg     sync.WaitGroup
}

// poolSpin is how long a pool goroutine polls before blocking.
const poolSpin = 50 * time.Microsecond

func (p *pool) start(n int, fn func(w, op, k int)) {
	p.n, p.fn = n, fn
	p.cond.L = &p.mu
	p.closed.Store(false)
	p.wg.Add(n - 1)
	for w := 1; w < n; w++ {
		go p.worker(w, p.state.Load()>>40)
	}
}

func (p *pool) worker(w int, gen uint64) {
	defer p.wg.Done()
	for {
		fresh := func() bool { return p.state.Load()>>40 != gen || p.closed.Load() }
		if !spinUntil(fresh) {
			p.mu.Lock()
			for !fresh() {
				p.cond.Wait()
			}
			p.mu.Unlock()
		}
		if p.closed.Load() {
			return
		}
		gen = p.state.Load() >> 40
		p.claim(w, gen)
	}
}

// claim runs tasks of run gen on worker w until none is left unclaimed.
func (p *pool) claim(w int, gen uint64) {
	for {
		st := p.state.Load()
		k, n := int(st&0xffff), int(st>>16&0xffff)
		if st>>40 != gen || k >= n {
			return
		}

		if !p.state.CompareAndSwap(st, st+1) {
			continue
		}
		p.fn(w, int(st>>32&0xff), k)
		if p.done.Add(1) == int32(n) {
			p.mu.Lock()
			p.cond.Broadcast()
			p.mu.Unlock()
		}
	}
}

// spinUntil polls cond for up to poolSpin and reports whether it held.
func spinUntil(cond func() bool) bool {
	var start time.Time
	for i := 0; ; i++ {
		if cond() {
			return true
		}
		if i%32 == 0 {
			if i == 0 {
				start = time.Now()
			} else if time.Since(start) > poolSpin {
				return false
			}
			runtime.Gosched()
		}
	}
}

// run runs tasks [0, n) of op and returns when all have finished.
func (p *pool) run(op, n int) {
	if n >= 1<<16 || op >= 1<<8 {
		panic(fmt.Sprintf("rbm: internal error: %d tasks of op %d", n, op))
	}
	if p.n <= 1 {
		for k := 0; k < n; k++ {
			p.fn(0, op, k)
		}
		return
	}
	gen := (p.state.Load()>>40 + 1) & (1<<24 - 1)
	p.done.Store(0)
	p.mu.Lock()
	p.state.Store(gen<<40 | uint64(op)<<32 | uint64(n)<<16)
	p.cond.Broadcast()
	p.mu.Unlock()
	p.claim(0, gen)
	finished := func() bool { return p.done.Load() == int32(n) }
	if !spinUntil(finished) {
		p.mu.Lock()
		for !finished() {
			p.cond.Wait()
		}
		p.mu.Unlock()
	}
}

func (p *pool) stop() {
	p.mu.Lock()
	p.closed.Store(true)
	p.cond.Broadcast()
	p.mu.Unlock()
	p.wg.Wait()
}
