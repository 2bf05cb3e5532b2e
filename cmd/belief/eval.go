package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"

	"github.com/belief-ml/belief/ais"
	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
)

func init() {
	registerFresh(&Command{
		Name:      "eval",
		UsageLine: "eval -model FILE [-data mnist|PATH] [-split test] [-exact] [-train-rows N] [-k 5000 -rows N] [-json]",
		Short:     "compute a model's log partition function and log-likelihoods",
		Long: `Eval computes the log partition function log Z of an RBM and the average
log-likelihood, in nats per example, of the data (-data, -split; by default
the MNIST test split) and of the training data: for mnist its training split,
for a path the data the model was trained on (as recorded in the model file),
or -train-data. With label units the likelihood is that of the pair (image,
label). -train-rows limits the training rows used (0: all, -1: skip them).

The log-likelihood of a row v is -F(v) - log Z, F being the free energy.
log Z is exact (enumerating the smaller layer, 2^N states for N units) when
the model is small enough; -exact insists on it and fails otherwise.
A larger model (or any with -ais) gets log Z from annealed importance
sampling (Salakhutdinov & Murray 2008): -ais-runs runs through -ais-betas
inverse temperatures spaced like theirs (the defaults, 100 and 14,501, are
theirs), from the base-rate model of the training data (or of -data when
there is none). AIS tends to under-estimate log Z, so its log-likelihoods
tend to be optimistic; logZ_low and logZ_high are log(mean weight -/+ 3
standard errors), and test_ll_conservative is the test log-likelihood
computed with logZ_high. -raise-rows N adds RAISE (reverse annealing,
Burda et al. 2015) on the first N test rows, a stochastic lower bound:
test_ll_raise.

-json prints one JSON object instead of text: {"logZ": ..., "test_ll": ...,
"train_ll": ..., "test_rows": ..., "train_rows": ..., "method": "exact" or
"ais"} and, for AIS, "logZ_low", "logZ_high", "test_ll_conservative",
"ais_ess" (and "test_ll_raise", "test_ll_raise_stderr" with -raise-rows),
with null for what was not computed.

For a sigmoid belief net (from "train sbn"), eval estimates the average
log-likelihood of the -data rows (the first -rows of them) by importance
sampling with the recognition net as the proposal: log (1/K) sum_k
p(v, h_k)/q(h_k | v) with -k samples h_k ~ q(h | v) per row. Its expectation
is a lower bound on log p(v) that tightens as K grows; its standard error is
over the rows. The K = 1 variational bound E_q[log p(v,h) - log q(h|v)] is
printed beside it, and, when the net is small enough to enumerate, the exact
log-likelihood. -json prints {"test_ll": ..., "test_ll_stderr": ...,
"test_bound": ..., "k": ..., "rows": ..., "test_ll_exact": ...} (the last
null when not computed).

For a deep belief net (from "train dbn"), eval prints the test error of
classification by the labels' free energies in the top RBM (with labels),
after one mean-field up pass or, with -up-samples N, with the label
log-probabilities averaged over N stochastic up passes (Hinton, Osindero &
Teh 2006), and the variational lower bound on log p(v) (Salakhutdinov &
Murray 2008) with the labels summed out: -bound-samples draws of the hidden layers from
the recognition weights per row, and the top RBM's log Z, exact when it can
be enumerated, else by AIS (-ais-runs, -ais-betas, -ais-seed) from the base
rates of the training data passed up. The bound's standard error is over
the rows. -json prints {"test_error", "test_bound", "test_bound_stderr",
"logZ_top", "logZ_top_low", "logZ_top_high", "ais_ess", "method", "rows"}.

For a classifier (from "finetune"), eval prints the test error and the mean
cross-entropy; -json prints {"test_error", "test_loss", "rows"}.`,
	}, func() flagRunner { return &evalCmd{} })
}

type evalCmd struct {
	df        dataFlags
	model     string
	limit     int
	trainData string
	trainRows int
	exact     bool
	forceAIS  bool
	aisRuns   int
	aisBetas  int
	aisSeed   uint64
	raiseRows int
	asJSON    bool
	k         int
	rows      int
	seed      uint64

	boundSamples int
	upSamples    int
}

func (e *evalCmd) define(fs *flag.FlagSet) {
	e.df.register(fs, "test")
	fs.StringVar(&e.model, "model", "model.rbm", "model `file`")
	fs.IntVar(&e.limit, "limit", 0, "use only the first `N` rows of -data (0: all)")
	fs.StringVar(&e.trainData, "train-data", "", "training data for train_ll: a path, or none (default: the mnist training split, else the model's recorded training data)")
	fs.IntVar(&e.trainRows, "train-rows", 0, "use only the first `N` training rows (0: all, -1: skip train_ll)")
	fs.BoolVar(&e.exact, "exact", false, "require the exact log Z (fail if the model is too large to enumerate)")
	fs.BoolVar(&e.forceAIS, "ais", false, "estimate log Z by AIS even when it could be enumerated")
	fs.IntVar(&e.aisRuns, "ais-runs", 100, "number of AIS runs")
	fs.IntVar(&e.aisBetas, "ais-betas", ais.SMSteps+1, "number of AIS inverse temperatures, spaced like Salakhutdinov & Murray's")
	fs.Uint64Var(&e.aisSeed, "ais-seed", 1, "random seed of AIS")
	fs.IntVar(&e.raiseRows, "raise-rows", 0, "run RAISE (reverse annealing) on the first `N` test rows (0: off)")
	fs.BoolVar(&e.asJSON, "json", false, "print one JSON object")
	fs.IntVar(&e.k, "k", 5000, "sbn: importance samples per row")
	fs.IntVar(&e.rows, "rows", 0, "use only the first `N` rows of -data (0: all; the same as -limit)")
	fs.Uint64Var(&e.seed, "seed", 1, "sbn, dbn: random seed of the importance sampling or of the bound's samples")
	fs.IntVar(&e.boundSamples, "bound-samples", 10, "dbn: samples of the hidden layers per row for the variational bound (0: no bound)")
	fs.IntVar(&e.upSamples, "up-samples", 0, "dbn: classify by the label log-probabilities averaged over `N` stochastic up passes (0: one mean-field up pass)")
}

// evalResult is what eval prints with -json.
type evalResult struct {
	LogZ      jsonFloat `json:"logZ"`
	TestLL    jsonFloat `json:"test_ll"`
	TrainLL   jsonFloat `json:"train_ll"`
	TestRows  int       `json:"test_rows"`
	TrainRows int       `json:"train_rows"`
	Method    string    `json:"method"`

	LogZLow        *jsonFloat `json:"logZ_low,omitempty"`
	LogZHigh       *jsonFloat `json:"logZ_high,omitempty"`
	TestLLCons     *jsonFloat `json:"test_ll_conservative,omitempty"`
	ESS            *jsonFloat `json:"ais_ess,omitempty"`
	TestLLRaise    *jsonFloat `json:"test_ll_raise,omitempty"`
	TestLLRaiseErr *jsonFloat `json:"test_ll_raise_stderr,omitempty"`
}

func jf(x float64) *jsonFloat { f := jsonFloat(x); return &f }

// log2States is the base-2 logarithm of the number of states of the layer
// LogZExact would enumerate.
func log2States(m *rbm.RBM) float64 {
	nv, nh := m.Dims()
	if m.Visible == rbm.Gaussian {
		return float64(nh)
	}
	vb := float64(nv)
	for _, g := range m.Softmax {
		vb += math.Log2(float64(g.Size)) - float64(g.Size)
	}
	return math.Min(vb, float64(nh))
}

// meanFreeEnergy returns the mean free energy of the rows of x, in float64,
// 1000 rows at a time.
func meanFreeEnergy(m *rbm.RBM, x *mat32.Dense) float64 {
	const chunk = 1000
	buf := make([]float64, chunk)
	var sum float64
	for i := 0; i < x.Rows; i += chunk {
		n := min(chunk, x.Rows-i)
		m.FreeEnergy(buf[:n], x.Slice(i, i+n, 0, x.Cols))
		for _, f := range buf[:n] {
			sum += f
		}
	}
	return sum / float64(x.Rows)
}

func (e *evalCmd) run(fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected arguments %q", args)
	}
	splitGiven := false
	fs.Visit(func(f *flag.Flag) { splitGiven = splitGiven || f.Name == "split" })
	if !splitGiven && !e.df.isMNIST() {
		e.df.split = "train" // a path names its split itself
	}
	switch {
	case e.trainRows < -1:
		return usagef("-train-rows must be -1, 0 or positive")
	case e.aisRuns < 1 || e.aisRuns > 1<<20:
		return usagef("-ais-runs must be in [1, 2^20]")
	case e.aisBetas < 2 || e.aisBetas > 1<<24:
		return usagef("-ais-betas must be in [2, 2^24]")
	case e.raiseRows < 0:
		return usagef("-raise-rows must not be negative")
	case e.exact && e.forceAIS:
		return usagef("-exact and -ais exclude each other")
	}
	if e.rows < 0 || e.limit < 0 {
		return usagef("-rows and -limit must not be negative")
	}
	if e.rows > 0 {
		e.limit = e.rows
	}
	a, err := loadAny(e.model)
	if err != nil {
		return err
	}
	switch {
	case a.sbn != nil:
		if explicit(fs, "bound-samples") {
			return usagef("-bound-samples: %s holds a sigmoid belief net (the flag is for deep belief nets)", e.model)
		}
		return e.runSBN(fs, a.sbn)
	case a.dbn != nil:
		return e.runDBN(fs, a.dbn)
	case a.mlp != nil:
		return e.runMLP(fs, a.mlp)
	}
	model := a.rbm
	for _, name := range []string{"k", "seed", "bound-samples"} {
		if explicit(fs, name) {
			return usagef("-%s applies to sigmoid belief nets; %s holds an RBM", name, e.model)
		}
	}
	m := model.RBM
	test, x, err := modelData(&e.df, e.limit, model)
	if err != nil {
		return err
	}
	res := evalResult{LogZ: jsonFloat(math.NaN()), TestLL: jsonFloat(math.NaN()), TrainLL: jsonFloat(math.NaN()), TestRows: x.Rows}

	// The training data.
	var trainX *mat32.Dense
	var trainName string
	trainNote := "no training data: give -train-data"
	if e.trainRows >= 0 && e.trainData != "none" {
		td := e.df
		switch {
		case e.trainData != "":
			td.spec, td.split = e.trainData, "train"
		case e.df.isMNIST():
			td.split = "train"
		case model.Data != "" && model.Data != "mnist":
			td.spec, td.split = model.Data, "train"
		default:
			td.spec = ""
		}
		if td.spec != "" {
			set, tx, err := modelData(&td, e.trainRows, model)
			switch {
			case err == nil:
				trainX, trainName = tx, set.Name
				res.TrainRows = tx.Rows
			case e.trainData != "" || e.df.isMNIST():
				return fmt.Errorf("training data: %w", err)
			default: // the recorded training data may have moved: go on without
				trainNote = fmt.Sprintf("the recorded training data: %v", err)
			}
		}
	}

	_, enumerable := m.ExactCost()
	if e.exact && !enumerable {
		return fmt.Errorf("-exact: model too large for exact log Z (2^%.0f states, at most 2^26); leave out -exact for an AIS estimate", log2States(m))
	}
	if enumerable && !e.forceAIS {
		bar := newProgress(1, "exact log Z")
		lz, err := m.LogZExact()
		bar.Finish()
		if err != nil {
			return err
		}
		res.Method = "exact"
		res.LogZ = jsonFloat(lz)
		res.TestLL = jsonFloat(-meanFreeEnergy(m, x) - lz)
		if trainX != nil {
			res.TrainLL = jsonFloat(-meanFreeEnergy(m, trainX) - lz)
		}
	} else if err := e.runAIS(m, x, trainX, &res); err != nil {
		return err
	}
	if e.asJSON {
		b, err := json.Marshal(res)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return nil
	}
	if res.Method == "exact" {
		fmt.Fprintf(stdout, "log Z = %.6f (exact, 2^%.0f states enumerated)\n", float64(res.LogZ), log2States(m))
	} else {
		fmt.Fprintf(stdout, "log Z = %.6f [%.6f, %.6f] (AIS, %d runs, %d inverse temperatures, effective sample size %.1f)\n",
			float64(res.LogZ), float64(*res.LogZLow), float64(*res.LogZHigh), e.aisRuns, e.aisBetas, float64(*res.ESS))
	}
	fmt.Fprintf(stdout, "test  log-likelihood: %.4f nats per example (%d rows of %s)\n", float64(res.TestLL), x.Rows, test.Name)
	if res.TestLLCons != nil {
		fmt.Fprintf(stdout, "test  log-likelihood with logZ_high: %.4f (conservative)\n", float64(*res.TestLLCons))
	}
	if res.TestLLRaise != nil {
		fmt.Fprintf(stdout, "test  log-likelihood by RAISE: %.4f ± %.4f (first %d rows; a stochastic lower bound)\n", float64(*res.TestLLRaise), float64(*res.TestLLRaiseErr), min(e.raiseRows, x.Rows))
	}
	if trainX != nil {
		fmt.Fprintf(stdout, "train log-likelihood: %.4f nats per example (%d rows of %s)\n", float64(res.TrainLL), trainX.Rows, trainName)
	} else {
		fmt.Fprintf(stdout, "train log-likelihood: not computed (%s)\n", trainNote)
	}
	return nil
}

// runAIS estimates log Z by annealed importance sampling and fills res.
func (e *evalCmd) runAIS(m *rbm.RBM, x, trainX *mat32.Dense, res *evalResult) error {
	baseData := trainX
	if baseData == nil {
		baseData = x
	}
	path := ais.NewRBM(m, ais.BaseRate(m, baseData))
	bar := newProgress(int64(e.aisBetas-1), "AIS")
	done := 0
	s := &ais.Settings{
		Betas: ais.Schedule(e.aisBetas), Runs: e.aisRuns, Seed: e.aisSeed,
		Progress: func(d, total int) { bar.Add(d - done); done = d },
	}
	est, err := ais.LogZ(path, s)
	bar.Finish()
	if err != nil {
		return err
	}
	res.Method = "ais"
	res.LogZ = jsonFloat(est.LogZ)
	res.LogZLow, res.LogZHigh, res.ESS = jf(est.Low), jf(est.High), jf(est.ESS)
	res.TestLL = jsonFloat(ais.LogLikelihood(m, x, est))
	res.TestLLCons = jf(float64(res.TestLL) - (est.High - est.LogZ))
	if trainX != nil {
		res.TrainLL = jsonFloat(ais.LogLikelihood(m, trainX, est))
	}
	if e.raiseRows > 0 {
		rows := x.Slice(0, min(e.raiseRows, x.Rows), 0, x.Cols)
		bar := newProgress(1, "RAISE")
		s.Progress = nil
		s.Seed++
		rv, err := ais.ReverseLogLikelihood(path, rows, s)
		bar.Finish()
		if err != nil {
			return err
		}
		res.TestLLRaise, res.TestLLRaiseErr = jf(rv.LogLikelihood), jf(rv.StdErr)
	}
	return nil
}
