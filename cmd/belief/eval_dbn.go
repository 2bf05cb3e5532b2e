package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/belief-ml/belief/ais"
	"github.com/belief-ml/belief/dbn"
	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/modelfile"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
	"github.com/belief-ml/belief/vis"
)

// This file holds what sample, show, export and eval do with deep belief
// nets (kind "dbn") and classifiers (kind "mlp").

// labelAll is what parseLabel returns for "-label all".
const labelAll = -2

// parseLabel parses -label: a class in [0, nl), -1 (or any negative) for
// free labels, or "all" (labelAll) when allowAll.
func parseLabel(s string, nl int, path string, allowAll bool) (int, error) {
	if s == "all" {
		if !allowAll {
			return 0, usagef("-label all applies to deep belief nets; give one class")
		}
		if nl == 0 {
			return 0, usagef("-label: %s has no label units (train with -labels)", path)
		}
		return labelAll, nil
	}
	c, err := strconv.Atoi(s)
	if err != nil {
		return 0, usagef("-label %q: want a class number, -1 or all", s)
	}
	if c < 0 {
		return -1, nil
	}
	return c, nil
}

// runDBN draws samples of a deep belief net: Gibbs sampling in the top RBM
// (labels clamped as -label says) and a down pass.
func (s *sampleCmd) runDBN(model *dbnModel) error {
	if err := model.needTrained(s.model); err != nil {
		return err
	}
	d := model.DBN
	label, err := parseLabel(s.label, d.Labels, s.model, true)
	if err != nil {
		return err
	}
	if label >= 0 && label >= d.Labels {
		if d.Labels == 0 {
			return usagef("-label: %s has no label units (train with -labels)", s.model)
		}
		return usagef("-label %d: %s has classes 0 to %d", label, s.model, d.Labels-1)
	}
	if s.steps < 1 {
		return usagef("-steps must be at least 1 for a deep belief net")
	}
	n, cols := s.n, 0
	var labels []int
	switch {
	case label == labelAll:
		per := max(1, (n+d.Labels-1)/d.Labels)
		n, cols = per*d.Labels, per
		labels = make([]int, n)
		for i := range labels {
			labels[i] = i / per
		}
	case label >= 0:
		labels = make([]int, n)
		for i := range labels {
			labels[i] = label
		}
	}
	r := rng.New(s.seed)
	ss := &dbn.SampleSettings{Steps: s.steps, Every: s.every, Labels: labels}
	if s.every == 0 {
		ss.Every = s.steps
	}
	if s.from == "data" {
		set, err := openRows(&s.df, 0)
		if err != nil {
			return err
		}
		x, err := dbnData(set, d)
		if err != nil {
			return err
		}
		v := mat32.NewDense(n, x.Cols, nil)
		for i := 0; i < n; i++ {
			copy(v.Row(i), x.Row(r.IntN(x.Rows)))
		}
		ss.Start = mat32.NewDense(n, d.Pen(), nil)
		d.Up(ss.Start, v)
	}
	dst := mat32.NewDense(n, d.Visible(), nil)
	frames := d.Frames(dst, ss, r)
	w, h := model.imageShape()
	opt := &vis.TileOptions{Scale: s.scale, Cols: cols}
	if d.Layers[0].Visible == rbm.Gaussian {
		opt.Normalize = vis.Global
	}
	if s.every > 0 {
		for i, f := range frames {
			frames[i] = f.Slice(0, n, 0, w*h)
		}
		err = vis.WritePNG(s.out, vis.TileFrames(frames, w, h, opt))
	} else {
		err = vis.WritePNG(s.out, vis.Tile(dst.Slice(0, n, 0, w*h), w, h, opt))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d samples of a %s deep belief net after %d Gibbs steps in the top RBM", n, strings.ReplaceAll(layersString(dbnSizes(d)), ",", "-"), s.steps)
	switch {
	case label == labelAll:
		fmt.Fprintf(stdout, " (row c: class c)")
	case label >= 0:
		fmt.Fprintf(stdout, " (class %d)", label)
	}
	if s.every > 0 {
		fmt.Fprintf(stdout, " (%d frames)", len(frames))
	}
	fmt.Fprintf(stdout, " to %s\n", s.out)
	return nil
}

// dbnEvalResult is what eval prints with -json for a deep belief net or a
// classifier; fields that do not apply are null.
// upSeedOffset separates the random stream of the stochastic up passes
// (-up-samples) from that of the bound's samples, which both derive from
// -seed.
const upSeedOffset = 0x5eed

type dbnEvalResult struct {
	TestError       jsonFloat `json:"test_error"`
	TestBound       jsonFloat `json:"test_bound"`
	TestBoundStdErr jsonFloat `json:"test_bound_stderr"`
	LogZTop         jsonFloat `json:"logZ_top"`
	LogZTopLow      jsonFloat `json:"logZ_top_low"`
	LogZTopHigh     jsonFloat `json:"logZ_top_high"`
	AISESS          jsonFloat `json:"ais_ess"`
	Method          string    `json:"method,omitempty"`
	Rows            int       `json:"rows"`
}

// runDBN evaluates a deep belief net: its test error (with labels) and the
// variational lower bound on log p(v).
func (e *evalCmd) runDBN(fs *flag.FlagSet, model *dbnModel) error {
	if err := e.onlyFlags(fs, "deep belief net", "raise-rows", "k"); err != nil {
		return err
	}
	if err := model.needTrained(e.model); err != nil {
		return err
	}
	if e.boundSamples < 0 {
		return usagef("-bound-samples must not be negative")
	}
	if e.upSamples < 0 {
		return usagef("-up-samples must not be negative")
	}
	d := model.DBN
	set, err := openRows(&e.df, e.limit)
	if err != nil {
		return err
	}
	x, err := dbnData(set, d)
	if err != nil {
		return err
	}
	nan := jsonFloat(math.NaN())
	res := dbnEvalResult{TestError: nan, TestBound: nan, TestBoundStdErr: nan, LogZTop: nan, LogZTopLow: nan, LogZTopHigh: nan, AISESS: nan, Rows: x.Rows}
	if d.Labels > 0 && set.Labels != nil {
		labels, err := dbnLabels(set, d.Labels)
		if err != nil {
			return err
		}
		if e.upSamples > 0 {
			res.TestError = jsonFloat(d.ErrorRateSampled(x, labels, e.upSamples, rng.New(e.seed+upSeedOffset)))
		} else {
			res.TestError = jsonFloat(d.ErrorRate(x, labels))
		}
	}
	if e.boundSamples > 0 {
		top := d.Top()
		_, enumerable := top.ExactCost()
		if e.exact && !enumerable {
			return fmt.Errorf("-exact: the top RBM is too large for an exact log Z (2^%.0f states); leave out -exact for an AIS estimate", log2States(top))
		}
		if enumerable && !e.forceAIS {
			lz, err := top.LogZExact()
			if err != nil {
				return err
			}
			res.Method = "exact"
			res.LogZTop, res.LogZTopLow, res.LogZTopHigh = jsonFloat(lz), jsonFloat(lz), jsonFloat(lz)
		} else {
			// The base rates of the top RBM's inputs: the training data
			// (mnist's training split or -train-data) passed up, with labels.
			base, err := e.topBaseData(model, x)
			if err != nil {
				return err
			}
			path := ais.NewRBM(top, ais.BaseRate(top, base))
			bar := newProgress(int64(e.aisBetas-1), "AIS")
			done := 0
			est, err := ais.LogZ(path, &ais.Settings{
				Betas: ais.Schedule(e.aisBetas), Runs: e.aisRuns, Seed: e.aisSeed,
				Progress: func(dn, total int) { bar.Add(dn - done); done = dn },
			})
			bar.Finish()
			if err != nil {
				return err
			}
			res.Method = "ais"
			res.LogZTop, res.LogZTopLow, res.LogZTopHigh, res.AISESS = jsonFloat(est.LogZ), jsonFloat(est.Low), jsonFloat(est.High), jsonFloat(est.ESS)
		}
		mean, se := dbn.Bound(d, x, float64(res.LogZTop), e.boundSamples, rng.New(e.seed))
		res.TestBound, res.TestBoundStdErr = jsonFloat(mean), jsonFloat(se)
	}
	if e.asJSON {
		b, err := json.Marshal(res)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return nil
	}
	if !math.IsNaN(float64(res.TestError)) {
		how := "one mean-field up pass"
		if e.upSamples > 0 {
			how = fmt.Sprintf("averaged over %d stochastic up passes", e.upSamples)
			if e.upSamples == 1 {
				how = "one stochastic up pass"
			}
		}
		fmt.Fprintf(stdout, "test error: %.4f (%d rows of %s, classified by the labels' free energies, %s)\n", float64(res.TestError), x.Rows, set.Name, how)
	}
	if res.Method == "exact" {
		fmt.Fprintf(stdout, "top RBM log Z = %.6f (exact)\n", float64(res.LogZTop))
	} else if res.Method == "ais" {
		fmt.Fprintf(stdout, "top RBM log Z = %.6f [%.6f, %.6f] (AIS, %d runs, %d inverse temperatures, effective sample size %.1f)\n",
			float64(res.LogZTop), float64(res.LogZTopLow), float64(res.LogZTopHigh), e.aisRuns, e.aisBetas, float64(res.AISESS))
	}
	if res.Method != "" {
		fmt.Fprintf(stdout, "test variational lower bound on log p(v): %.4f ± %.4f nats per example (%d samples per row, %d rows of %s)\n",
			float64(res.TestBound), float64(res.TestBoundStdErr), e.boundSamples, x.Rows, set.Name)
	}
	return nil
}

// topBaseData returns the rows from which AIS takes the top RBM's base
// rates: the training data passed up (labels appended, or their uniform
// distribution without them), else the evaluated data.
func (e *evalCmd) topBaseData(model *dbnModel, x *mat32.Dense) (*mat32.Dense, error) {
	d := model.DBN
	src := x
	var labels []int
	td := e.df
	switch {
	case e.trainData == "none":
		td.spec = ""
	case e.trainData != "":
		td.spec, td.split = e.trainData, "train"
	case e.df.isMNIST():
		td.split = "train"
	case model.Data != "" && model.Data != "mnist":
		td.spec, td.split = model.Data, "train"
	default:
		td.spec = ""
	}
	if td.spec != "" && e.trainRows >= 0 {
		set, err := openRows(&td, e.trainRows)
		if err == nil {
			if tx, err2 := dbnData(set, d); err2 == nil {
				src = tx
				if d.Labels > 0 && set.Labels != nil {
					labels, _ = dbnLabels(set, d.Labels)
				}
			}
		} else if e.trainData != "" || e.df.isMNIST() {
			return nil, fmt.Errorf("training data: %w", err)
		}
	}
	pen := mat32.NewDense(src.Rows, d.Pen(), nil)
	d.Up(pen, src)
	if d.Labels == 0 {
		return pen, nil
	}
	p := d.Pen()
	out := mat32.NewDense(src.Rows, p+d.Labels, nil)
	for i := 0; i < src.Rows; i++ {
		row := out.Row(i)
		copy(row, pen.Row(i))
		if labels != nil {
			row[p+labels[i]] = 1
		} else {
			for c := p; c < len(row); c++ {
				row[c] = 1 / float32(d.Labels)
			}
		}
	}
	return out, nil
}

// onlyFlags returns a usage error naming the flags given that do not apply
// to a model of the given kind (those listed).
func (e *evalCmd) onlyFlags(fs *flag.FlagSet, kind string, names ...string) error {
	var bad []string
	for _, n := range names {
		if explicit(fs, n) {
			bad = append(bad, "-"+n)
		}
	}
	if len(bad) > 0 {
		return usagef("%s: %s holds a %s (these flags do not apply)", strings.Join(bad, ", "), e.model, kind)
	}
	return nil
}

// runMLP evaluates a classifier: its error rate and mean cross-entropy.
func (e *evalCmd) runMLP(fs *flag.FlagSet, model *mlpModel) error {
	if err := e.onlyFlags(fs, "classifier", "exact", "ais", "ais-runs", "ais-betas", "ais-seed", "raise-rows", "train-data", "train-rows", "k", "seed", "bound-samples", "up-samples"); err != nil {
		return err
	}
	set, err := openRows(&e.df, e.limit)
	if err != nil {
		return err
	}
	x, labels, err := mlpData(set, model.Net)
	if err != nil {
		return err
	}
	res := struct {
		TestError jsonFloat `json:"test_error"`
		TestLoss  jsonFloat `json:"test_loss"`
		Rows      int       `json:"rows"`
	}{jsonFloat(model.Net.ErrorRate(x, labels)), jsonFloat(model.Net.Loss(x, labels)), x.Rows}
	if e.asJSON {
		b, err := json.Marshal(res)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return nil
	}
	fmt.Fprintf(stdout, "test error: %.4f, test cross-entropy %.4f nats per example (%d rows of %s)\n", float64(res.TestError), float64(res.TestLoss), x.Rows, set.Name)
	return nil
}

// writeArrays writes arrays to e.out and says which.
func (e *exportCmd) writeArrays(arrays []modelfile.Array) error {
	if err := modelfile.WriteNPZ(e.out, arrays); err != nil {
		return err
	}
	names := make([]string, len(arrays))
	for i, a := range arrays {
		names[i] = a.Name
	}
	fmt.Fprintf(stdout, "wrote %s to %s\n", strings.Join(names, ", "), e.out)
	return nil
}

// runDBN describes a deep belief net and draws its first-layer filters and
// training curves.
func (s *showCmd) runDBN(model *dbnModel) error {
	d := model.DBN
	w, h := model.imageShape()
	fmt.Fprintf(stdout, "%s: deep belief net with layers %s (visible first, %s visible units)", s.model, strings.ReplaceAll(layersString(dbnSizes(d)), ",", "-"), unitsName(d.Layers[0].Visible))
	if d.Labels > 0 {
		fmt.Fprintf(stdout, ", %d label units in the top RBM", d.Labels)
	}
	fmt.Fprintln(stdout)
	fmt.Fprintf(stdout, "  image shape: %dx%d\n", w, h)
	if model.Data != "" {
		fmt.Fprintf(stdout, "  trained on: %s\n", model.Data)
	}
	if f := model.Flags; f != nil {
		lr := f["lr"]
		if lr == "0" {
			lr = "0.1 (the default)"
		}
		fmt.Fprintf(stdout, "  training: %s-%s, lr %s, momentum %s, weight cost %s, batch %s, epochs %s per layer\n", f["method"], f["k"], lr, f["momentum"], f["weight-cost"], f["batch"], f["epochs"])
	}
	fmt.Fprintf(stdout, "  layers trained: %d of %d", model.Greedy.Done, len(d.Layers))
	if model.Layer != nil {
		fmt.Fprintf(stdout, " (layer %d: %d epochs)", model.Greedy.Done+1, model.Layer.Epoch)
	}
	fmt.Fprintln(stdout)
	if model.UpDown != nil {
		fmt.Fprintf(stdout, "  up-down epochs: %d (untied generative weights)\n", model.UpDown.Epoch)
	}
	if k := len(model.History); k > 0 {
		r := model.History[k-1]
		if r.Phase == "updown" {
			fmt.Fprintf(stdout, "  last epoch: up-down epoch %d  valid-error %.4g\n", r.Epoch, float64(r.ValidError))
		} else {
			fmt.Fprintf(stdout, "  last epoch: layer %d %s\n", r.Layer, historyLine(epochRecord{Epoch: r.Epoch, ReconError: r.ReconError, FEGap: r.FEGap, LogZ: jsonFloat(math.NaN()), LL: r.LL, LLValid: r.LLValid}))
		}
	}
	if s.out != "none" {
		m := d.Layers[0]
		_, nh := m.Dims()
		img := vis.Tile(m.W.Slice(0, w*h, 0, nh), w, h, &vis.TileOptions{Columns: true, Normalize: vis.PerTile, Symmetric: true, Max: s.n, Scale: s.scale})
		if err := vis.WritePNG(s.out, img); err != nil {
			return err
		}
		drawn := nh
		if s.n > 0 && s.n < nh {
			drawn = s.n
		}
		fmt.Fprintf(stdout, "wrote %d first-layer filters to %s\n", drawn, s.out)
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
	// x: the epoch counted over the whole run (layer 1's epochs, then
	// layer 2's, ..., then up-down's).
	byName := map[string]*vis.Series{}
	var order []string
	add := func(name string, x, y float64) {
		if math.IsNaN(y) || math.IsInf(y, 0) {
			return
		}
		sr, ok := byName[name]
		if !ok {
			sr = &vis.Series{Name: name}
			byName[name] = sr
			order = append(order, name)
		}
		sr.X, sr.Y = append(sr.X, x), append(sr.Y, y)
	}
	for i, r := range model.History {
		x := float64(i + 1)
		if r.Phase == "updown" {
			add("up-down held-out error x 100", x, 100*float64(r.ValidError))
			continue
		}
		add(fmt.Sprintf("layer %d reconstruction error", r.Layer), x, float64(r.ReconError))
		add(fmt.Sprintf("layer %d free-energy gap", r.Layer), x, float64(r.FEGap))
		add(fmt.Sprintf("layer %d exact log-likelihood", r.Layer), x, float64(r.LL))
	}
	var series []vis.Series
	for _, n := range order {
		series = append(series, *byName[n])
	}
	if len(series) == 0 {
		fmt.Fprintf(stdout, "no finite statistics in the history: no curves drawn\n")
		return nil
	}
	if err := vis.PlotCurves(path, "training of "+filepath.Base(s.model), "epoch (all layers in turn)", "squared error / nats", series...); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote the training curves (%d epochs) to %s\n", len(model.History), path)
	return nil
}

// runMLP describes a classifier and draws its first-layer filters and
// training curves.
func (s *showCmd) runMLP(model *mlpModel) error {
	n := model.Net
	w, h := model.imageShape()
	fmt.Fprintf(stdout, "%s: classifier with layers %s (sigmoid hidden layers, softmax output)\n", s.model, strings.ReplaceAll(layersString(mlpSizes(n)), ",", "-"))
	if from := model.Meta["from"]; from != "" {
		fmt.Fprintf(stdout, "  fine-tuned from: %s\n", from)
	}
	if model.State != nil {
		fmt.Fprintf(stdout, "  epochs trained: %d\n", model.State.Epoch)
	}
	if k := len(model.History); k > 0 {
		r := model.History[k-1]
		fmt.Fprintf(stdout, "  last epoch: %d  train-loss %.4g  train-error %.4g  valid-error %.4g\n", r.Epoch, float64(r.TrainLoss), float64(r.TrainError), float64(r.ValidError))
	}
	if s.out != "none" {
		w0 := n.Layers[0].W
		img := vis.Tile(w0.Slice(0, w*h, 0, w0.Cols), w, h, &vis.TileOptions{Columns: true, Normalize: vis.PerTile, Symmetric: true, Max: s.n, Scale: s.scale})
		if err := vis.WritePNG(s.out, img); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote first-layer filters to %s\n", s.out)
	}
	path := s.curves
	if path == "" {
		path = curvesPath(s.out)
	}
	if path == "none" || len(model.History) == 0 {
		return nil
	}
	var series []vis.Series
	add := func(name string, get func(mlpEpochRecord) jsonFloat) {
		sr := vis.Series{Name: name}
		for _, r := range model.History {
			sr.X, sr.Y = append(sr.X, float64(r.Epoch)), append(sr.Y, float64(get(r)))
		}
		series = append(series, sr)
	}
	add("train loss", func(r mlpEpochRecord) jsonFloat { return r.TrainLoss })
	add("train error", func(r mlpEpochRecord) jsonFloat { return r.TrainError })
	add("held-out error", func(r mlpEpochRecord) jsonFloat { return r.ValidError })
	if err := vis.PlotCurves(path, "fine-tuning of "+filepath.Base(s.model), "epoch", "nats / error rate", series...); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote the training curves (%d epochs) to %s\n", len(model.History), path)
	return nil
}
