package main

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
	"github.com/belief-ml/belief/sbn"
)

func init() {
	registerTrainModel(&trainModel{
		Name:      "sbn",
		UsageLine: "sbn [-data mnist|PATH] [-layers 200,200] [-method ws|rws] [-k 5] [-epochs 10] [-o model.sbn] [-resume] [flags]",
		Short:     "sigmoid belief net with a recognition net (wake-sleep, reweighted wake-sleep)",
		Long: `Train sbn trains a sigmoid belief net, a directed net of binary units whose
layers are the data (visible) and -layers hidden layers listed bottom-up
(-layers 200,200: 784-200-200 on MNIST), together with a recognition net
q(h | v) that infers the hidden layers bottom-up.

-method ws is the wake-sleep algorithm (Hinton, Dayan, Frey & Neal 1995):
one sample of h ~ q(h | v) per example trains the generative net, and dreams
(v, h) drawn from the generative net train q. -method rws is reweighted
wake-sleep (Bornschein & Bengio 2015): -k samples per example, weighted by
p(v, h)/q(h | v), train the generative net by the gradient of the K-sample
bound, and q on the data as well as on dreams (-q says which). Both use
Adam with step size -lr.

After every epoch a line goes to standard output: "bound", the mean K-sample
bound over the epoch's mini-batches; "ll", the importance-sampled estimate of
the log-likelihood (-monitor-k samples per row, with its standard error) and
"bound1", the K = 1 variational bound, on the first -monitor-rows training
rows and (ll-valid, bound1-valid) held-out rows (-valid; for -data mnist the
test split); "exact", the exact log-likelihood when the net is small enough
to enumerate (-exact); and the time. All in nats per example.

The model file -o is rewritten atomically after every epoch with the
trainer's state, so an interrupted run (Ctrl-C finishes the current epoch
and saves) continues exactly where it stopped with
  belief train sbn -resume -o FILE [-epochs TOTAL]
which reuses the file's flags: the result is bit-identical to a run that was
never interrupted (on the same machine, with the same -workers).`,
		New: func() flagRunner { return &trainSBN{} },
	})
}

// trainSBN holds the flags of "belief train sbn".
type trainSBN struct {
	df         dataFlags
	limit      int
	layers     string
	method     string
	k          int
	q          string
	epochs     int
	lr         float64
	weightCost float64
	batch      int
	seed       uint64
	valid      string
	exact      string
	monitor    int
	monitorK   int
	workers    int
	out        string
	resume     bool
}

func (t *trainSBN) define(fs *flag.FlagSet) {
	t.df.register(fs, "train")
	fs.IntVar(&t.limit, "limit", 0, "use only the first `N` rows of the data (0: all)")
	fs.StringVar(&t.layers, "layers", "200,200", "sizes of the hidden layers, bottom-up, comma-separated")
	fs.StringVar(&t.method, "method", "rws", "training method: ws (wake-sleep) or rws (reweighted wake-sleep)")
	fs.IntVar(&t.k, "k", 0, "importance samples per example (0: 1 for ws, 5 for rws; ws needs 1)")
	fs.StringVar(&t.q, "q", "auto", "how the recognition net learns: auto (sleep for K = 1, wake+sleep for K > 1), sleep, wake or both")
	fs.IntVar(&t.epochs, "epochs", 10, "total number of epochs (with -resume: up to this total)")
	fs.Float64Var(&t.lr, "lr", 0.001, "Adam's step size")
	fs.Float64Var(&t.weightCost, "weight-cost", 0, "L2 weight decay on the weights of both nets")
	fs.IntVar(&t.batch, "batch", 100, "mini-batch size (examples, each with K samples)")
	fs.Uint64Var(&t.seed, "seed", 1, "random seed of the initial weights and of training")
	fs.StringVar(&t.valid, "valid", "auto", "held-out data for monitoring: auto (the mnist test split for -data mnist, none for paths), none, or a path")
	fs.StringVar(&t.exact, "exact", "auto", "exact log-likelihood each epoch: auto (when cheap), never, or always (when enumerable)")
	fs.IntVar(&t.monitor, "monitor-rows", 1000, "rows on which the likelihood estimate and bound are measured each epoch (0: none)")
	fs.IntVar(&t.monitorK, "monitor-k", 100, "importance samples per row of that estimate")
	fs.IntVar(&t.workers, "workers", 0, "goroutines per mini-batch (0: all cores); results depend on it")
	fs.StringVar(&t.out, "o", "model.sbn", "model `file`, rewritten after every epoch")
	fs.BoolVar(&t.resume, "resume", false, "continue training the -o file from its saved state with its saved flags, up to -epochs in total")
}

// parseLayers parses a comma-separated list of layer sizes.
func parseLayers(s string) ([]int, error) {
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1<<20 {
			return nil, usagef("-layers %q: want comma-separated sizes of at least 1, such as 200,200", s)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

// settings checks the flags and turns them into sbn.Settings.
func (t *trainSBN) settings() (*sbn.Settings, error) {
	k := t.k
	switch {
	case t.method != "ws" && t.method != "rws":
		return nil, usagef("-method must be ws or rws, not %q", t.method)
	case k < 0 || k > 100000:
		return nil, usagef("-k must be in [1, 100000]")
	case t.method == "ws" && k > 1:
		return nil, usagef("-method ws uses one sample per example: use -method rws for -k %d", k)
	case t.epochs < 1:
		return nil, usagef("-epochs must be at least 1")
	case t.batch < 1:
		return nil, usagef("-batch must be at least 1")
	case !(t.lr > 0) || math.IsInf(t.lr, 0):
		return nil, usagef("-lr must be positive")
	case t.weightCost < 0:
		return nil, usagef("-weight-cost must not be negative")
	case t.monitor < 0 || t.monitorK < 1:
		return nil, usagef("-monitor-rows must not be negative, -monitor-k must be at least 1")
	case t.workers < 0:
		return nil, usagef("-workers must not be negative")
	}
	if k == 0 {
		k = 1
		if t.method == "rws" {
			k = 5
		}
	}
	s := &sbn.Settings{
		K: k, LearningRate: float32(t.lr), WeightCost: float32(t.weightCost),
		BatchSize: t.batch, Epochs: t.epochs, MonitorRows: t.monitor, MonitorK: t.monitorK,
		Workers: t.workers,
	}
	if t.monitor == 0 {
		s.MonitorRows = -1
	}
	switch t.q {
	case "auto":
		s.Q = sbn.QAuto
	case "sleep":
		s.Q = sbn.QSleep
	case "wake":
		s.Q = sbn.QWake
	case "both":
		s.Q = sbn.QBoth
	default:
		return nil, usagef("-q must be auto, sleep, wake or both, not %q", t.q)
	}
	switch t.exact {
	case "auto":
		s.ExactLL = sbn.ExactAuto
	case "never":
		s.ExactLL = sbn.ExactNever
	case "always":
		s.ExactLL = sbn.ExactAlways
	default:
		return nil, usagef("-exact must be auto, never or always, not %q", t.exact)
	}
	return s, nil
}

func (t *trainSBN) run(fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected arguments %q", args)
	}
	var model *sbnModel
	if t.resume {
		var err error
		if model, err = loadSBN(t.out); err != nil {
			return fmt.Errorf("-resume: %w", err)
		}
		if model.State == nil || model.Flags == nil {
			return fmt.Errorf("-resume: %s holds no training state to resume from", t.out)
		}
		if err := applySaved(fs, model.Flags, t.out); err != nil {
			return err
		}
	}
	hidden, err := parseLayers(t.layers)
	if err != nil {
		return err
	}
	s, err := t.settings()
	if err != nil {
		return err
	}
	set, err := openRows(&t.df, t.limit)
	if err != nil {
		return err
	}
	x, err := fitSBNData(set, set.X.Cols)
	if err != nil {
		return err
	}
	var tr *sbn.Trainer
	if model != nil {
		sizes := append([]int{x.Cols}, hidden...)
		if got := layersString(model.Net.Sizes()); got != layersString(sizes) {
			return fmt.Errorf("-resume: %s has layers %s, the data and -layers give %s", t.out, got, layersString(sizes))
		}
		if model.State.Epoch >= t.epochs {
			fmt.Fprintf(stdout, "%s is already trained for %d epochs (-epochs %d): nothing to do\n", t.out, model.State.Epoch, t.epochs)
			return nil
		}
		tr = sbn.NewTrainer(model.Net, model.Rec, s, rng.New(0))
		tr.State = *model.State
		if len(model.History) > tr.State.Epoch {
			model.History = model.History[:tr.State.Epoch]
		}
	} else {
		n := sbn.New(append([]int{x.Cols}, hidden...)...)
		q := sbn.NewRecognition(n)
		r := rng.New(t.seed)
		n.Init(x, r)
		q.Init(r)
		model = &sbnModel{Net: n, Rec: q, Width: set.Width, Height: set.Height}
		tr = sbn.NewTrainer(n, q, s, r)
	}
	model.Flags = map[string]string{}
	fs.VisitAll(func(f *flag.Flag) { model.Flags[f.Name] = f.Value.String() })
	model.Flags["workers"] = strconv.Itoa(tr.Settings.Workers)
	model.Settings = sbnSettingsOf(&tr.Settings)
	model.Meta = stampMeta(model.Meta)
	model.Data = t.df.spec

	vset, err := validationSet(t.df, t.valid)
	if err != nil {
		return err
	}
	if vset != nil {
		v, err := fitSBNData(vset, x.Cols)
		if err != nil {
			return fmt.Errorf("-valid: %w", err)
		}
		tr.Settings.Validation = v
	}

	st := &tr.Settings
	method := "wake-sleep"
	if st.K > 1 {
		method = fmt.Sprintf("reweighted wake-sleep, K = %d", st.K)
	}
	fmt.Fprintf(stdout, "sbn %s on %s (%d rows), %s, q %v, lr %g, batch %d, seed %d\n",
		strings.ReplaceAll(layersString(model.Net.Sizes()), ",", "-"), set.Name, x.Rows, method, st.Q, st.LearningRate, st.BatchSize, t.seed)
	if st.Validation != nil {
		fmt.Fprintf(stdout, "held-out data for monitoring: %d rows\n", st.Validation.Rows)
	}
	if t.resume {
		fmt.Fprintf(stdout, "resuming %s after epoch %d\n", t.out, tr.State.Epoch)
	}

	bar := newProgress(int64(t.epochs-tr.State.Epoch), "epochs")
	stop := catchInterrupts()
	defer stop()
	st.Recorder = sbn.RecorderFunc(func(es sbn.EpochStats) error {
		model.History = append(model.History, sbnRecordOf(es))
		fmt.Fprintln(stdout, sbnEpochLine(es, t.epochs))
		model.State = &tr.State
		if err := saveSBN(t.out, model); err != nil {
			return err
		}
		return afterCheckpoint(bar, es.Epoch, t.epochs)
	})
	for tr.State.Epoch < t.epochs {
		if _, err := tr.Epoch(x); err != nil {
			bar.Finish()
			return trainStopped(err, "sbn", t.out, tr.State.Epoch, t.epochs)
		}
	}
	bar.Finish()
	fmt.Fprintf(stdout, "wrote %s\n", t.out)
	return nil
}

// sbnEpochLine formats one epoch's statistics for standard output.
func sbnEpochLine(s sbn.EpochStats, total int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "epoch %*d/%d", len(strconv.Itoa(total)), s.Epoch, total)
	num := func(name string, x float64) {
		if !math.IsNaN(x) {
			fmt.Fprintf(&b, "  %s %.4g", name, x)
		}
	}
	pm := func(name string, x, se float64) {
		if !math.IsNaN(x) {
			fmt.Fprintf(&b, "  %s %.4g", name, x)
			if !math.IsNaN(se) {
				fmt.Fprintf(&b, " ± %.2g", se)
			}
		}
	}
	num("bound", s.TrainBound)
	pm("ll", s.LogLik, s.StdErr)
	num("bound1", s.Bound)
	pm("ll-valid", s.ValidLogLik, s.ValidStdErr)
	num("bound1-valid", s.ValidBound)
	num("exact", s.ExactLL)
	num("exact-valid", s.ExactLLValid)
	fmt.Fprintf(&b, "  %.1fs", s.Duration.Seconds())
	return b.String()
}

// sbnVisibleProbs sets dst (B, n_0) to P(v = 1 | x_1) for the states x1
// (B, n_1) of the first hidden layer: sigmoid(x1 W0 + b0).
func sbnVisibleProbs(dst *mat32.Dense, n *sbn.Net, x1 *mat32.Dense) {
	L := &n.Layers[0]
	mat32.Gemm(false, false, 1, x1, L.W, 0, dst)
	mat32.SigmoidBias(dst, L.Bias)
}
