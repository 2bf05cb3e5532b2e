package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/belief-ml/belief/dataset"
	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// flagRunner is a command (or a model of "train") whose flags live in a
// struct: define binds them to a fresh FlagSet, run runs with them parsed.
// A fresh value is made for every invocation, so that flags never leak
// from one run to the next (tests call run many times in one process).
type flagRunner interface {
	define(fs *flag.FlagSet)
	run(fs *flag.FlagSet, args []string) error
}

// registerFresh registers c, giving it a fresh flagRunner from mk (and a
// fresh FlagSet) after every run.
func registerFresh(c *Command, mk func() flagRunner) {
	var cur flagRunner
	renew := func() {
		cur = mk()
		fs := flag.NewFlagSet(c.Name, flag.ContinueOnError)
		cur.define(fs)
		c.Flags = fs
		fs.Usage = func() { c.usage(fs.Output()) }
	}
	renew()
	c.Run = func(c *Command, args []string) error {
		defer renew()
		return cur.run(c.Flags, args)
	}
	register(c)
}

// trainModel is one model that "belief train" can train.
type trainModel struct {
	Name      string
	UsageLine string // without "belief train "
	Short     string
	Long      string
	New       func() flagRunner
}

// trainModels lists the models of "belief train"; each adds itself in an
// init function (train rbm here; train sbn, train dbn in their files).
var trainModels = map[string]*trainModel{}

func registerTrainModel(t *trainModel) {
	if _, dup := trainModels[t.Name]; dup {
		panic("belief: duplicate train model " + t.Name)
	}
	trainModels[t.Name] = t
	trainCmd.Long += fmt.Sprintf("\n  %-6s %s", t.Name, t.Short)
}

// trainCmd is initialised before any init function runs, so that models
// can register in init functions of any file.
var trainCmd = &Command{
	Name:      "train",
	UsageLine: "train <model> [flags]",
	Short:     "train a model (rbm, sbn, dbn) on a data set",
	Long: `Train trains a model on a data set and writes it to a model file.
The first argument names the model; "belief train <model> -h" lists its flags.

models:`,
	Flags: flag.NewFlagSet("train", flag.ContinueOnError),
}

func (t *trainModel) usage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: belief train %s\n\n%s\n\nflags:\n", t.UsageLine, strings.TrimSpace(t.Long))
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func init() {
	c := trainCmd
	c.Run = func(c *Command, args []string) error {
		if len(args) == 0 {
			return usagef("which model? %s", strings.Join(trainModelNames(), ", "))
		}
		t, ok := trainModels[args[0]]
		if !ok {
			return usagef("unknown model %q: want one of %s", args[0], strings.Join(trainModelNames(), ", "))
		}
		r := t.New()
		fs := flag.NewFlagSet("train "+t.Name, flag.ContinueOnError)
		r.define(fs)
		out := c.Flags.Output()
		fs.SetOutput(io.Discard)
		fs.Usage = func() {}
		if err := fs.Parse(args[1:]); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				t.usage(out, fs)
				return nil
			}
			return usagef("%v (see \"belief train %s -h\")", err, t.Name)
		}
		return r.run(fs, fs.Args())
	}
	register(c)
}

func trainModelNames() []string {
	var names []string
	for n := range trainModels {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// interrupted is set by SIGINT/SIGTERM during training: the current epoch
// finishes, a checkpoint is written and the command stops.
var interrupted atomic.Bool

// testEpochHook, if not nil, is called after each checkpoint (tests use it
// to simulate an interrupt).
var testEpochHook func(epoch int)

var errInterrupted = errors.New("interrupted")

// catchInterrupts makes SIGINT and SIGTERM set interrupted; a second one
// kills the process as usual. The returned function undoes it.
func catchInterrupts() (stop func()) {
	interrupted.Store(false)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
			interrupted.Store(true)
			signal.Stop(ch)
			fmt.Fprintln(os.Stderr, "\nbelief: interrupt: finishing this epoch and saving a checkpoint (interrupt again to abort without saving)")
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}

// afterCheckpoint is what every trainer does once an epoch's checkpoint is
// written: advance the bar, call the test hook, and stop (errInterrupted)
// if an interrupt came and epochs remain.
func afterCheckpoint(bar *progress, epoch, total int) error {
	bar.Add(1)
	if testEpochHook != nil {
		testEpochHook(epoch)
	}
	if interrupted.Load() && epoch < total {
		return errInterrupted
	}
	return nil
}

// trainStopped turns the error that stopped "train MODEL" after epoch of
// total into the message the user sees: for an interrupt, how to resume.
func trainStopped(err error, model, out string, epoch, total int) error {
	if errors.Is(err, errInterrupted) {
		return fmt.Errorf("interrupted after epoch %d of %d; the checkpoint %s is saved: continue with\n  belief train %s -resume -o %s -epochs %d", epoch, total, out, model, out, total)
	}
	return err
}

// validationSet opens the held-out data for monitoring as -valid says:
// "none", "auto" (the mnist test split for -data mnist, else none) or a
// path. It returns nil when there are none.
func validationSet(df dataFlags, valid string) (*dataset.Set, error) {
	d := df
	switch valid {
	case "none":
		return nil, nil
	case "auto":
		if !d.isMNIST() {
			return nil, nil
		}
		d.split = "test"
	default:
		d.spec, d.split = valid, "train"
	}
	set, err := d.open()
	if err != nil {
		return nil, fmt.Errorf("-valid: %w", err)
	}
	if set.X.Rows == 0 {
		return nil, nil
	}
	return set, nil
}

func init() {
	registerTrainModel(&trainModel{
		Name:      "rbm",
		UsageLine: "rbm [-data mnist|PATH] [-hidden 500] [-method cd|pcd|pt] [-k 1] [-epochs 10] [-o model.rbm] [-resume] [flags]",
		Short:     "restricted Boltzmann machine (CD-k, PCD, parallel tempering)",
		Long: `Train rbm trains a restricted Boltzmann machine with Bernoulli hidden units
and Bernoulli or Gaussian visible units on the rows of a data set, following
Hinton's "A Practical Guide to Training RBMs" (the defaults of every flag).
For likelihood rather than features, -lr 0.01 does far better than the
guide's 0.1 on MNIST, and PCD wants -momentum 0.5 (with 0.9 its chains cannot
follow the parameters): see BENCHMARKS.md, "RBM likelihoods".

-method cd is contrastive divergence with -k Gibbs steps from the data;
pcd keeps -chains persistent chains; pt runs -chains chains at each of the
inverse temperatures -temps and swaps neighbours. -labels appends the class
labels as a one-of-K softmax group of visible units after the pixels, so
that the model learns the joint distribution of images and labels.

After every epoch a line goes to standard output: the reconstruction error,
the free-energy gap (mean free energy of held-out rows minus that of
training rows; it grows when the model overfits), the exact log-likelihood
in nats when the model is small enough to enumerate (-exact), the PT swap
rates, and the time. Held-out data (-valid) default to the MNIST test split
for -data mnist, used for monitoring only (nothing is tuned on it), and to
none for paths.

The model file -o is rewritten atomically after every epoch with the
trainer's state, so an interrupted run (Ctrl-C finishes the current epoch
and saves) continues exactly where it stopped with
  belief train rbm -resume -o FILE [-epochs TOTAL]
which reuses the file's flags: the result is bit-identical to a run that was
never interrupted (on the same machine, with the same -workers).`,
		New: func() flagRunner { return &trainRBM{} },
	})
}

// trainRBM holds the flags of "belief train rbm".
type trainRBM struct {
	df             dataFlags
	limit          int
	hidden         int
	method         string
	k              int
	epochs         int
	lr             float64
	decay          float64
	momentum       float64
	initMomentum   float64
	momentumEpochs int
	weightCost     float64
	batch          int
	chains         int
	temps          string
	sparsity       float64
	products       string
	sparsityCost   float64
	sampleVisible  bool
	visible        string
	labels         bool
	seed           uint64
	valid          string
	exact          string
	monitor        int
	workers        int
	out            string
	resume         bool
}

func (t *trainRBM) define(fs *flag.FlagSet) {
	t.df.register(fs, "train")
	fs.IntVar(&t.limit, "limit", 0, "use only the first `N` rows of the data (0: all)")
	fs.IntVar(&t.hidden, "hidden", 500, "number of hidden units")
	fs.StringVar(&t.method, "method", "cd", "training method: cd, pcd or pt")
	fs.IntVar(&t.k, "k", 1, "Gibbs steps per update (CD-k; per update for pcd and pt)")
	fs.IntVar(&t.epochs, "epochs", 10, "total number of epochs (with -resume: up to this total)")
	fs.Float64Var(&t.lr, "lr", 0, "learning rate (0: 0.1 for Bernoulli, 0.001 for Gaussian visible units)")
	fs.Float64Var(&t.decay, "lr-decay", 0, "learning rate of epoch e (0-based) is lr/(1+decay*e)")
	fs.Float64Var(&t.momentum, "momentum", 0.9, "momentum after the first -momentum-epochs epochs")
	fs.Float64Var(&t.initMomentum, "initial-momentum", 0.5, "momentum of the first -momentum-epochs epochs")
	fs.IntVar(&t.momentumEpochs, "momentum-epochs", 5, "number of epochs with -initial-momentum")
	fs.Float64Var(&t.weightCost, "weight-cost", 0.0002, "L2 weight decay on W")
	fs.IntVar(&t.batch, "batch", 100, "mini-batch size")
	fs.IntVar(&t.chains, "chains", 0, "persistent chains for pcd, per temperature for pt (0: the batch size)")
	fs.StringVar(&t.temps, "temps", "10", "pt inverse temperatures: a comma-separated list from 1 down (1,0.9,0.5), or a count n for 1, 1-1/n, ..., 1/n")
	fs.Float64Var(&t.sparsity, "sparsity", 0, "target mean activation of the hidden units (0: no sparsity penalty)")
	fs.Float64Var(&t.sparsityCost, "sparsity-cost", 0.01, "weight of the sparsity penalty")
	fs.BoolVar(&t.sampleVisible, "sample-visible", false, "sample the visible states of the last CD step instead of using probabilities")
	fs.StringVar(&t.products, "products", "auto", "arithmetic of the dense products of CD and PCD: float32, bf16 (on AMX tiles in bfloat16 parts, about 1e-5 relative error, where the CPU has AMX), or auto (bf16 for cd, float32 otherwise); see rbm.Products")
	fs.StringVar(&t.visible, "visible", "bernoulli", "visible units: bernoulli or gaussian (use -binarize none for real-valued data)")
	fs.BoolVar(&t.labels, "labels", false, "append the class labels as a one-of-K softmax group of visible units")
	fs.Uint64Var(&t.seed, "seed", 1, "random seed of the initial weights and of training")
	fs.StringVar(&t.valid, "valid", "auto", "held-out data for monitoring: auto (the mnist test split for -data mnist, none for paths), none, or a path")
	fs.StringVar(&t.exact, "exact", "auto", "exact log-likelihood each epoch: auto (when cheap, 2^22 operations), never, or always (when enumerable)")
	fs.IntVar(&t.monitor, "monitor-rows", 1000, "rows used for the reconstruction error and the free-energy gap")
	fs.IntVar(&t.workers, "workers", 0, "goroutines per mini-batch (0: all cores); results depend on it")
	fs.StringVar(&t.out, "o", "model.rbm", "model `file`, rewritten after every epoch")
	fs.BoolVar(&t.resume, "resume", false, "continue training the -o file from its saved state with its saved flags, up to -epochs in total")
}

// resumeOverridable are the flags that -resume lets the command line
// change (the others must equal the saved values): they do not affect the
// parameters of the epochs already trained. Those not given keep their
// saved values too. -k (Gibbs steps or samples per update) may change so
// that a run can follow a schedule, such as up-down's 3, then 6, then 10
// steps in the top RBM; the file then records the new value.
// -products changes only the rounding of the products.
var resumeOverridable = map[string]bool{"epochs": true, "exact": true, "valid": true, "monitor-rows": true, "monitor-k": true, "k": true, "products": true}

// zeroIsZero maps an explicit 0 to the rbm package's "negative means 0",
// since its zero value means "the default".
func zeroIsZero(x float64) float32 {
	if x == 0 {
		return -1
	}
	return float32(x)
}

func parseTemps(s string) ([]float64, error) {
	if !strings.Contains(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 2 || n > 10000 {
			return nil, usagef("-temps %q: want a count of at least 2 or a comma-separated list", s)
		}
		t := make([]float64, n)
		for i := range t {
			t[i] = 1 - float64(i)/float64(n)
		}
		return t, nil
	}
	var t []float64
	for _, f := range strings.Split(s, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, usagef("-temps: %q is not a number", f)
		}
		t = append(t, x)
	}
	if t[0] != 1 {
		return nil, usagef("-temps must start at inverse temperature 1, not %g", t[0])
	}
	for i := 1; i < len(t); i++ {
		if !(t[i] < t[i-1]) || t[i] < 0 {
			return nil, usagef("-temps must decrease and stay >= 0: %s", s)
		}
	}
	return t, nil
}

// settings checks the flags and turns them into rbm.Settings.
func (t *trainRBM) settings(units rbm.Units) (*rbm.Settings, error) {
	switch {
	case t.hidden < 1:
		return nil, usagef("-hidden must be at least 1")
	case t.k < 1:
		return nil, usagef("-k must be at least 1")
	case t.epochs < 1:
		return nil, usagef("-epochs must be at least 1")
	case t.batch < 1:
		return nil, usagef("-batch must be at least 1")
	case t.chains < 0:
		return nil, usagef("-chains must not be negative")
	case t.lr < 0 || t.decay < 0 || t.momentum < 0 || t.initMomentum < 0 || t.weightCost < 0 || t.sparsityCost < 0:
		return nil, usagef("-lr, -lr-decay, -momentum, -initial-momentum, -weight-cost and -sparsity-cost must not be negative")
	case t.momentum >= 1 || t.initMomentum >= 1:
		return nil, usagef("momentum must be below 1")
	case t.momentumEpochs < 0:
		return nil, usagef("-momentum-epochs must not be negative")
	case t.sparsity < 0 || t.sparsity >= 1:
		return nil, usagef("-sparsity must be in [0, 1)")
	case t.monitor < 0:
		return nil, usagef("-monitor-rows must not be negative")
	case t.workers < 0:
		return nil, usagef("-workers must not be negative")
	}
	var prod rbm.Products
	switch t.products {
	case "auto", "":
	case "float32":
		prod = rbm.ProductsFloat32
	case "bf16":
		prod = rbm.ProductsBF16
	default:
		return nil, usagef("-products must be auto, float32 or bf16, not %q", t.products)
	}
	s := &rbm.Settings{
		K: t.k, SampleVisible: t.sampleVisible, LearningRate: float32(t.lr), Decay: float32(t.decay),
		InitialMomentum: zeroIsZero(t.initMomentum), Momentum: zeroIsZero(t.momentum),
		MomentumEpochs: t.momentumEpochs, WeightCost: zeroIsZero(t.weightCost),
		BatchSize: t.batch, Epochs: t.epochs, Chains: t.chains,
		SparsityTarget: float32(t.sparsity), SparsityCost: zeroIsZero(t.sparsityCost),
		MonitorRows: t.monitor, Workers: t.workers, Products: prod,
	}
	if t.momentumEpochs == 0 {
		s.MomentumEpochs = -1
	}
	if t.monitor == 0 {
		s.MonitorRows = -1
	}
	switch t.method {
	case "cd":
		s.Method = rbm.CD
	case "pcd":
		s.Method = rbm.PCD
	case "pt":
		s.Method = rbm.PT
		temps, err := parseTemps(t.temps)
		if err != nil {
			return nil, err
		}
		if units == rbm.Gaussian && temps[len(temps)-1] == 0 {
			return nil, usagef("-temps: Gaussian visible units need inverse temperatures above 0")
		}
		s.Temperatures = temps
	default:
		return nil, usagef("-method must be cd, pcd or pt, not %q", t.method)
	}
	switch t.exact {
	case "auto":
		s.ExactLL = rbm.ExactAuto
	case "never":
		s.ExactLL = rbm.ExactNever
	case "always":
		s.ExactLL = rbm.ExactAlways
	default:
		return nil, usagef("-exact must be auto, never or always, not %q", t.exact)
	}
	return s, nil
}

// applySaved sets the flags not given on the command line to the values
// saved in the model file, and refuses explicit ones that differ.
func applySaved(fs *flag.FlagSet, saved map[string]string, path string) error {
	explicit := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })
	names := make([]string, 0, len(saved))
	for n := range saved {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		v := saved[name]
		f := fs.Lookup(name)
		if f == nil || name == "o" || name == "resume" {
			continue
		}
		if explicit[name] {
			if !resumeOverridable[name] && f.Value.String() != v {
				return usagef("-%s %s differs from the value %q that %s was trained with; -resume continues with the saved flags", name, f.Value.String(), v, path)
			}
			continue
		}
		if err := fs.Set(name, v); err != nil {
			return fmt.Errorf("%s: saved flag -%s=%q: %v", path, name, v, err)
		}
	}
	return nil
}

func (t *trainRBM) run(fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected arguments %q", args)
	}
	var model *rbmModel
	if t.resume {
		var err error
		if model, err = loadRBM(t.out); err != nil {
			return fmt.Errorf("-resume: %w", err)
		}
		if model.State == nil || model.Flags == nil {
			return fmt.Errorf("-resume: %s holds no training state to resume from", t.out)
		}
		if err := applySaved(fs, model.Flags, t.out); err != nil {
			return err
		}
	}
	if t.visible != "bernoulli" && t.visible != "gaussian" {
		return usagef("-visible must be bernoulli or gaussian, not %q", t.visible)
	}
	units := rbm.Bernoulli
	if t.visible == "gaussian" {
		units = rbm.Gaussian
	}
	if t.labels && units == rbm.Gaussian {
		return usagef("-labels needs Bernoulli visible units")
	}
	s, err := t.settings(units)
	if err != nil {
		return err
	}
	set, err := openRows(&t.df, t.limit)
	if err != nil {
		return err
	}
	var x *mat32.Dense
	var tr *rbm.Trainer
	if model != nil {
		if model.RBM.Visible != units {
			return fmt.Errorf("-resume: %s has %s visible units, the flags say %s", t.out, unitsName(model.RBM.Visible), t.visible)
		}
		if x, err = fitData(set, model); err != nil {
			return err
		}
		if model.State.Epoch >= t.epochs {
			fmt.Fprintf(stdout, "%s is already trained for %d epochs (-epochs %d): nothing to do\n", t.out, model.State.Epoch, t.epochs)
			return nil
		}
		tr = rbm.NewTrainer(model.RBM, s, rng.New(0))
		if err := checkState(model.State, &tr.Settings, model.RBM); err != nil {
			return fmt.Errorf("-resume: %s: %v", t.out, err)
		}
		tr.State = *model.State
		if len(model.History) > tr.State.Epoch {
			model.History = model.History[:tr.State.Epoch]
		}
	} else {
		nl := 0
		if t.labels {
			if set.Labels == nil {
				return fmt.Errorf("-labels: %s has no labels", set.Name)
			}
			for _, l := range set.Labels {
				nl = max(nl, l+1)
			}
			if t.df.isMNIST() {
				nl = 10
			}
			if nl < 2 {
				return fmt.Errorf("-labels: %s has only one class", set.Name)
			}
		}
		m := rbm.New(set.X.Cols+nl, t.hidden, units)
		if nl > 0 {
			m.Softmax = []rbm.Group{{Start: set.X.Cols, Size: nl}}
		}
		model = &rbmModel{RBM: m, Width: set.Width, Height: set.Height, Labels: nl, Data: t.df.spec}
		if x, err = fitData(set, model); err != nil {
			return err
		}
		r := rng.New(t.seed)
		m.Init(x, r)
		tr = rbm.NewTrainer(m, s, r)
	}
	// Record every flag, with the resolved number of workers, for -resume.
	fs.VisitAll(func(f *flag.Flag) {
		if model.Flags == nil {
			model.Flags = map[string]string{}
		}
		model.Flags[f.Name] = f.Value.String()
	})
	model.Flags["workers"] = strconv.Itoa(tr.Settings.Workers)
	model.Settings = settingsJSON(&tr.Settings)
	model.Meta = stampMeta(model.Meta)
	model.Data = t.df.spec

	valid, err := t.validation(model)
	if err != nil {
		return err
	}
	tr.Settings.Validation = valid

	nv, nh := model.RBM.Dims()
	st := &tr.Settings
	desc := fmt.Sprintf("%v-%d", st.Method, st.K)
	if st.Method == rbm.PT {
		desc += fmt.Sprintf(", %d temperatures", len(st.Temperatures))
	}
	if st.Method != rbm.CD {
		desc += fmt.Sprintf(", %d chains", st.Chains)
	}
	fmt.Fprintf(stdout, "rbm %dx%d (%s visible units", nv, nh, unitsName(model.RBM.Visible))
	if model.Labels > 0 {
		fmt.Fprintf(stdout, ", %d label units", model.Labels)
	}
	fmt.Fprintf(stdout, ") on %s (%d rows), %s, lr %g, batch %d, seed %d\n", set.Name, x.Rows, desc, st.LearningRate, st.BatchSize, t.seed)
	if valid != nil {
		fmt.Fprintf(stdout, "held-out data for monitoring: %d rows\n", valid.Rows)
	}
	if t.resume {
		fmt.Fprintf(stdout, "resuming %s after epoch %d\n", t.out, tr.State.Epoch)
	}

	bar := newProgress(int64(t.epochs-tr.State.Epoch), "epochs")
	stop := catchInterrupts()
	defer stop()
	st.Recorder = rbm.RecorderFunc(func(es rbm.EpochStats) error {
		model.History = append(model.History, recordOf(es))
		fmt.Fprintln(stdout, epochLine(es, t.epochs))
		model.State = &tr.State
		if err := saveRBM(t.out, model); err != nil {
			return err
		}
		return afterCheckpoint(bar, es.Epoch, t.epochs)
	})
	for tr.State.Epoch < t.epochs {
		if _, err := tr.Epoch(x); err != nil {
			bar.Finish()
			return trainStopped(err, "rbm", t.out, tr.State.Epoch, t.epochs)
		}
	}
	bar.Finish()
	fmt.Fprintf(stdout, "wrote %s\n", t.out)
	return nil
}

// validation opens the held-out data for monitoring, as -valid says.
func (t *trainRBM) validation(model *rbmModel) (*mat32.Dense, error) {
	set, err := validationSet(t.df, t.valid)
	if set == nil || err != nil {
		return nil, err
	}
	x, err := fitData(set, model)
	if err != nil {
		return nil, fmt.Errorf("-valid: %w", err)
	}
	return x, nil
}

// checkState checks a saved trainer state against the settings, so that a
// damaged or mismatched file gives an error rather than a panic.
func checkState(s *rbm.State, st *rbm.Settings, m *rbm.RBM) error {
	_, nh := m.Dims()
	if s.Chains != nil {
		rows := st.Chains
		if st.Method == rbm.PT {
			rows *= len(st.Temperatures)
		}
		if st.Method == rbm.CD || s.Chains.Rows != rows {
			return fmt.Errorf("saved chains (%d rows) do not fit %v with %d chains", s.Chains.Rows, st.Method, st.Chains)
		}
	}
	if st.SparsityTarget > 0 && len(s.HiddenMean) != nh {
		return fmt.Errorf("no saved hidden means for the sparsity target")
	}
	if st.SparsityTarget == 0 {
		s.HiddenMean = nil
	}
	return nil
}

// epochLine formats one epoch's statistics for standard output.
func epochLine(s rbm.EpochStats, total int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "epoch %*d/%d", len(strconv.Itoa(total)), s.Epoch, total)
	num := func(name string, x float64) {
		if !math.IsNaN(x) {
			fmt.Fprintf(&b, "  %s %.4g", name, x)
		}
	}
	num("recon", s.ReconError)
	num("fe-gap", s.FreeEnergyGap)
	num("logZ", s.LogZ)
	num("ll", s.ExactLL)
	num("ll-valid", s.ExactLLValid)
	if len(s.SwapRates) > 0 {
		b.WriteString("  swaps")
		for _, r := range s.SwapRates {
			fmt.Fprintf(&b, " %.2f", r)
		}
	}
	fmt.Fprintf(&b, "  %.1fs", s.Duration.Seconds())
	return b.String()
}
