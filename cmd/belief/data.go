package main

import (
	"flag"
	"fmt"

	"github.com/belief-ml/belief/dataset"
	"github.com/belief-ml/belief/modelfile"
	"github.com/belief-ml/belief/vis"
)

func init() {
	registerFresh(&Command{
		Name:      "data",
		UsageLine: "data [-data mnist|PATH] [-split train|test] [-binarize stochastic|threshold|none] [-png first.png] [-o out.npz]",
		Short:     "describe a data set, draw its first images, export it as NumPy .npz",
		Long: `Data reads a data set exactly as every other command reads it (-data,
-split, -binarize mean the same everywhere), prints its size, value range and
label counts, and optionally writes a picture of its first images (-png) and
the data itself, after binarization, as a NumPy .npz file (-o) holding the
float32 array X (one example per row) and, when there are labels, the array
y (the labels as float32), so that other tools see exactly the data belief
uses: np.load("out.npz")["X"].`,
	}, func() flagRunner { return &dataCmd{} })
}

type dataCmd struct {
	df    dataFlags
	png   string
	n     int
	scale int
	out   string
}

func (d *dataCmd) define(fs *flag.FlagSet) {
	d.df.register(fs, "train")
	fs.StringVar(&d.png, "png", "", "write a PNG of the first images to this `file`")
	fs.IntVar(&d.n, "n", 100, "how many images the PNG shows")
	fs.IntVar(&d.scale, "scale", 2, "magnification of the PNG")
	fs.StringVar(&d.out, "o", "", "export the (binarized) data as NumPy .npz to this `file`")
}

func (d *dataCmd) run(fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected arguments %q", args)
	}
	if d.n < 1 {
		return usagef("-n must be at least 1")
	}
	if d.scale < 1 || d.scale > 64 {
		return usagef("-scale must be in [1, 64]")
	}
	set, err := d.df.open()
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, dataset.Stats(set).String())
	if d.png != "" {
		w, h := set.Width, set.Height
		if w == 0 {
			w, h = set.X.Cols, 1
		}
		rows := min(d.n, set.X.Rows)
		img := vis.Tile(set.X.Slice(0, rows, 0, set.X.Cols), w, h, &vis.TileOptions{Scale: d.scale})
		if err := vis.WritePNG(d.png, img); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %d images to %s\n", rows, d.png)
	}
	if d.out != "" {
		arrays := []modelfile.Array{{Name: "X", Shape: []int{set.X.Rows, set.X.Cols}, Data: set.X.Clone().Data}}
		if set.Labels != nil {
			y := make([]float32, len(set.Labels))
			for i, l := range set.Labels {
				y[i] = float32(l)
			}
			arrays = append(arrays, modelfile.Array{Name: "y", Shape: []int{len(y)}, Data: y})
		}
		if err := modelfile.WriteNPZ(d.out, arrays); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote X %dx%d to %s\n", set.X.Rows, set.X.Cols, d.out)
	}
	return nil
}
