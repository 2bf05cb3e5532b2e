package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
	"github.com/belief-ml/belief/vis"
)

func init() {
	registerFresh(&Command{
		Name:      "sample",
		UsageLine: "sample -model FILE [-n 100] [-steps 1000] [-from noise|data] [-every N] [-label d] [-o samples.png]",
		Short:     "draw samples from a model (Gibbs or ancestral sampling) and save them as a picture",
		Long: `Sample runs -n block Gibbs chains of an RBM for -steps steps and draws the
mean of the visible units given the last hidden state (the probabilities,
which show a sample with less noise than binary states) as a grid of images.

Chains start from noise (uniform Bernoulli states, or N(vbias, sigma^2) for
Gaussian units) or, with -from data, from random rows of the data (-data
and its flags). With -every N the picture shows each chain's progress: one
row per chain, one column every N steps, the start on the left. For a model
trained with -labels, -label d clamps the label units to class d, so that
the chains sample images of that class.

For a sigmoid belief net (a model of "train sbn"), sample draws -n
independent ancestral samples, top layer first, and shows the probabilities
of the visible units given each sample's first hidden layer; -steps, -from,
-every and -label do not apply.`,
	}, func() flagRunner { return &sampleCmd{} })
}

type sampleCmd struct {
	df    dataFlags
	model string
	n     int
	steps int
	from  string
	every int
	label string
	seed  uint64
	scale int
	out   string
}

func (s *sampleCmd) define(fs *flag.FlagSet) {
	s.df.register(fs, "train")
	fs.StringVar(&s.model, "model", "model.rbm", "model `file`")
	fs.IntVar(&s.n, "n", 100, "number of chains (images)")
	fs.IntVar(&s.steps, "steps", 1000, "Gibbs steps per chain")
	fs.StringVar(&s.from, "from", "noise", "start of the chains: noise or data")
	fs.IntVar(&s.every, "every", 0, "draw each chain's state every `N` steps, left to right (0: only the last)")
	fs.StringVar(&s.label, "label", "-1", "clamp the label units to this class (models trained with -labels); -1: free; dbn only: all, one row per class")
	fs.Uint64Var(&s.seed, "seed", 1, "random seed")
	fs.IntVar(&s.scale, "scale", 2, "magnification of the picture")
	fs.StringVar(&s.out, "o", "samples.png", "output PNG `file`")
}

func (s *sampleCmd) run(fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected arguments %q", args)
	}
	switch {
	case s.n < 1 || s.n > 10000:
		return usagef("-n must be in [1, 10000]")
	case s.steps < 0:
		return usagef("-steps must not be negative")
	case s.every < 0:
		return usagef("-every must not be negative")
	case s.every > 0 && (s.steps/s.every+1)*s.n > 100000:
		return usagef("-every %d with -n %d draws %d images: at most 100000", s.every, s.n, (s.steps/s.every+1)*s.n)
	case s.scale < 1 || s.scale > 64:
		return usagef("-scale must be in [1, 64]")
	case s.from != "noise" && s.from != "data":
		return usagef("-from must be noise or data, not %q", s.from)
	}
	a, err := loadAny(s.model)
	if err != nil {
		return err
	}
	switch {
	case a.sbn != nil:
		return s.runSBN(fs, a.sbn)
	case a.dbn != nil:
		return s.runDBN(a.dbn)
	case a.mlp != nil:
		return fmt.Errorf("%s holds a classifier (kind %q), which does not generate samples", s.model, mlpKind)
	}
	model := a.rbm
	m := model.RBM
	nv, nh := m.Dims()
	label, err := parseLabel(s.label, model.Labels, s.model, false)
	if err != nil {
		return err
	}
	if label >= 0 && label >= model.Labels {
		if model.Labels == 0 {
			return usagef("-label: %s has no label units (train with -labels)", s.model)
		}
		return usagef("-label %d: %s has classes 0 to %d", label, s.model, model.Labels-1)
	}
	r := rng.New(s.seed)
	v := mat32.NewDense(s.n, nv, nil)
	if s.from == "data" {
		_, x, err := modelData(&s.df, 0, model)
		if err != nil {
			return err
		}
		for i := 0; i < s.n; i++ {
			copy(v.Row(i), x.Row(r.IntN(x.Rows)))
		}
	} else {
		noise(v, m, r)
	}
	clampLabel := func() {
		if label < 0 {
			return
		}
		for i := 0; i < v.Rows; i++ {
			lab := v.Row(i)[nv-model.Labels:]
			clear(lab)
			lab[label] = 1
		}
	}
	clampLabel()
	w, ht := model.imageShape()
	npix := w * ht
	h := mat32.NewDense(s.n, nh, nil)
	mean := mat32.NewDense(s.n, nv, nil)
	var frames []*mat32.Dense
	frame := func(x *mat32.Dense) {
		frames = append(frames, x.Slice(0, x.Rows, 0, npix).Clone())
	}
	if s.every > 0 {
		frame(v)
	}
	bar := newProgress(int64(s.steps), "Gibbs steps")
	for step := 1; step <= s.steps; step++ {
		m.SampleHidden(h, v, r)
		if step == s.steps || s.every > 0 && step%s.every == 0 {
			m.VisibleProbs(mean, h)
			frame(mean)
		}
		m.SampleVisible(v, h, r)
		clampLabel()
		bar.Add(1)
	}
	bar.Finish()
	if s.steps == 0 && s.every == 0 {
		frame(v)
	}
	opt := &vis.TileOptions{Scale: s.scale}
	if m.Visible == rbm.Gaussian {
		opt.Normalize = vis.Global
	}
	if s.every > 0 {
		err = vis.WritePNG(s.out, vis.TileFrames(frames, w, ht, opt))
	} else {
		err = vis.WritePNG(s.out, vis.Tile(frames[len(frames)-1], w, ht, opt))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d chains after %d Gibbs steps", s.n, s.steps)
	if s.every > 0 {
		fmt.Fprintf(stdout, " (%d frames)", len(frames))
	}
	fmt.Fprintf(stdout, " to %s\n", s.out)
	return nil
}

// noise fills v (B, nv) with starting states that know nothing of the
// data: Bernoulli(1/2) states, a uniformly drawn unit of each softmax
// group, or N(vbias, sigma^2) for Gaussian units.
func noise(v *mat32.Dense, m *rbm.RBM, r *rng.Stream) {
	for i := 0; i < v.Rows; i++ {
		row := v.Row(i)
		if m.Visible == rbm.Gaussian {
			for j := range row {
				row[j] = m.VBias[j] + m.Sigma[j]*float32(r.NormFloat64())
			}
			continue
		}
		for j := range row {
			row[j] = float32(r.Uint64() >> 63)
		}
		for _, g := range m.Softmax {
			grp := row[g.Start : g.Start+g.Size]
			clear(grp)
			grp[r.IntN(g.Size)] = 1
		}
	}
}

// runSBN draws ancestral samples of a sigmoid belief net.
func (s *sampleCmd) runSBN(fs *flag.FlagSet, model *sbnModel) error {
	var bad []string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "steps", "from", "every", "label":
			bad = append(bad, "-"+f.Name)
		}
	})
	if len(bad) > 0 {
		return usagef("%s: %s holds a sigmoid belief net, sampled ancestrally (these flags are for RBMs)", strings.Join(bad, ", "), s.model)
	}
	n := model.Net
	states := make([]*mat32.Dense, n.Depth())
	for l, size := range n.Sizes() {
		states[l] = mat32.NewDense(s.n, size, nil)
	}
	n.SampleLayers(states, rng.New(s.seed))
	mean := mat32.NewDense(s.n, n.Sizes()[0], nil)
	sbnVisibleProbs(mean, n, states[1])
	w, h := model.imageShape()
	img := vis.Tile(mean.Slice(0, s.n, 0, w*h), w, h, &vis.TileOptions{Scale: s.scale})
	if err := vis.WritePNG(s.out, img); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d ancestral samples of a %s belief net to %s\n", s.n, strings.ReplaceAll(layersString(n.Sizes()), ",", "-"), s.out)
	return nil
}
