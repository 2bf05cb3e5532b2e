package main

import (
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"strings"

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
           "none" skips it.`,
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
	model, err := loadRBM(s.model)
	if err != nil {
		return err
	}
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
