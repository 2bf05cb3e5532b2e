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
	"github.com/belief-ml/belief/nn"
	"github.com/belief-ml/belief/rng"
)

func init() {
	registerFresh(&Command{
		Name:      "finetune",
		UsageLine: "finetune -model FILE.dbn [-method backprop|updown] [-data mnist|PATH] [-epochs 10] [-o FILE] [-resume] [flags]",
		Short:     "fine-tune a deep belief net: a classifier by backprop, or the generative model by up-down",
		Long: `Finetune improves a trained deep belief net (from "train dbn").

-method backprop (the default; Hinton & Salakhutdinov 2006) turns the DBN
into a feed-forward classifier: one sigmoid layer per RBM with its
recognition weights and hidden biases, then a softmax output layer over the
classes, which starts as the top RBM's conditional of the labels given its
hidden units when the DBN has label units (random small weights
otherwise). It is trained by mini-batch gradient descent with momentum on
the cross-entropy of the labels of -data (-lr, -momentum, -batch,
-weight-cost). After every epoch a line gives the mean training loss and
error over the epoch and the error on the held-out data (-valid; for -data
mnist the test split, used for monitoring only). -lr-decay d makes the
learning rate of epoch e (from 0) lr/(1 + d*e). -top-epochs N trains only
the new output layer for the first N epochs, as Hinton & Salakhutdinov's
classifier code does (6), so that its random start does not disturb the
pre-trained layers.

Dropout (Hinton et al. 2012) regularizes the fine-tuning: -dropout P drops
each hidden unit and -input-dropout P each input with probability P in
every mini-batch (kept units are scaled by 1/(1-P), so the saved
classifier is used as it is), and -max-norm C bounds the norm of each
hidden unit's incoming weights by C. The paper used -dropout 0.5
-input-dropout 0.2 -max-norm 15 on MNIST; the fine-tuning then needs many
more epochs (hundreds rather than tens), and the training loss and error
shown are those of the thinned networks. -o is a classifier model
file (kind "mlp"; default model.mlp) that "belief eval" evaluates and
"belief export" writes as W0, b0, W1, b1, ... bottom-up.

-method updown fine-tunes the generative model with the up-down algorithm
(Hinton, Osindero & Teh 2006, appendix B; -k Gibbs steps in the top RBM),
which unties the recognition and generative weights; -o is a DBN file
(default model-updown.dbn) holding both, which sample and eval use.

The -o file is rewritten after every epoch with the trainer's state, so
an interrupted run (Ctrl-C finishes the current epoch and saves) continues
exactly with
  belief finetune -resume -o FILE [-epochs TOTAL]
which reuses the file's flags. -k may change on resume, so that up-down
can follow the paper's schedule of Gibbs steps in the top RBM (3, then 6,
then 10): for example -epochs 100 -k 3, then -resume -epochs 200 -k 6.`,
	}, func() flagRunner { return &finetuneCmd{} })
}

type finetuneCmd struct {
	df         dataFlags
	model      string
	method     string
	limit      int
	epochs     int
	lr         float64
	momentum   float64
	weightCost float64
	lrDecay    float64
	dropout    float64
	inDropout  float64
	maxNorm    float64
	topEpochs  int
	batch      int
	k          int
	valid      string
	seed       uint64
	workers    int
	out        string
	resume     bool
}

func (c *finetuneCmd) define(fs *flag.FlagSet) {
	c.df.register(fs, "train")
	fs.StringVar(&c.model, "model", "model.dbn", "the trained deep belief net `file`")
	fs.StringVar(&c.method, "method", "backprop", "backprop (a classifier) or updown (the generative model)")
	fs.IntVar(&c.limit, "limit", 0, "use only the first `N` rows of the data (0: all)")
	fs.IntVar(&c.epochs, "epochs", 10, "total number of epochs (with -resume: up to this total)")
	fs.Float64Var(&c.lr, "lr", 0, "learning rate (0: 0.1 for backprop, 0.01 for updown)")
	fs.Float64Var(&c.momentum, "momentum", 0.9, "backprop: momentum")
	fs.Float64Var(&c.weightCost, "weight-cost", 0, "L2 weight decay on the weights")
	fs.Float64Var(&c.lrDecay, "lr-decay", 0, "backprop: the learning rate of epoch e (from 0) is lr/(1 + `d`*e)")
	fs.Float64Var(&c.dropout, "dropout", 0, "backprop: probability `P` of dropping each hidden unit per mini-batch (0: none; 0.5 is usual)")
	fs.Float64Var(&c.inDropout, "input-dropout", 0, "backprop: probability `P` of dropping each input per mini-batch (0: none; 0.2 is usual)")
	fs.Float64Var(&c.maxNorm, "max-norm", 0, "backprop: bound `C` on the L2 norm of each hidden unit's incoming weights (0: none; 15 with dropout)")
	fs.IntVar(&c.topEpochs, "top-epochs", 0, "backprop: train only the output layer for the first `N` epochs (Hinton & Salakhutdinov: 6)")
	fs.IntVar(&c.batch, "batch", 100, "mini-batch size")
	fs.IntVar(&c.k, "k", 3, "updown: Gibbs steps in the top RBM per update")
	fs.StringVar(&c.valid, "valid", "auto", "held-out data for monitoring: auto (the mnist test split for -data mnist, none for paths), none, or a path")
	fs.Uint64Var(&c.seed, "seed", 1, "random seed")
	fs.IntVar(&c.workers, "workers", 0, "backprop: goroutines of the parameter updates (0: all cores; results do not depend on it)")
	fs.StringVar(&c.out, "o", "", "output model `file`, rewritten after every epoch (default model.mlp for backprop, model-updown.dbn for updown)")
	fs.BoolVar(&c.resume, "resume", false, "continue the -o file from its saved state with its saved flags, up to -epochs in total")
}

func (c *finetuneCmd) run(fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected arguments %q", args)
	}
	var resumeMLP *mlpModel
	var resumeDBN *dbnModel
	if c.resume {
		if c.out == "" {
			return usagef("-resume needs the -o file to continue")
		}
		a, err := loadAny(c.out)
		if err != nil {
			return fmt.Errorf("-resume: %w", err)
		}
		var saved map[string]string
		switch {
		case a.mlp != nil && a.mlp.State != nil:
			resumeMLP, saved = a.mlp, a.mlp.Flags
		case a.dbn != nil && a.dbn.UpDown != nil:
			resumeDBN, saved = a.dbn, a.dbn.FineFlags
		}
		if saved == nil {
			return fmt.Errorf("-resume: %s holds no fine-tuning state to resume from", c.out)
		}
		if err := applySaved(fs, saved, c.out); err != nil {
			return err
		}
	}
	switch {
	case c.method != "backprop" && c.method != "updown":
		return usagef("-method must be backprop or updown, not %q", c.method)
	case c.epochs < 1:
		return usagef("-epochs must be at least 1")
	case c.batch < 1:
		return usagef("-batch must be at least 1")
	case c.lr < 0 || math.IsInf(c.lr, 0) || c.weightCost < 0 || c.momentum < 0:
		return usagef("-lr, -momentum and -weight-cost must not be negative")
	case c.momentum >= 1:
		return usagef("-momentum must be below 1")
	case !(c.dropout >= 0 && c.dropout < 1):
		return usagef("-dropout must be a probability in [0, 1), not %g", c.dropout)
	case !(c.inDropout >= 0 && c.inDropout < 1):
		return usagef("-input-dropout must be a probability in [0, 1), not %g", c.inDropout)
	case !(c.maxNorm >= 0) || math.IsInf(c.maxNorm, 0):
		return usagef("-max-norm must be 0 (none) or a positive number, not %g", c.maxNorm)
	case !(c.lrDecay >= 0) || math.IsInf(c.lrDecay, 0):
		return usagef("-lr-decay must not be negative, not %g", c.lrDecay)
	case c.topEpochs < 0:
		return usagef("-top-epochs must be at least 0, not %d", c.topEpochs)
	case c.method == "updown" && (c.dropout != 0 || c.inDropout != 0 || c.maxNorm != 0 || c.lrDecay != 0 || c.topEpochs != 0):
		return usagef("-dropout, -input-dropout, -max-norm, -lr-decay and -top-epochs apply to -method backprop only")
	case c.k < 1:
		return usagef("-k must be at least 1")
	case c.workers < 0:
		return usagef("-workers must not be negative")
	}
	if c.out == "" {
		c.out = "model.mlp"
		if c.method == "updown" {
			c.out = "model-updown.dbn"
		}
	}
	set, err := openRows(&c.df, c.limit)
	if err != nil {
		return err
	}
	vset, err := validationSet(c.df, c.valid)
	if err != nil {
		return err
	}
	validName := "valid-error"
	if c.valid == "auto" && c.df.isMNIST() {
		validName = "test-error"
	}
	stop := catchInterrupts()
	defer stop()
	flags := map[string]string{}
	fs.VisitAll(func(f *flag.Flag) { flags[f.Name] = f.Value.String() })
	flags["o"] = c.out

	if c.method == "updown" {
		model := resumeDBN
		if model == nil {
			if model, err = loadDBN(c.model); err != nil {
				return err
			}
			if err := model.needTrained(c.model); err != nil {
				return err
			}
			model.UpDown = nil
		}
		d := model.DBN
		x, err := dbnData(set, d)
		if err != nil {
			return err
		}
		labels, err := dbnLabels(set, d.Labels)
		if err != nil {
			return err
		}
		lr := c.lr
		if lr == 0 {
			lr = 0.01
		}
		us := &dbn.UpDownSettings{LearningRate: float32(lr), K: c.k, BatchSize: c.batch, Epochs: c.epochs, WeightCost: zeroIsZero(c.weightCost)}
		if vset != nil && d.Labels > 0 && vset.Labels != nil {
			if us.Validation, err = dbnData(vset, d); err != nil {
				return fmt.Errorf("-valid: %w", err)
			}
			if us.ValidLabels, err = dbnLabels(vset, d.Labels); err != nil {
				return fmt.Errorf("-valid: %w", err)
			}
		}
		model.FineFlags = flags
		model.Meta = stampMeta(model.Meta)
		if model.UpDown != nil && model.UpDown.Epoch >= c.epochs {
			fmt.Fprintf(stdout, "%s is already fine-tuned for %d epochs (-epochs %d): nothing to do\n", c.out, model.UpDown.Epoch, c.epochs)
			return nil
		}
		fmt.Fprintf(stdout, "up-down fine-tuning of dbn %s on %s (%d rows), lr %g, k %d, batch %d\n",
			strings.ReplaceAll(layersString(dbnSizes(d)), ",", "-"), set.Name, x.Rows, lr, c.k, c.batch)
		start := 0
		if model.UpDown != nil {
			start = model.UpDown.Epoch
			fmt.Fprintf(stdout, "resuming %s after epoch %d\n", c.out, start)
		}
		bar := newProgress(int64(c.epochs-start), "epochs")
		defer bar.Finish()
		epoch := start
		err = runUpDown(model, x, labels, us, model.UpDown, c.out, func() error {
			epoch++
			return afterCheckpoint(bar, epoch, c.epochs)
		})
		if err != nil {
			return finetuneStopped(err, c.out, epoch, c.epochs)
		}
		bar.Finish()
		fmt.Fprintf(stdout, "wrote %s\n", c.out)
		return nil
	}

	// backprop
	model := resumeMLP
	var r *rng.Stream
	if model == nil {
		src, err := loadDBN(c.model)
		if err != nil {
			return err
		}
		if err := src.needTrained(c.model); err != nil {
			return err
		}
		nc := src.DBN.Labels
		if nc == 0 {
			if set.Labels == nil {
				return fmt.Errorf("%s: backprop needs class labels", set.Name)
			}
			for _, l := range set.Labels {
				nc = max(nc, l+1)
			}
			if c.df.isMNIST() {
				nc = 10
			}
			if nc < 2 {
				return fmt.Errorf("%s: only one class", set.Name)
			}
		}
		r = rng.New(c.seed)
		model = &mlpModel{Net: dbn.ToMLP(src.DBN, nc, r), Width: src.Width, Height: src.Height, Meta: map[string]string{"from": c.model}}
	}
	net := model.Net
	x, labels, err := mlpData(set, net)
	if err != nil {
		return err
	}
	lr := c.lr
	if lr == 0 {
		lr = 0.1
	}
	s := &nn.Settings{
		LearningRate: float32(lr), Momentum: zeroIsZero(c.momentum), WeightCost: float32(c.weightCost),
		BatchSize: c.batch, Epochs: c.epochs, Workers: c.workers, Decay: float32(c.lrDecay),
		Dropout: float32(c.dropout), InputDropout: float32(c.inDropout), MaxNorm: float32(c.maxNorm),
		TopEpochs: c.topEpochs,
	}
	if vset != nil {
		if s.Validation, s.ValidLabels, err = mlpData(vset, net); err != nil {
			return fmt.Errorf("-valid: %w", err)
		}
	}
	var tr *nn.Trainer
	if r != nil {
		tr = nn.NewTrainer(net, s, r)
	} else {
		if model.State.Epoch >= c.epochs {
			fmt.Fprintf(stdout, "%s is already trained for %d epochs (-epochs %d): nothing to do\n", c.out, model.State.Epoch, c.epochs)
			return nil
		}
		tr = nn.NewTrainer(net, s, rng.New(0))
		tr.State = *model.State
		if len(model.History) > tr.State.Epoch {
			model.History = model.History[:tr.State.Epoch]
		}
	}
	model.Flags = flags
	model.Meta = stampMeta(model.Meta)
	model.Data = c.df.spec
	fmt.Fprintf(stdout, "backprop fine-tuning of a %s classifier on %s (%d rows), lr %g, momentum %g, batch %d, weight cost %g\n",
		strings.ReplaceAll(layersString(mlpSizes(net)), ",", "-"), set.Name, x.Rows, lr, c.momentum, c.batch, c.weightCost)
	if c.dropout > 0 || c.inDropout > 0 || c.maxNorm > 0 || c.lrDecay > 0 || c.topEpochs > 0 {
		fmt.Fprintf(stdout, "dropout %g, input dropout %g, max-norm %g, lr decay %g, output layer alone for %d epochs\n", c.dropout, c.inDropout, c.maxNorm, c.lrDecay, c.topEpochs)
	}
	if s.Validation != nil {
		fmt.Fprintf(stdout, "held-out data for monitoring: %d rows\n", s.Validation.Rows)
	}
	if c.resume {
		fmt.Fprintf(stdout, "resuming %s after epoch %d\n", c.out, tr.State.Epoch)
	}
	bar := newProgress(int64(c.epochs-tr.State.Epoch), "epochs")
	defer bar.Finish()
	tr.Settings.Recorder = nn.RecorderFunc(func(es nn.EpochStats) error {
		model.History = append(model.History, mlpRecordOf(es))
		line := fmt.Sprintf("epoch %*d/%d  train-loss %.4f  train-error %.4f", len(strconv.Itoa(c.epochs)), es.Epoch, c.epochs, es.TrainLoss, es.TrainError)
		if !math.IsNaN(es.ValidError) {
			line += fmt.Sprintf("  %s %.4f", validName, es.ValidError)
		}
		fmt.Fprintf(stdout, "%s  %.1fs\n", line, es.Duration.Seconds())
		model.State = &tr.State
		if err := saveMLP(c.out, model); err != nil {
			return err
		}
		return afterCheckpoint(bar, es.Epoch, c.epochs)
	})
	for tr.State.Epoch < c.epochs {
		if _, err := tr.Epoch(x, labels); err != nil {
			return finetuneStopped(err, c.out, tr.State.Epoch, c.epochs)
		}
	}
	bar.Finish()
	fmt.Fprintf(stdout, "wrote %s\n", c.out)
	return nil
}

// finetuneStopped turns the error that stopped finetune into what the user
// sees: for an interrupt, how to resume.
func finetuneStopped(err error, out string, epoch, total int) error {
	if errors.Is(err, errInterrupted) {
		return fmt.Errorf("interrupted after epoch %d of %d; the checkpoint %s is saved: continue with\n  belief finetune -resume -o %s -epochs %d", epoch, total, out, out, total)
	}
	return err
}

// mlpData checks that the rows and labels of set fit the classifier n.
func mlpData(set *dataset.Set, n *nn.MLP) (*mat32.Dense, []int, error) {
	x, labels, name := set.X, set.Labels, set.Name
	if x.Cols != n.In() {
		return nil, nil, fmt.Errorf("%s: data has %d columns, the classifier has %d inputs", name, x.Cols, n.In())
	}
	if labels == nil {
		return nil, nil, fmt.Errorf("%s: the data have no class labels", name)
	}
	for i, c := range labels {
		if c < 0 || c >= n.Out() {
			return nil, nil, fmt.Errorf("%s: row %d: label %d outside the classifier's %d classes", name, i+1, c, n.Out())
		}
	}
	return x, labels, nil
}
