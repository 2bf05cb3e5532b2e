package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
	"github.com/belief-ml/belief/sbn"
	"github.com/belief-ml/belief/vis"
)

func init() {
	registerFresh(&Command{
		Name:      "unroll",
		UsageLine: "unroll (-model FILE | -random NVxNH [-scale 0.7]) [-depth 20] [-top bias|uniform] [-json] [-o unroll.png]",
		Short:     "show an RBM as an infinitely deep sigmoid belief net with tied weights",
		Long: `Unroll shows that an RBM is the same distribution as an infinitely deep
directed sigmoid belief net v <- h1 <- v2 <- h2 <- ... whose layers share the
RBM's weights (P(v | h) = sigmoid(vbias + h W^T), P(h | v) = sigmoid(hbias +
v W)), as in Hinton, Osindero & Teh (2006). The net cut at depth K, its top
layer starting from -top (bias: the RBM's own biases with no weights;
uniform: all states equally likely), samples by K half-steps of block Gibbs
sampling, so it approaches the RBM as K grows.

For a small RBM (visible + hidden units at most 24) every distribution is
exact, and unroll prints, for K = 1 .. -depth:
  KL          KL(p_RBM(v) || p_K(v)), in nats: how far the depth-K net is
              from the RBM (it falls geometrically);
  tied        the dependence (multi-information, nats) among the units of h1
              in the exact posterior P(h1 | v) of the tied net, averaged over
              v ~ p_RBM: it vanishes as K grows, because the layers above
              form a "complementary prior" that cancels explaining away;
  post-KL     KL(P_K(h1 | v) || P_RBM(h | v)), averaged the same way;
  untied      the dependence when the weights above h1 are untied (W plus
              noise of the size of W): explaining away stays.
-json prints the same as a JSON array of {"depth", "kl", "tied_dependence",
"posterior_kl", "untied_dependence"}.

For a larger RBM (such as one trained on MNIST) the distributions cannot be
enumerated: unroll draws -n samples from the net of each depth, prints the
mean free energy F(v) of the samples under the RBM with its standard error
(it levels off once the depth-K net represents the RBM: the burn-in of the
Gibbs chain), and writes -o, a picture with one column per depth, shallowest
on the left, and -draw rows of samples. The samples of odd depths come from
chains started in the top hidden layer and those of even depths from chains
started in a top visible layer, so a row alternates between two chains: the
columns agree once both have forgotten their start. -samples does this for
small RBMs too.

-random NVxNH makes a self-contained demonstration without a model file: an
RBM with NV visible and NH hidden units whose weights and biases are drawn
from N(0, scale^2) with -scale (and -seed), for example
  belief unroll -random 8x6 -scale 0.7`,
	}, func() flagRunner { return &unrollCmd{} })
}

type unrollCmd struct {
	model   string
	random  string
	scale   float64
	depth   int
	top     string
	seed    uint64
	asJSON  bool
	samples bool
	n       int
	draw    int
	zoom    int
	out     string
}

func (u *unrollCmd) define(fs *flag.FlagSet) {
	fs.StringVar(&u.model, "model", "", "RBM model `file` (Bernoulli visible units, no label units)")
	fs.StringVar(&u.random, "random", "", "use a random RBM of `NVxNH` units instead of a model file")
	fs.Float64Var(&u.scale, "scale", 0.7, "standard deviation of the weights and biases of -random")
	fs.IntVar(&u.depth, "depth", 20, "largest depth K (number of hidden layers of the unrolled net)")
	fs.StringVar(&u.top, "top", "bias", "distribution of the top layer: bias (the RBM's biases) or uniform")
	fs.Uint64Var(&u.seed, "seed", 1, "random seed (of -random, of the untied noise, of the samples)")
	fs.BoolVar(&u.asJSON, "json", false, "print the exact curve as a JSON array")
	fs.BoolVar(&u.samples, "samples", false, "sample (free energies and picture) even when the exact curve is possible")
	fs.IntVar(&u.n, "n", 100, "samples per depth for the free energy (large RBMs)")
	fs.IntVar(&u.draw, "draw", 10, "samples per depth drawn in the picture")
	fs.IntVar(&u.zoom, "zoom", 2, "magnification of the picture")
	fs.StringVar(&u.out, "o", "unroll.png", "PNG `file` of the samples of each depth (large RBMs)")
}

// parseDims parses "NVxNH".
func parseDims(s string) (nv, nh int, err error) {
	a, b, ok := strings.Cut(strings.ToLower(s), "x")
	nv, err1 := strconv.Atoi(a)
	nh, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || nv < 1 || nh < 1 || nv > 1<<16 || nh > 1<<16 {
		return 0, 0, usagef("-random %q: want visible x hidden units, such as 8x6", s)
	}
	return nv, nh, nil
}

// randomRBM returns an RBM with weights and biases from N(0, scale^2).
func randomRBM(nv, nh int, scale float64, r *rng.Stream) *rbm.RBM {
	m := rbm.New(nv, nh, rbm.Bernoulli)
	s := float32(scale)
	for i := 0; i < nv; i++ {
		r.Normal(m.W.Row(i), 0, s)
	}
	r.Normal(m.VBias, 0, s)
	r.Normal(m.HBias, 0, s)
	return m
}

// unrollDepths returns the depths to sample: all up to 30, else about 20
// spaced geometrically from 1 to max.
func unrollDepths(maxD int) []int {
	if maxD <= 30 {
		d := make([]int, maxD)
		for i := range d {
			d[i] = i + 1
		}
		return d
	}
	var d []int
	for i := 0; i < 20; i++ {
		k := int(math.Round(math.Pow(float64(maxD), float64(i)/19)))
		if len(d) == 0 || k > d[len(d)-1] {
			d = append(d, k)
		}
	}
	return d
}

// unrollPoint is the JSON form of sbn.UnrollPoint.
type unrollPoint struct {
	Depth            int       `json:"depth"`
	KL               jsonFloat `json:"kl"`
	TiedDependence   jsonFloat `json:"tied_dependence"`
	PosteriorKL      jsonFloat `json:"posterior_kl"`
	UntiedDependence jsonFloat `json:"untied_dependence"`
}

func (u *unrollCmd) run(fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected arguments %q", args)
	}
	switch {
	case (u.model == "") == (u.random == ""):
		return usagef("give either -model FILE or -random NVxNH")
	case u.depth < 1 || u.depth > 100000:
		return usagef("-depth must be in [1, 100000]")
	case u.top != "bias" && u.top != "uniform":
		return usagef("-top must be bias or uniform, not %q", u.top)
	case !(u.scale >= 0) || math.IsInf(u.scale, 0):
		return usagef("-scale must be a non-negative number")
	case u.n < 2 || u.n > 100000:
		return usagef("-n must be in [2, 100000]")
	case u.draw < 1 || u.zoom < 1 || u.zoom > 64:
		return usagef("-draw must be at least 1, -zoom in [1, 64]")
	}
	top := sbn.TopBias
	if u.top == "uniform" {
		top = sbn.TopUniform
	}
	r := rng.New(u.seed)
	var m *rbm.RBM
	var w, h int
	name := ""
	if u.random != "" {
		nv, nh, err := parseDims(u.random)
		if err != nil {
			return err
		}
		m = randomRBM(nv, nh, u.scale, r)
		w, h = squareShape(nv)
		name = fmt.Sprintf("a random %dx%d RBM (weights and biases from N(0, %g^2), seed %d)", nv, nh, u.scale, u.seed)
	} else {
		if explicit(fs, "scale") {
			return usagef("-scale applies to -random only")
		}
		model, err := loadRBM(u.model)
		if err != nil {
			return err
		}
		m = model.RBM
		if m.Visible != rbm.Bernoulli || len(m.Softmax) > 0 {
			return fmt.Errorf("%s: only an RBM with Bernoulli visible units and no label or softmax units unrolls into a sigmoid belief net", u.model)
		}
		w, h = model.imageShape()
		nv, nh := m.Dims()
		name = fmt.Sprintf("the %dx%d RBM of %s", nv, nh, u.model)
	}
	nv, nh := m.Dims()
	if nv+nh <= sbn.MaxUnrollUnits && !u.samples {
		return u.exact(m, name, top, r)
	}
	if u.asJSON {
		return usagef("-json prints the exact curve, which needs at most %d units in all (this RBM has %d)", sbn.MaxUnrollUnits, nv+nh)
	}
	return u.sampled(m, name, top, w, h, r)
}

// exact prints the exact curve of a small RBM.
func (u *unrollCmd) exact(m *rbm.RBM, name string, top sbn.TopDist, r *rng.Stream) error {
	pts, err := sbn.UnrollCurve(m, u.depth, top, r)
	if err != nil {
		return err
	}
	if u.asJSON {
		out := make([]unrollPoint, len(pts))
		for i, p := range pts {
			out[i] = unrollPoint{p.Depth, jsonFloat(p.KL), jsonFloat(p.TiedDependence), jsonFloat(p.PosteriorKL), jsonFloat(p.UntiedDependence)}
		}
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return nil
	}
	fmt.Fprintf(stdout, "%s unrolled into a tied-weight sigmoid belief net, top layer from %s (exact, in nats):\n", name, u.top)
	fmt.Fprintf(stdout, "%5s  %10s  %10s  %10s  %10s\n", "depth", "KL", "tied", "post-KL", "untied")
	for _, p := range pts {
		fmt.Fprintf(stdout, "%5d  %10.3e  %10.3e  %10.3e  %10.3e\n", p.Depth, p.KL, p.TiedDependence, p.PosteriorKL, p.UntiedDependence)
	}
	return nil
}

// sampled prints the free energies of the samples of each depth and draws
// them.
func (u *unrollCmd) sampled(m *rbm.RBM, name string, top sbn.TopDist, w, h int, r *rng.Stream) error {
	depths := unrollDepths(u.depth)
	bar := newProgress(1, "sampling")
	res := sbn.UnrollSamples(m, depths, u.n, top, r)
	bar.Finish()
	fmt.Fprintf(stdout, "%s unrolled into a tied-weight sigmoid belief net, top layer from %s; %d samples per depth:\n", name, u.top, u.n)
	fmt.Fprintf(stdout, "%5s  %s\n", "depth", "mean free energy F(v) ± standard error")
	draw := min(u.draw, u.n)
	frames := make([]*mat32.Dense, len(res))
	for i, s := range res {
		fmt.Fprintf(stdout, "%5d  %.3f ± %.3f\n", s.Depth, s.MeanFreeEnergy, s.StdErr)
		frames[i] = s.V.Slice(0, draw, 0, w*h)
	}
	if err := vis.WritePNG(u.out, vis.TileFrames(frames, w, h, &vis.TileOptions{Scale: u.zoom})); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d samples of each of %d depths (one column per depth) to %s\n", draw, len(depths), u.out)
	return nil
}
