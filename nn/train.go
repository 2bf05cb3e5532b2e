package nn

import (
	"fmt"
	"math"
	"runtime"
	"time"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// Settings holds the hyper-parameters of mini-batch stochastic gradient
// descent with momentum on the mean cross-entropy. A nil *Settings means
// all defaults.
type Settings struct {
	// LearningRate is the step size. The default is 0.1.
	LearningRate float32
	// Decay makes the learning rate of epoch e (0-based)
	// LearningRate / (1 + Decay*e). The default 0 keeps it constant.
	Decay float32
	// Momentum is the momentum of the parameter updates. The default is
	// 0.9; a negative value means 0 (plain SGD).
	Momentum float32
	// InitialMomentum is used instead of Momentum for the first
	// MomentumEpochs epochs. The default is 0.5; a negative value means 0.
	InitialMomentum float32
	// MomentumEpochs is the number of epochs run with InitialMomentum. The
	// default 0 uses Momentum from the start, which suits fine-tuning of
	// pre-trained weights; 5 is the usual choice from random weights.
	MomentumEpochs int
	// WeightCost is the L2 weight decay on the weights (not the biases):
	// the gradient gets WeightCost*W added. The default is 0, because
	// generative pre-training already regularizes the weights and
	// fine-tuning runs few epochs; 1e-4 is a reasonable value when
	// training from random weights for long.
	WeightCost float32
	// BatchSize is the number of rows per mini-batch. The default is 100
	// (at most the number of rows). The last, partial batch of an epoch is
	// used too.
	BatchSize int
	// Epochs is the number of epochs Train runs. The default is 10.
	Epochs int
	// Validation (N, in) and ValidLabels (N), if not nil, are held-out data
	// whose loss and error rate are measured after every epoch.
	Validation  *mat32.Dense
	ValidLabels []int
	// Recorder, if not nil, receives the statistics of every epoch; a
	// non-nil error from it stops training and is returned.
	Recorder Recorder
	// Workers is the number of goroutines sharing the parameter updates
	// (the products share the cores through mat32.Gemm). The default is
	// runtime.GOMAXPROCS(0). Results do not depend on it.
	Workers int

	// Dropout is the probability of dropping each unit of every hidden
	// layer (not the output) during training (Srivastava et al. 2014): for
	// every mini-batch each unit's output is multiplied by an independent
	// mask that is 0 with probability Dropout and 1/(1-Dropout) otherwise
	// ("inverted dropout"), so that the expected input of the next layer
	// is unchanged and the trained network is used as it is, without
	// dropout, by Forward, Predict, Loss and ErrorRate. The default 0 turns
	// dropout off; 0.5 is the usual value, and the training then needs
	// several times more epochs. Values of 1 or more panic; negative values
	// mean 0.
	Dropout float32
	// InputDropout is the probability of dropping each input (pixel) of a
	// training row, with the same inverted scaling. The default is 0
	// (none); 0.2 is the usual value for MNIST pixels.
	InputDropout float32
	// MaxNorm, if positive, bounds the L2 norm of the incoming weight
	// vector of every hidden unit (column j of the weights W (in, out) of
	// every layer but the output): after each update a column whose norm
	// exceeds MaxNorm is scaled down to norm MaxNorm. The default 0 means
	// no bound; Hinton et al. 2012 used about 15 with dropout, which lets
	// the learning rate be large without the weights blowing up.
	MaxNorm float32
	// TopEpochs is the number of epochs, from the first, in which only the
	// output layer is trained: the other layers' parameters stay as they
	// are. Fine-tuning a pre-trained stack under a new, randomly
	// initialized output layer, Hinton & Salakhutdinov's classifier code
	// first trains that layer alone for a few epochs (6 of 200), so that
	// its early, large, random gradients do not wreck the pre-trained
	// features. The default is 0.
	TopEpochs int
}

// resolve returns a copy of s with the defaults filled in.
func (s *Settings) resolve() Settings {
	var r Settings
	if s != nil {
		r = *s
	}
	if r.LearningRate == 0 {
		r.LearningRate = 0.1
	}
	def := func(x *float32, d float32) {
		if *x == 0 {
			*x = d
		} else if *x < 0 {
			*x = 0
		}
	}
	def(&r.Momentum, 0.9)
	def(&r.InitialMomentum, 0.5)
	r.MomentumEpochs = max(r.MomentumEpochs, 0)
	r.WeightCost = max(r.WeightCost, 0)
	if r.BatchSize <= 0 {
		r.BatchSize = 100
	}
	if r.Epochs <= 0 {
		r.Epochs = 10
	}
	if r.Workers <= 0 {
		r.Workers = runtime.GOMAXPROCS(0)
	}
	for _, p := range []struct {
		name string
		v    *float32
	}{{"Dropout", &r.Dropout}, {"InputDropout", &r.InputDropout}} {
		if !(*p.v < 1) {
			panic(fmt.Sprintf("nn: %s is %g, must be below 1", p.name, *p.v))
		}
		*p.v = max(*p.v, 0)
	}
	if math.IsNaN(float64(r.MaxNorm)) || math.IsInf(float64(r.MaxNorm), 0) {
		panic(fmt.Sprintf("nn: MaxNorm is %g", r.MaxNorm))
	}
	r.MaxNorm = max(r.MaxNorm, 0)
	return r
}

// EpochStats are the statistics of one epoch of training.
type EpochStats struct {
	Epoch        int     // epochs completed, counting from 1
	LearningRate float32 // learning rate used
	Momentum     float32 // momentum used
	// TrainLoss and TrainError are the mean cross-entropy (nats per row)
	// and the error rate on the training rows, each measured on its
	// mini-batch just before the update: a running average over the epoch
	// that costs nothing extra. With dropout they are those of the
	// thinned networks that were trained, higher than the full network's.
	TrainLoss, TrainError float64
	// ValidLoss and ValidError are the mean cross-entropy and error rate
	// on Validation after the epoch; NaN without Validation.
	ValidLoss, ValidError float64
	Duration              time.Duration
}

// Recorder receives the statistics of each epoch.
type Recorder interface {
	Record(EpochStats) error
}

// RecorderFunc lets a function be a Recorder.
type RecorderFunc func(EpochStats) error

// Record calls f(s).
func (f RecorderFunc) Record(s EpochStats) error { return f(s) }

// State is what training needs besides the network and the settings to
// continue where it stopped.
type State struct {
	// Epoch is the number of epochs completed.
	Epoch int
	// Seed is the base seed of the epochs' random draws: epoch e shuffles
	// the rows and draws its dropout masks from a stream seeded from
	// (Seed, e), so resuming after any epoch repeats the same draws.
	Seed uint64
	// WInc[l] (in_l, out_l) and BInc[l] (out_l) are the last updates of
	// layer l's weights and biases, which momentum carries on.
	WInc []*mat32.Dense
	BInc [][]float32
}

// Result is what Train returns.
type Result struct {
	Stats   []EpochStats // one per epoch run
	Trainer *Trainer     // to continue training
}

// Trainer trains an MLP classifier one epoch at a time.
type Trainer struct {
	Net      *MLP
	Settings Settings // with the defaults filled in
	State    State

	perm   []int
	r      *rng.Stream  // the epoch's stream: the shuffle, then the masks
	xb     *mat32.Dense // (BatchSize, in) gathered rows
	xv     mat32.Dense
	lb     []int // BatchSize labels
	pred   []int // BatchSize predictions
	lr, wc float32
	mom    float32

	imask *mat32.Dense   // (BatchSize, in) uniforms for InputDropout
	hmask []*mat32.Dense // (BatchSize, out_l) masks of the hidden layers
	maskV []mat32.Dense  // views of the rows in use; nil without Dropout

	pool  pool
	phase int   // what the workers do: phaseUpdate or phaseMaxNorm
	rows  []int // cumulative weight rows: layer l has rows [rows[l], rows[l+1])
	cols  []int // cumulative hidden columns: hidden layer l has [cols[l], cols[l+1])
	norms []float32
	bad   []bool // per worker: a parameter became NaN or infinite
	badL  []int  // per worker: the first such layer
}

const (
	phaseUpdate = iota
	phaseMaxNorm
)

// NewTrainer returns a trainer for net with settings s (nil means
// defaults), drawing its base seed from r. The output layer of net must be
// Softmax.
func NewTrainer(net *MLP, s *Settings, r *rng.Stream) *Trainer {
	net.checkSoftmax()
	t := &Trainer{Net: net, Settings: s.resolve()}
	t.State.Seed = r.Uint64()
	for _, l := range net.Layers {
		in, out := l.Dims()
		t.State.WInc = append(t.State.WInc, mat32.NewDense(in, out, nil))
		t.State.BInc = append(t.State.BInc, make([]float32, out))
	}
	bs := t.Settings.BatchSize
	t.xb = mat32.NewDense(bs, net.In(), nil)
	t.lb = make([]int, bs)
	t.pred = make([]int, bs)
	t.rows = make([]int, len(net.Layers)+1)
	for l, ly := range net.Layers {
		t.rows[l+1] = t.rows[l] + ly.W.Rows
	}
	t.bad = make([]bool, t.Settings.Workers)
	t.badL = make([]int, t.Settings.Workers)
	k := len(net.Layers)
	if t.Settings.InputDropout > 0 {
		t.imask = mat32.NewDense(bs, net.In(), nil)
	}
	if t.Settings.Dropout > 0 {
		t.hmask = make([]*mat32.Dense, k-1)
		t.maskV = make([]mat32.Dense, k-1)
		for l := range t.hmask {
			t.hmask[l] = mat32.NewDense(bs, net.Layers[l].W.Cols, nil)
		}
	}
	if t.Settings.MaxNorm > 0 {
		t.cols = make([]int, k)
		for l := 0; l < k-1; l++ {
			t.cols[l+1] = t.cols[l] + net.Layers[l].W.Cols
		}
		t.norms = make([]float32, t.cols[k-1])
	}
	return t
}

// Train trains net on the rows of x (N, in) with class labels (N) in
// [0, net.Out()) for s.Epochs epochs (see Settings for the defaults),
// shuffling the rows every epoch with streams derived from r, and returns
// the statistics of each epoch (including one whose Recorder call failed).
// net is trained as it is: call net.Init(r)
// first for random weights. Training stops with an error if a label is out
// of range, if the loss or a parameter becomes NaN or infinite (naming the
// epoch and the batch), or if s.Recorder returns an error.
func Train(net *MLP, x *mat32.Dense, labels []int, s *Settings, r *rng.Stream) (*Result, error) {
	t := NewTrainer(net, s, r)
	res := &Result{Trainer: t}
	for t.State.Epoch < t.Settings.Epochs {
		st, err := t.Epoch(x, labels)
		if st.Epoch > 0 {
			res.Stats = append(res.Stats, st)
		}
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// mix derives the seed of epoch e from the base seed (splitmix64's
// finalizer).
func mix(seed uint64, e int) uint64 {
	z := seed ^ (uint64(e)+1)*0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// checkLabels returns an error for the first label outside [0, k).
func checkLabels(labels []int, k int, what string) error {
	for i, c := range labels {
		if c < 0 || c >= k {
			return fmt.Errorf("nn: %s label %d of row %d out of range [0, %d)", what, c, i, k)
		}
	}
	return nil
}

// Epoch runs one epoch of mini-batch updates over the rows of x (N, in)
// with labels (N), in an order drawn from (State.Seed, State.Epoch), then
// measures the validation data and reports to the Recorder. It allocates
// nothing per mini-batch, and leaves the layers' gradient accumulators at
// zero.
func (t *Trainer) Epoch(x *mat32.Dense, labels []int) (EpochStats, error) {
	start := time.Now()
	net, s := t.Net, &t.Settings
	if x.Cols != net.In() || len(labels) != x.Rows {
		panic(fmt.Sprintf("nn: training data is %dx%d with %d labels, network takes %d columns", x.Rows, x.Cols, len(labels), net.In()))
	}
	if x.Rows == 0 {
		return EpochStats{}, fmt.Errorf("nn: no training rows")
	}
	if err := checkLabels(labels, net.Out(), "training"); err != nil {
		return EpochStats{}, err
	}
	if s.Validation != nil {
		if s.Validation.Cols != net.In() || len(s.ValidLabels) != s.Validation.Rows {
			panic(fmt.Sprintf("nn: validation data is %dx%d with %d labels, network takes %d columns",
				s.Validation.Rows, s.Validation.Cols, len(s.ValidLabels), net.In()))
		}
		if err := checkLabels(s.ValidLabels, net.Out(), "validation"); err != nil {
			return EpochStats{}, err
		}
	}
	e := t.State.Epoch
	if len(t.perm) != x.Rows {
		t.perm = make([]int, x.Rows)
	}
	t.r = rng.New(mix(t.State.Seed, e))
	t.r.Perm(t.perm)
	t.lr = s.LearningRate / (1 + s.Decay*float32(e))
	t.mom = s.Momentum
	if e < s.MomentumEpochs {
		t.mom = s.InitialMomentum
	}
	t.wc = s.WeightCost

	// The update zeroes the gradients it has used, so they start at 0.
	net.ZeroGrad()
	t.pool.start(s.Workers, t.work)
	defer t.pool.stop()
	var lossSum float64
	wrong := 0
	bs := min(s.BatchSize, x.Rows)
	for b0 := 0; b0 < x.Rows; b0 += bs {
		n := min(bs, x.Rows-b0)
		loss, w := t.step(x, labels, b0, n)
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return EpochStats{}, fmt.Errorf("nn: epoch %d, batch %d: loss is %v (learning rate %g too large?)", e+1, b0/bs+1, loss, t.lr)
		}
		if l, ok := t.update(); !ok {
			return EpochStats{}, fmt.Errorf("nn: epoch %d, batch %d: parameters of layer %d became NaN or infinite (learning rate %g too large?)", e+1, b0/bs+1, l, t.lr)
		}
		lossSum += loss * float64(n)
		wrong += w
	}
	t.State.Epoch++

	st := EpochStats{
		Epoch: t.State.Epoch, LearningRate: t.lr, Momentum: t.mom,
		TrainLoss:  lossSum / float64(x.Rows),
		TrainError: float64(wrong) / float64(x.Rows),
		ValidLoss:  math.NaN(), ValidError: math.NaN(),
	}
	if v := s.Validation; v != nil && v.Rows > 0 {
		st.ValidLoss = net.Loss(v, s.ValidLabels)
		st.ValidError = net.ErrorRate(v, s.ValidLabels)
	}
	st.Duration = time.Since(start)
	if s.Recorder != nil {
		if err := s.Recorder.Record(st); err != nil {
			return st, err
		}
	}
	return st, nil
}

// step gathers rows perm[b0 : b0+n] and computes the gradient of their
// mean loss into the layers' DW and DB. It returns the loss and the number
// of misclassified rows (before the update).
func (t *Trainer) step(x *mat32.Dense, labels []int, b0, n int) (float64, int) {
	t.xb.SliceInto(&t.xv, 0, n, 0, x.Cols)
	lb := t.lb[:n]
	for i := 0; i < n; i++ {
		k := t.perm[b0+i]
		copy(t.xv.Row(i), x.Row(k))
		lb[i] = labels[k]
	}
	// The masks are drawn here, by the calling goroutine in a fixed order
	// (inputs, then hidden layers bottom-up), so that they do not depend on
	// Workers.
	if p := t.Settings.InputDropout; p > 0 {
		in := x.Cols
		u := t.imask.Data[:n*in]
		t.r.Uniform(u)
		for i := 0; i < n; i++ {
			dropInputs(t.xv.Row(i), u[i*in:(i+1)*in], p)
		}
	}
	var masks []mat32.Dense
	if p := t.Settings.Dropout; p > 0 {
		for l, m := range t.hmask {
			m.SliceInto(&t.maskV[l], 0, n, 0, m.Cols)
			d := m.Data[:n*m.Cols]
			t.r.Uniform(d)
			dropMask(d, p)
		}
		masks = t.maskV
	}
	loss := t.Net.backwardMasked(&t.xv, lb, masks)
	p := t.pred[:n]
	Argmax(p, t.Net.Output())
	wrong := 0
	for i, c := range p {
		if c != lb[i] {
			wrong++
		}
	}
	return loss, wrong
}

// update applies inc = mom*inc - lr*(dW + wc*W), W += inc to every layer's
// weights and inc = mom*inc - lr*db, b += inc to its biases, and zeroes
// dW and db for the next batch. It returns false and the layer if a
// parameter became NaN or infinite.
//
// With MaxNorm it then scales down the columns of the hidden layers'
// weights whose norm exceeds MaxNorm.
func (t *Trainer) update() (int, bool) {
	t.phase = phaseUpdate
	t.pool.run()
	layer := -1
	for w, b := range t.bad {
		if b && (layer < 0 || t.badL[w] < layer) {
			layer = t.badL[w]
		}
	}
	if layer >= 0 {
		return layer, false
	}
	if t.Settings.MaxNorm > 0 {
		t.phase = phaseMaxNorm
		t.pool.run()
	}
	return 0, true
}

// work is what worker w does in the current phase.
func (t *Trainer) work(w int) {
	if t.phase == phaseMaxNorm {
		t.maxNormCols(w)
		return
	}
	t.updateRows(w)
}

// maxNormCols is worker w's share of the max-norm constraint: a contiguous
// range of the columns of the hidden layers taken one after the other.
// Each column's sum of squares is taken over the rows in order, so the
// result does not depend on the number of workers.
func (t *Trainer) maxNormCols(w int) {
	c := t.Settings.MaxNorm
	nw := len(t.bad)
	total := t.cols[len(t.cols)-1]
	lo, hi := w*total/nw, (w+1)*total/nw
	for l := 0; l+1 < len(t.cols); l++ {
		c0, c1 := max(lo, t.cols[l])-t.cols[l], min(hi, t.cols[l+1])-t.cols[l]
		if c0 >= c1 {
			continue
		}
		W := t.Net.Layers[l].W
		f := t.norms[t.cols[l]+c0 : t.cols[l]+c1]
		maxNorm(W, c0, f, c)
	}
}

// maxNorm scales columns [c0, c0+len(f)) of W so that none has an L2 norm
// above c, using f as scratch.
func maxNorm(W *mat32.Dense, c0 int, f []float32, c float32) {
	c1 := c0 + len(f)
	clear(f)
	for i := 0; i < W.Rows; i++ {
		r := W.Row(i)[c0:c1]
		r = r[:len(f)]
		for j, v := range r {
			f[j] += v * v
		}
	}
	scale := false
	for j, ss := range f {
		if ss > c*c {
			f[j] = c / float32(math.Sqrt(float64(ss)))
			scale = true
		} else {
			f[j] = 1
		}
	}
	if !scale {
		return
	}
	for i := 0; i < W.Rows; i++ {
		r := W.Row(i)[c0:c1]
		mat32.MulTo(r, r, f)
	}
}

// dropMask turns uniforms u in [0, 1) into an inverted-dropout mask in
// place: 0 where u < p (probability p), 1/(1-p) elsewhere.
func dropMask(u []float32, p float32) {
	keep := math.Float32bits(float32(1 / (1 - float64(p))))
	pb := int32(math.Float32bits(p))
	for i, v := range u {
		u[i] = math.Float32frombits(keep &^ below(v, pb))
	}
}

// dropInputs applies inverted dropout to the row x with the uniforms u:
// x[i] becomes 0 where u[i] < p and x[i]/(1-p) elsewhere.
func dropInputs(x, u []float32, p float32) {
	keep := math.Float32bits(float32(1 / (1 - float64(p))))
	pb := int32(math.Float32bits(p))
	u = u[:len(x)]
	for i, v := range u {
		x[i] *= math.Float32frombits(keep &^ below(v, pb))
	}
}

// below returns all ones if v < p and 0 otherwise, without a branch (a
// branch on a random mask is mispredicted half of the time), for v and p
// in [0, 1] given as the bits pb of p: there the order of the float32 bit
// patterns is the order of the numbers, and their difference fits in an
// int32.
func below(v float32, pb int32) uint32 {
	return uint32((int32(math.Float32bits(v)) - pb) >> 31)
}

// updateRows is worker w's share of update: a contiguous range of the
// weight rows of all layers taken one after the other, and worker 0 also
// does the biases.
func (t *Trainer) updateRows(w int) {
	lr, mom, wc := t.lr, t.mom, t.wc
	nw := len(t.bad)
	total := t.rows[len(t.rows)-1]
	lo, hi := w*total/nw, (w+1)*total/nw
	t.bad[w] = false
	frozen := t.State.Epoch < t.Settings.TopEpochs
	top := len(t.Net.Layers) - 1
	for l, ly := range t.Net.Layers {
		r0, r1 := max(lo, t.rows[l])-t.rows[l], min(hi, t.rows[l+1])-t.rows[l]
		if r0 >= r1 && w != 0 {
			continue
		}
		if frozen && l < top {
			// only the output layer learns: drop this layer's gradient
			for i := r0; i < r1; i++ {
				clear(ly.DW.Row(i))
			}
			if w == 0 {
				clear(ly.DB[:len(ly.B)])
			}
			continue
		}
		inc := t.State.WInc[l]
		var sum float32
		for i := r0; i < r1; i++ {
			wr, g, d := ly.W.Row(i), ly.DW.Row(i), inc.Row(i)
			mat32.Axpby(-lr, g, mom, d)
			if wc != 0 {
				mat32.Axpy(-lr*wc, wr, d)
			}
			mat32.Axpy(1, d, wr)
			clear(g)
			sum += rowSum(wr)
		}
		if w == 0 {
			bi := t.State.BInc[l]
			b, g := ly.B, ly.DB[:len(ly.B)]
			bi = bi[:len(b)]
			for j, v := range b {
				u := mom*bi[j] - lr*g[j]
				bi[j] = u
				b[j] = v + u
				g[j] = 0
				sum += b[j]
			}
		}
		if !t.bad[w] && (math.IsNaN(float64(sum)) || math.IsInf(float64(sum), 0)) {
			t.bad[w], t.badL[w] = true, l
		}
	}
}

// rowSum returns the sum of x in float32 with four accumulators: NaN if x
// holds a NaN or both infinities, else infinite if x holds one.
func rowSum(x []float32) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i]
		s1 += x[i+1]
		s2 += x[i+2]
		s3 += x[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return (s0 + s1) + (s2 + s3)
}
