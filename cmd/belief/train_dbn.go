package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/belief-ml/belief/dataset"
	"github.com/belief-ml/belief/dbn"
	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

func init() {
	registerTrainModel(&trainModel{
		Name:      "dbn",
		UsageLine: "dbn [-data mnist|PATH] [-layers 500,500,2000] [-labels] [-epochs 10|E1,E2,...] [-updown N] [-o model.dbn] [-resume] [flags]",
		Short:     "deep belief net: RBMs stacked greedily, labels beside the top, optional up-down fine-tuning",
		Long: `Train dbn trains a deep belief net (Hinton, Osindero & Teh 2006) greedily,
one RBM at a time from the bottom: RBM l learns the data passed up through
the RBMs below it (their hidden probabilities, or a binary sample with
-sample-up). -layers lists the hidden layer sizes bottom-up (500,500,2000 on
MNIST gives 784-500-500-2000). With -labels the class labels form a one-of-K
softmax group beside the penultimate layer in the top RBM's visible layer,
so that the top RBM learns the joint distribution of the labels and the
top-level features; "belief eval" then classifies by the labels' free
energies and "belief sample -label d" draws digits of class d.

Every RBM is trained with the same flags as "belief train rbm" (-method,
-k, -lr, -momentum, -weight-cost, -batch, ...); -epochs and -k are one
count for every layer or a comma-separated count per layer (50 or
50,50,50). After
every epoch of every layer a line names the layer and the epoch and gives
the RBM's statistics as train rbm does (the held-out data, -valid, are
passed up through the same layers); with -labels the top RBM's lines add
the held-out error of classification by the labels' free energies
(valid-error).

-updown N then fine-tunes the whole net for N epochs with the up-down
algorithm (-updown-lr, -updown-k Gibbs steps in the top RBM), which unties
the recognition and generative weights; the file then stores the generative
weights too. "belief finetune" does the same on a trained file, or
fine-tunes a classifier by backprop.

The model file -o is rewritten atomically after every epoch: it holds the
finished layers, the layer in progress with its trainer state, and the
up-down state, so an interrupted run (Ctrl-C finishes the current epoch
and saves) continues exactly where it stopped with
  belief train dbn -resume -o FILE
which reuses the file's flags: the result is bit-identical to a run that was
never interrupted (on the same machine, with the same -workers).`,
		New: func() flagRunner { return &trainDBN{} },
	})
}

// trainDBN holds the flags of "belief train dbn". The per-layer RBM flags
// live in r, whose settings method checks them as train rbm does.
type trainDBN struct {
	r        trainRBM
	layers   string
	epochs   string
	ks       string
	sampleUp bool
	updown   int
	udLR     float64
	udK      int
}

func (t *trainDBN) define(fs *flag.FlagSet) {
	r := &t.r
	r.df.register(fs, "train")
	fs.IntVar(&r.limit, "limit", 0, "use only the first `N` rows of the data (0: all)")
	fs.StringVar(&t.layers, "layers", "500,500,2000", "sizes of the hidden layers, bottom-up, comma-separated")
	fs.BoolVar(&r.labels, "labels", false, "put the class labels as a one-of-K softmax group beside the penultimate layer in the top RBM")
	fs.StringVar(&t.epochs, "epochs", "10", "epochs per layer: one count for every layer, or a comma-separated count per layer")
	fs.StringVar(&r.method, "method", "cd", "training method of each RBM: cd, pcd or pt")
	fs.StringVar(&t.ks, "k", "1", "Gibbs steps per update (CD-k; per update for pcd and pt): one count for every layer, or a comma-separated count per layer")
	fs.Float64Var(&r.lr, "lr", 0, "learning rate (0: 0.1 for Bernoulli, 0.001 for Gaussian visible units)")
	fs.Float64Var(&r.decay, "lr-decay", 0, "learning rate of epoch e (0-based) is lr/(1+decay*e)")
	fs.Float64Var(&r.momentum, "momentum", 0.9, "momentum after the first -momentum-epochs epochs")
	fs.Float64Var(&r.initMomentum, "initial-momentum", 0.5, "momentum of the first -momentum-epochs epochs")
	fs.IntVar(&r.momentumEpochs, "momentum-epochs", 5, "number of epochs with -initial-momentum")
	fs.Float64Var(&r.weightCost, "weight-cost", 0.0002, "L2 weight decay on W")
	fs.IntVar(&r.batch, "batch", 100, "mini-batch size (of the RBMs and of up-down)")
	fs.IntVar(&r.chains, "chains", 0, "persistent chains for pcd, per temperature for pt (0: the batch size)")
	fs.StringVar(&r.temps, "temps", "10", "pt inverse temperatures: a comma-separated list from 1 down, or a count n")
	fs.Float64Var(&r.sparsity, "sparsity", 0, "target mean activation of the hidden units (0: no sparsity penalty)")
	fs.Float64Var(&r.sparsityCost, "sparsity-cost", 0.01, "weight of the sparsity penalty")
	fs.BoolVar(&r.sampleVisible, "sample-visible", false, "sample the visible states of the last CD step instead of using probabilities")
	fs.StringVar(&r.products, "products", "auto", "arithmetic of the dense products of CD and PCD: float32, bf16 (on AMX tiles in bfloat16 parts, about 1e-5 relative error, where the CPU has AMX), or auto (bf16 for cd, float32 otherwise); see rbm.Products")
	fs.StringVar(&r.visible, "visible", "bernoulli", "visible units of the first RBM: bernoulli or gaussian (use -binarize none for real-valued data)")
	fs.BoolVar(&t.sampleUp, "sample-up", false, "pass binary samples up to the next layer instead of probabilities")
	fs.IntVar(&t.updown, "updown", 0, "epochs of up-down fine-tuning after the greedy stage (0: none)")
	fs.Float64Var(&t.udLR, "updown-lr", 0.01, "learning rate of up-down fine-tuning")
	fs.IntVar(&t.udK, "updown-k", 3, "Gibbs steps in the top RBM per up-down update")
	fs.Uint64Var(&r.seed, "seed", 1, "random seed of the initial weights and of training")
	fs.StringVar(&r.valid, "valid", "auto", "held-out data for monitoring: auto (the mnist test split for -data mnist, none for paths), none, or a path")
	fs.StringVar(&r.exact, "exact", "auto", "exact log-likelihood of each RBM each epoch: auto (when cheap), never, or always (when enumerable)")
	fs.IntVar(&r.monitor, "monitor-rows", 1000, "rows used for the reconstruction error and the free-energy gap")
	fs.IntVar(&r.workers, "workers", 0, "goroutines per mini-batch (0: all cores); results depend on it")
	fs.StringVar(&r.out, "o", "model.dbn", "model `file`, rewritten after every epoch")
	fs.BoolVar(&r.resume, "resume", false, "continue training the -o file from its saved state with its saved flags")
}

// parseEpochs parses -epochs: one count for all n layers, or one per layer.
func parseEpochs(s string, n int) ([]int, error) { return parsePerLayer("epochs", s, n) }

// parsePerLayer parses the flag -name: one count (at least 1) for all n
// layers, or a comma-separated count per layer.
func parsePerLayer(name, s string, n int) ([]int, error) {
	f := strings.Split(s, ",")
	if len(f) != 1 && len(f) != n {
		return nil, usagef("-%s %q: want one count or %d (one per layer)", name, s, n)
	}
	ep := make([]int, n)
	for i := range ep {
		v, err := strconv.Atoi(strings.TrimSpace(f[min(i, len(f)-1)]))
		if err != nil || v < 1 {
			return nil, usagef("-%s %q: want counts of at least 1", name, s)
		}
		ep[i] = v
	}
	return ep, nil
}

// dbnData checks that the rows of set fit the first RBM of d.
func dbnData(set *dataset.Set, d *dbn.DBN) (*mat32.Dense, error) {
	return fitData(set, &rbmModel{RBM: d.Layers[0]})
}

// dbnLabels returns the labels of set for a DBN with nl label units (nil
// if nl is 0), checking their range.
func dbnLabels(set *dataset.Set, nl int) ([]int, error) {
	if nl == 0 {
		return nil, nil
	}
	if set.Labels == nil {
		return nil, fmt.Errorf("%s: the model has %d label units but the data have no labels", set.Name, nl)
	}
	for i, c := range set.Labels {
		if c < 0 || c >= nl {
			return nil, fmt.Errorf("%s: row %d: label %d outside the model's %d classes", set.Name, i+1, c, nl)
		}
	}
	return set.Labels, nil
}

func (t *trainDBN) run(fs *flag.FlagSet, args []string) error {
	r := &t.r
	if len(args) > 0 {
		return usagef("unexpected arguments %q", args)
	}
	var model *dbnModel
	if r.resume {
		var err error
		if model, err = loadDBN(r.out); err != nil {
			return fmt.Errorf("-resume: %w", err)
		}
		if model.Flags == nil {
			return fmt.Errorf("-resume: %s holds no training state to resume from", r.out)
		}
		if err := applySaved(fs, model.Flags, r.out); err != nil {
			return err
		}
	}
	hidden, err := parseLayers(t.layers)
	if err != nil {
		return err
	}
	epochs, err := parseEpochs(t.epochs, len(hidden))
	if err != nil {
		return err
	}
	ks, err := parsePerLayer("k", t.ks, len(hidden))
	if err != nil {
		return err
	}
	if r.visible != "bernoulli" && r.visible != "gaussian" {
		return usagef("-visible must be bernoulli or gaussian, not %q", r.visible)
	}
	units := rbm.Bernoulli
	if r.visible == "gaussian" {
		units = rbm.Gaussian
	}
	if r.labels && units == rbm.Gaussian && len(hidden) == 1 {
		return usagef("-labels beside Gaussian visible units needs at least two layers")
	}
	switch {
	case t.updown < 0:
		return usagef("-updown must not be negative")
	case !(t.udLR > 0) || math.IsInf(t.udLR, 0):
		return usagef("-updown-lr must be positive")
	case t.udK < 1:
		return usagef("-updown-k must be at least 1")
	}
	settings := make([]*rbm.Settings, len(hidden))
	for l := range hidden {
		r.hidden, r.epochs, r.k = hidden[l], epochs[l], ks[l]
		u := rbm.Bernoulli
		if l == 0 {
			u = units
		}
		if settings[l], err = r.settings(u); err != nil {
			return err
		}
	}
	set, err := openRows(&r.df, r.limit)
	if err != nil {
		return err
	}
	var d *dbn.DBN
	var g *dbn.GreedyTrainer
	gs := &dbn.Settings{SampleUp: t.sampleUp}
	if model != nil {
		d = model.DBN
		sizes := append([]int{set.X.Cols}, hidden...)
		if got := layersString(dbnSizes(d)); got != layersString(sizes) {
			return fmt.Errorf("-resume: %s has layers %s, the data and -layers give %s", r.out, got, layersString(sizes))
		}
		g = dbn.NewGreedyTrainer(d, gs, rng.New(0))
		g.State = model.Greedy
		if len(model.History) > 0 {
			// keep the records of the epochs the file's state has done
			model.History = keepDone(model)
		}
	} else {
		nl := 0
		if r.labels {
			if set.Labels == nil {
				return fmt.Errorf("-labels: %s has no labels", set.Name)
			}
			for _, l := range set.Labels {
				nl = max(nl, l+1)
			}
			if r.df.isMNIST() {
				nl = 10
			}
			if nl < 2 {
				return fmt.Errorf("-labels: %s has only one class", set.Name)
			}
		}
		d = dbn.New(append([]int{set.X.Cols}, hidden...), nl, units)
		g = dbn.NewGreedyTrainer(d, gs, rng.New(r.seed))
		model = &dbnModel{DBN: d, Width: set.Width, Height: set.Height, Greedy: g.State}
	}
	x, err := dbnData(set, d)
	if err != nil {
		return err
	}
	labels, err := dbnLabels(set, d.Labels)
	if err != nil {
		return err
	}
	model.Flags = map[string]string{}
	fs.VisitAll(func(f *flag.Flag) { model.Flags[f.Name] = f.Value.String() })
	model.Flags["workers"] = strconv.Itoa(resolvedWorkers(settings[0], d.Layers[0]))
	model.Meta = stampMeta(model.Meta)
	model.Data = r.df.spec

	vset, err := validationSet(r.df, r.valid)
	if err != nil {
		return err
	}
	var vx *mat32.Dense
	var vlabels []int
	if vset != nil {
		if vx, err = dbnData(vset, d); err != nil {
			return fmt.Errorf("-valid: %w", err)
		}
		if d.Labels > 0 && vset.Labels != nil {
			if vlabels, err = dbnLabels(vset, d.Labels); err != nil {
				return fmt.Errorf("-valid: %w", err)
			}
		}
	}

	L := len(d.Layers)
	fmt.Fprintf(stdout, "dbn %s", strings.ReplaceAll(layersString(dbnSizes(d)), ",", "-"))
	if d.Labels > 0 {
		fmt.Fprintf(stdout, " with %d label units", d.Labels)
	}
	lr := r.lr
	if lr == 0 {
		lr = 0.1 // rbm's default; the first layer of Gaussian units gets 0.001
	}
	fmt.Fprintf(stdout, " on %s (%d rows), %v-%s, lr %g, batch %d, epochs %s", set.Name, x.Rows, settings[0].Method, t.ks, lr, r.batch, t.epochs)
	if t.updown > 0 {
		fmt.Fprintf(stdout, ", then %d up-down epochs", t.updown)
	}
	fmt.Fprintf(stdout, ", seed %d\n", r.seed)
	if vx != nil {
		fmt.Fprintf(stdout, "held-out data for monitoring: %d rows\n", vx.Rows)
	}
	if r.resume {
		fmt.Fprintf(stdout, "resuming %s: %d of %d layers trained", r.out, g.State.Done, L)
		if model.Layer != nil {
			fmt.Fprintf(stdout, ", layer %d after epoch %d", g.State.Done+1, model.Layer.Epoch)
		}
		if model.UpDown != nil {
			fmt.Fprintf(stdout, ", up-down after epoch %d", model.UpDown.Epoch)
		}
		fmt.Fprintln(stdout)
	}

	// Progress counts every epoch of every layer and of up-down.
	total, done := t.updown, 0
	for l := range d.Layers {
		total += epochs[l]
		switch {
		case l < g.State.Done:
			done += epochs[l]
		case l == g.State.Done && model.Layer != nil:
			done += min(model.Layer.Epoch, epochs[l])
		}
	}
	if model.UpDown != nil {
		done += min(model.UpDown.Epoch, t.updown)
	}
	bar := newProgress(int64(total-done), "epochs")
	defer bar.Finish()
	stop := catchInterrupts()
	defer stop()
	stopped := func(err error) error {
		if errors.Is(err, errInterrupted) {
			return fmt.Errorf("interrupted; the checkpoint %s is saved: continue with\n  belief train dbn -resume -o %s", r.out, r.out)
		}
		return err
	}

	for g.State.Done < L {
		l := g.State.Done
		m := d.Layers[l]
		xl := g.Input(l, x, labels)
		s := *settings[l]
		if vx != nil && (l < L-1 || d.Labels == 0 || vlabels != nil) {
			s.Validation = g.Input(l, vx, vlabels)
		}
		var tr *rbm.Trainer
		if model.Layer != nil {
			tr = rbm.NewTrainer(m, &s, rng.New(0))
			if err := checkState(model.Layer, &tr.Settings, m); err != nil {
				return fmt.Errorf("-resume: %s: layer %d: %v", r.out, l+1, err)
			}
			tr.State = *model.Layer
		} else {
			// exactly what dbn.GreedyTrainer.Layer does, one epoch at a time
			m.Init(xl, rng.Derive(g.State.Seed, uint64(3*l)))
			tr = rbm.NewTrainer(m, &s, rng.Derive(g.State.Seed, uint64(3*l+1)))
		}
		tr.Settings.Recorder = rbm.RecorderFunc(func(es rbm.EpochStats) error {
			rec := recordOf(es)
			verr := math.NaN()
			line := epochLine(es, epochs[l])
			if l == L-1 && d.Labels > 0 && vx != nil && vlabels != nil {
				// the top RBM with labels classifies: its held-out error
				verr = d.ErrorRate(vx, vlabels)
				line += fmt.Sprintf("  valid-error %.4f", verr)
			}
			model.History = append(model.History, dbnEpochRecord{
				Phase: "greedy", Layer: l + 1, Epoch: es.Epoch, ReconError: rec.ReconError, FEGap: rec.FEGap,
				LL: rec.LL, LLValid: rec.LLValid, ValidError: jsonFloat(verr), Seconds: rec.Seconds,
			})
			fmt.Fprintf(stdout, "layer %d/%d %s\n", l+1, L, line)
			model.Layer = &tr.State
			if es.Epoch >= epochs[l] {
				g.State.Done = l + 1
				model.Layer = nil
			}
			model.Greedy = g.State
			if err := saveDBN(r.out, model); err != nil {
				return err
			}
			done++
			return afterCheckpoint(bar, done, total)
		})
		for tr.State.Epoch < epochs[l] {
			if _, err := tr.Epoch(xl); err != nil {
				return stopped(fmt.Errorf("layer %d: %w", l+1, err))
			}
		}
		if g.State.Done == l { // epochs lowered on -resume: the layer is done
			g.State.Done, model.Layer, model.Greedy.Done = l+1, nil, l+1
			if err := saveDBN(r.out, model); err != nil {
				return err
			}
		}
	}
	if t.updown > 0 {
		us := &dbn.UpDownSettings{LearningRate: float32(t.udLR), K: t.udK, BatchSize: r.batch, Epochs: t.updown}
		if vx != nil && vlabels != nil {
			us.Validation, us.ValidLabels = vx, vlabels
		}
		err := runUpDown(model, x, labels, us, model.UpDown, r.out, func() error {
			done++
			return afterCheckpoint(bar, done, total)
		})
		if err != nil {
			return stopped(err)
		}
	}
	bar.Finish()
	fmt.Fprintf(stdout, "wrote %s\n", r.out)
	return nil
}

// keepDone drops the history records of epochs that the saved state does
// not include (a checkpoint is written after the record is added, so there
// are none unless the file was edited).
func keepDone(m *dbnModel) []dbnEpochRecord {
	var h []dbnEpochRecord
	for _, rec := range m.History {
		switch {
		case rec.Phase == "greedy" && rec.Layer <= m.Greedy.Done:
		case rec.Phase == "greedy" && rec.Layer == m.Greedy.Done+1 && m.Layer != nil && rec.Epoch <= m.Layer.Epoch:
		case rec.Phase == "updown" && m.UpDown != nil && rec.Epoch <= m.UpDown.Epoch:
		default:
			continue
		}
		h = append(h, rec)
	}
	return h
}

// resolvedWorkers returns the number of workers the rbm trainer resolves
// s.Workers to.
func resolvedWorkers(s *rbm.Settings, m *rbm.RBM) int {
	tr := rbm.NewTrainer(m, s, rng.New(0))
	return tr.Settings.Workers
}

// runUpDown fine-tunes model.DBN by up-down until us.Epochs epochs are
// done, resuming from st if not nil, writing out after every epoch and
// calling after (which may stop training with an error) after each write.
func runUpDown(model *dbnModel, x *mat32.Dense, labels []int, us *dbn.UpDownSettings, st *upDownState, out string, after func() error) error {
	d := model.DBN
	ut := dbn.NewUpDownTrainer(d, us, rng.Derive(model.Greedy.Seed, 1<<40))
	if st != nil {
		ut.Epoch, ut.Seed = st.Epoch, st.Seed
	}
	model.UpDown = &upDownState{Epoch: ut.Epoch, Seed: ut.Seed}
	ut.Settings.Recorder = func(s dbn.UpDownStats) error {
		model.History = append(model.History, dbnEpochRecord{
			Phase: "updown", Epoch: s.Epoch, ReconError: jsonFloat(math.NaN()), FEGap: jsonFloat(math.NaN()),
			LL: jsonFloat(math.NaN()), LLValid: jsonFloat(math.NaN()), ValidError: jsonFloat(s.ValidError),
			Seconds: math.Round(s.Duration.Seconds()*1000) / 1000,
		})
		line := fmt.Sprintf("up-down epoch %*d/%d", len(strconv.Itoa(us.Epochs)), s.Epoch, us.Epochs)
		if !math.IsNaN(s.ValidError) {
			line += fmt.Sprintf("  valid-error %.4f", s.ValidError)
		}
		fmt.Fprintf(stdout, "%s  %.1fs\n", line, s.Duration.Seconds())
		model.UpDown = &upDownState{Epoch: ut.Epoch, Seed: ut.Seed}
		if err := saveDBN(out, model); err != nil {
			return err
		}
		return after()
	}
	for ut.Epoch < us.Epochs {
		if _, err := ut.RunEpoch(x, labels); err != nil {
			return err
		}
	}
	return nil
}
