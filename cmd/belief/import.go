package main

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/belief-ml/belief/modelfile"
)

func init() {
	registerFresh(&Command{
		Name:      "import",
		UsageLine: "import [flags] FILE.npz [-o model.rbm] [-width W -height H] [-labels N]",
		Short:     "make a model file from a NumPy .npz archive of RBM parameters",
		Long: `Import reads an RBM's parameters from a NumPy .npz archive (float32 or
float64) and writes a belief model file. The archive must hold W (nv, nh),
vbias (nv) and hbias (nh); with sigma (nv, all positive) the visible units are
Gaussian, otherwise Bernoulli. An optional softmax (G, 2) array lists the
start and size of one-of-K groups of visible units, as "belief export"
writes it. Other arrays are ignored.

NumPy arrays carry no image shape: -width and -height set the shape in which
"show" and "sample" draw the visible units (default: a square if nv is one).
-labels N says that the last N visible units are label units (one softmax
group), as "train rbm -labels" makes them.`,
	}, func() flagRunner { return &importCmd{} })
}

type importCmd struct {
	out           string
	width, height int
	labels        int
}

func (c *importCmd) define(fs *flag.FlagSet) {
	fs.StringVar(&c.out, "o", "model.rbm", "output model `file`")
	fs.IntVar(&c.width, "width", 0, "image width of the visible units (0: unknown)")
	fs.IntVar(&c.height, "height", 0, "image height of the visible units (0: unknown)")
	fs.IntVar(&c.labels, "labels", 0, "number of label units at the end of the visible units")
}

func (c *importCmd) run(fs *flag.FlagSet, args []string) error {
	if len(args) == 0 {
		return usagef("which .npz file?")
	}
	in := args[0]
	// Flags may follow the file name.
	if err := fs.Parse(args[1:]); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	if c.width < 0 || c.height < 0 || c.labels < 0 || (c.width == 0) != (c.height == 0) {
		return usagef("-width and -height go together and must be positive; -labels must not be negative")
	}
	f, err := modelfile.ReadNPZFile(in, rbmKind)
	if err != nil {
		return err
	}
	f.Meta = map[string]string{}
	if g, ok := f.Array("softmax"); ok {
		v := g.Float64()
		if len(g.Shape) != 2 || g.Shape[1] != 2 {
			return fmt.Errorf("%s: softmax has shape %v, want (G, 2)", in, g.Shape)
		}
		var gs []string
		for i := 0; i < len(v); i += 2 {
			if v[i] != math.Trunc(v[i]) || v[i+1] != math.Trunc(v[i+1]) || v[i] < 0 || v[i+1] < 0 || v[i]+v[i+1] > 1<<31 {
				return fmt.Errorf("%s: softmax row %d = (%g, %g) is not a start and a size", in, i/2, v[i], v[i+1])
			}
			gs = append(gs, fmt.Sprintf("%d:%d", int(v[i]), int(v[i+1])))
		}
		if len(gs) > 0 {
			f.Meta["softmax"] = strings.Join(gs, ",")
		}
	}
	if c.labels > 0 {
		w, ok := f.Array("W")
		if !ok || len(w.Shape) != 2 {
			return fmt.Errorf("%s: no two-dimensional array W", in)
		}
		nv := w.Shape[0]
		group := fmt.Sprintf("%d:%d", nv-c.labels, c.labels)
		if s := f.Meta["softmax"]; s == "" {
			f.Meta["softmax"] = group
		} else if !strings.HasSuffix(s, group) {
			f.Meta["softmax"] = s + "," + group
		}
		f.Meta["labels"] = strconv.Itoa(c.labels)
	}
	if c.width > 0 {
		f.Meta["width"], f.Meta["height"] = strconv.Itoa(c.width), strconv.Itoa(c.height)
	}
	model, err := rbmFromFile(f)
	if err != nil {
		return err
	}
	m := model.RBM
	for _, p := range []struct {
		name string
		v    []float32
	}{{"W", m.W.Data}, {"vbias", m.VBias}, {"hbias", m.HBias}} {
		for i, x := range p.v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return fmt.Errorf("%s: %s has the non-finite value %g at element %d", in, p.name, x, i)
			}
		}
	}
	model.Meta = stampMeta(map[string]string{"imported": in})
	if err := saveRBM(c.out, model); err != nil {
		return err
	}
	nv, nh := m.Dims()
	fmt.Fprintf(stdout, "wrote an rbm with %d %s visible and %d hidden units to %s\n", nv, unitsName(m.Visible), nh, c.out)
	return nil
}
