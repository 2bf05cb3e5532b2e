package main

import (
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"time"

	"github.com/belief-ml/belief/sbn"
	"github.com/belief-ml/belief/vis"
)

func init() {
	registerFresh(&Command{
		Name:      "show",
		UsageLine: "show -model FILE [-o filters.png] [-curves curves.png] [-n 100]",
		Short:     "describe a model, draw its filters and training curves",
		Long: `Show prints what a model file holds (shape, units, training settings, the
last epoch's statistics) and draws two pictures:

  -o       the filters: column j of W, the weights of hidden unit j, as an
           image of the training data's shape, each tile stretched
           symmetrically (zero is mid-grey, white positive, black negative);
  -curves  the training curves per epoch: reconstruction error, free-energy
           gap and exact log-likelihoods (when they were computed). The
           default name is derived from -o (filters.png: filters-curves.png);
           "none" skips it.

For a sigmoid belief net (from "train sbn") the filters are the generative
weights of the first hidden layer, the rows of W0: row k is what hidden unit
k adds to the logits of the visible units. Its curves are the K-sample bound
during training, the importance-sampled log-likelihood and the K = 1 bound
on training and held-out rows, and the exact log-likelihood when it was
computed.

For a deep belief net (from "train dbn") the filters are the first RBM's
columns of W; the curves show each layer's training statistics in turn
(and the held-out error of up-down epochs). For a classifier (from
"finetune") the filters are the columns of W0 and the curves the training
loss and error and the held-out error.`,
	}, func() flagRunner { return &showCmd{} })
}

type showCmd struct {
	model  string
	out    string
	curves string
	n      int
	scale  int
}

func (s *showCmd) define(fs *flag.FlagSet) {
	fs.StringVar(&s.model, "model", "model.rbm", "model `file`")
	fs.StringVar(&s.out, "o", "filters.png", "PNG `file` of the filters (\"none\" to skip)")
	fs.StringVar(&s.curves, "curves", "", "PNG `file` of the training curves (default derived from -o; \"none\" to skip)")
	fs.IntVar(&s.n, "n", 100, "number of filters drawn (0: all)")
	fs.IntVar(&s.scale, "scale", 2, "magnification of the filters")
}

// curvesPath derives the curves picture's name from the filters': a.png
// becomes a-curves.png.
func curvesPath(out string) string {
	if out == "none" || out == "" {
		return "curves.png"
	}
	ext := filepath.Ext(out)
	return strings.TrimSuffix(out, ext) + "-curves.png"
}

func (s *showCmd) run(fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected arguments %q", args)
	}
	if s.n < 0 || s.scale < 1 || s.scale > 64 {
		return usagef("-n must not be negative, -scale must be in [1, 64]")
	}
	a, err := loadAny(s.model)
	if err != nil {
		return err
	}
	switch {
	case a.sbn != nil:
		return s.runSBN(a.sbn)
	case a.dbn != nil:
		return s.runDBN(a.dbn)
	case a.mlp != nil:
		return s.runMLP(a.mlp)
	}
	model := a.rbm
	m := model.RBM
	nv, nh := m.Dims()
	w, h := model.imageShape()
	fmt.Fprintf(stdout, "%s: rbm with %d visible (%s) and %d hidden units\n", s.model, nv, unitsName(m.Visible), nh)
	if model.Labels > 0 {
		fmt.Fprintf(stdout, "  label units: %d (the last visible units)\n", model.Labels)
	}
	fmt.Fprintf(stdout, "  image shape: %dx%d\n", w, h)
	if model.Data != "" {
		fmt.Fprintf(stdout, "  trained on: %s\n", model.Data)
	}
	if st := model.Settings; st != nil {
		fmt.Fprintf(stdout, "  training: %s-%d, lr %g, momentum %g (%g for %d epochs), weight cost %g, batch %d", st.Method, st.K, st.LearningRate, st.Momentum, st.InitialMomentum, st.MomentumEpochs, st.WeightCost, st.BatchSize)
		if st.Method != "cd" {
			fmt.Fprintf(stdout, ", %d chains", st.Chains)
		}
		if len(st.Temperatures) > 0 {
			fmt.Fprintf(stdout, ", %d temperatures", len(st.Temperatures))
		}
		fmt.Fprintln(stdout)
	}
	if model.State != nil {
		fmt.Fprintf(stdout, "  epochs trained: %d\n", model.State.Epoch)
	}
	if n := len(model.History); n > 0 {
		fmt.Fprintf(stdout, "  last epoch: %s\n", historyLine(model.History[n-1]))
	}
	if s.out != "none" {
		filters := m.W.Slice(0, w*h, 0, nh)
		img := vis.Tile(filters, w, h, &vis.TileOptions{Columns: true, Normalize: vis.PerTile, Symmetric: true, Max: s.n, Scale: s.scale})
		if err := vis.WritePNG(s.out, img); err != nil {
			return err
		}
		drawn := nh
		if s.n > 0 && s.n < nh {
			drawn = s.n
		}
		fmt.Fprintf(stdout, "wrote %d filters to %s\n", drawn, s.out)
	}
	path := s.curves
	if path == "" {
		path = curvesPath(s.out)
	}
	if path == "none" {
		return nil
	}
	if len(model.History) == 0 {
		fmt.Fprintf(stdout, "no training history: no curves drawn\n")
		return nil
	}
	var series []vis.Series
	add := func(name string, get func(epochRecord) jsonFloat) {
		sr := vis.Series{Name: name}
		finite := false
		for _, r := range model.History {
			y := float64(get(r))
			sr.X = append(sr.X, float64(r.Epoch))
			sr.Y = append(sr.Y, y)
			finite = finite || !math.IsNaN(y) && !math.IsInf(y, 0)
		}
		if finite {
			series = append(series, sr)
		}
	}
	add("reconstruction error", func(r epochRecord) jsonFloat { return r.ReconError })
	add("free-energy gap", func(r epochRecord) jsonFloat { return r.FEGap })
	add("exact log-likelihood (train)", func(r epochRecord) jsonFloat { return r.LL })
	add("exact log-likelihood (held out)", func(r epochRecord) jsonFloat { return r.LLValid })
	if err := vis.PlotCurves(path, "training of "+filepath.Base(s.model), "epoch", "nats per example / squared error", series...); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote the training curves (%d epochs) to %s\n", len(model.History), path)
	return nil
}

// historyLine formats a saved epoch record.
func historyLine(r epochRecord) string {
	var b strings.Builder
	fmt.Fprintf(&b, "epoch %d", r.Epoch)
	num := func(name string, x jsonFloat) {
		if !math.IsNaN(float64(x)) {
			fmt.Fprintf(&b, "  %s %.4g", name, float64(x))
		}
	}
	num("recon", r.ReconError)
	num("fe-gap", r.FEGap)
	num("logZ", r.LogZ)
	num("ll", r.LL)
	num("ll-valid", r.LLValid)
	return b.String()
}

// runSBN describes a sigmoid belief net and draws its first-layer filters
// and training curves.
func (s *showCmd) runSBN(model *sbnModel) error {
	n := model.Net
	sizes := n.Sizes()
	w, h := model.imageShape()
	fmt.Fprintf(stdout, "%s: sigmoid belief net with layers %s (visible first) and a recognition net\n", s.model, strings.ReplaceAll(layersString(sizes), ",", "-"))
	fmt.Fprintf(stdout, "  image shape: %dx%d\n", w, h)
	if model.Data != "" {
		fmt.Fprintf(stdout, "  trained on: %s\n", model.Data)
	}
	if st := model.Settings; st != nil {
		fmt.Fprintf(stdout, "  training: K = %d, q %s, Adam lr %g, weight cost %g, batch %d\n", st.K, st.Q, st.LearningRate, st.WeightCost, st.BatchSize)
	}
	if model.State != nil {
		fmt.Fprintf(stdout, "  epochs trained: %d\n", model.State.Epoch)
	}
	if k := len(model.History); k > 0 {
		r := model.History[k-1]
		fmt.Fprintf(stdout, "  last epoch: %s\n", sbnEpochLine(sbn.EpochStats{
			Epoch: r.Epoch, TrainBound: float64(r.TrainBound), LogLik: float64(r.LL), StdErr: float64(r.LLStdErr),
			Bound: float64(r.Bound), ValidLogLik: float64(r.ValidLL), ValidStdErr: float64(r.ValidLLStdErr),
			ValidBound: float64(r.ValidBound), ExactLL: float64(r.ExactLL), ExactLLValid: float64(r.ExactLLValid),
			Duration: time.Duration(r.Seconds * float64(time.Second)),
		}, r.Epoch))
	}
	if s.out != "none" {
		w0 := n.Layers[0].W
		img := vis.Tile(w0.Slice(0, w0.Rows, 0, w*h), w, h, &vis.TileOptions{Normalize: vis.PerTile, Symmetric: true, Max: s.n, Scale: s.scale})
		if err := vis.WritePNG(s.out, img); err != nil {
			return err
		}
		drawn := w0.Rows
		if s.n > 0 && s.n < drawn {
			drawn = s.n
		}
		fmt.Fprintf(stdout, "wrote %d first-layer filters (rows of W0) to %s\n", drawn, s.out)
	}
	path := s.curves
	if path == "" {
		path = curvesPath(s.out)
	}
	if path == "none" {
		return nil
	}
	if len(model.History) == 0 {
		fmt.Fprintf(stdout, "no training history: no curves drawn\n")
		return nil
	}
	var series []vis.Series
	add := func(name string, get func(sbnEpochRecord) jsonFloat) {
		sr := vis.Series{Name: name}
		finite := false
		for _, r := range model.History {
			y := float64(get(r))
			sr.X = append(sr.X, float64(r.Epoch))
			sr.Y = append(sr.Y, y)
			finite = finite || !math.IsNaN(y) && !math.IsInf(y, 0)
		}
		if finite {
			series = append(series, sr)
		}
	}
	add("K-sample bound during the epoch", func(r sbnEpochRecord) jsonFloat { return r.TrainBound })
	add("log-likelihood, IS (train)", func(r sbnEpochRecord) jsonFloat { return r.LL })
	add("K = 1 bound (train)", func(r sbnEpochRecord) jsonFloat { return r.Bound })
	add("log-likelihood, IS (held out)", func(r sbnEpochRecord) jsonFloat { return r.ValidLL })
	add("K = 1 bound (held out)", func(r sbnEpochRecord) jsonFloat { return r.ValidBound })
	add("exact log-likelihood (train)", func(r sbnEpochRecord) jsonFloat { return r.ExactLL })
	add("exact log-likelihood (held out)", func(r sbnEpochRecord) jsonFloat { return r.ExactLLValid })
	if err := vis.PlotCurves(path, "training of "+filepath.Base(s.model), "epoch", "nats per example", series...); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote the training curves (%d epochs) to %s\n", len(model.History), path)
	return nil
}
