package main

import (
	"flag"
	"fmt"

	"github.com/belief-ml/belief/dataset"
	"github.com/belief-ml/belief/modelfile"
	"github.com/belief-ml/belief/vis"
)

func init() {
	c := &Command{
		Name:      "data",
		UsageLine: "data [-data mnist|PATH] [-split train|test] [-binarize stochastic|threshold|none] [-png first.png] [-o out.npz]",
		Short:     "describe a data set, draw its first images, export it as NumPy .npz",
		Long: `Data reads a data set exactly as every other command reads it (-data,
-split, -binarize mean the same everywhere), prints its size, value range and
label counts, and optionally writes a picture of its first images (-png) and
the data itself, after binarization, as a NumPy .npz file (-o) holding the
float32 array X (one example per row) and, when there are labels, the int
array y (as float32), so that other tools see exactly the data belief uses.`,
		Flags: flag.NewFlagSet("data", flag.ContinueOnError),
	}
	var df dataFlags
	df.register(c.Flags, "train")
	png := c.Flags.String("png", "", "write a PNG of the first images to this `file`")
	n := c.Flags.Int("n", 100, "how many images the PNG shows")
	scale := c.Flags.Int("scale", 2, "magnification of the PNG")
	out := c.Flags.String("o", "", "export the (binarized) data as NumPy .npz to this `file`")
	c.Run = func(c *Command, args []string) error {
		if len(args) > 0 {
			return usagef("unexpected arguments %q", args)
		}
		if *n < 1 {
			return usagef("-n must be at least 1")
		}
		set, err := df.open()
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, dataset.Stats(set).String())
		if *png != "" {
			w, h := set.Width, set.Height
			if w == 0 {
				w, h = set.X.Cols, 1
			}
			rows := min(*n, set.X.Rows)
			img := vis.Tile(set.X.Slice(0, rows, 0, set.X.Cols), w, h, &vis.TileOptions{Scale: *scale})
			if err := vis.WritePNG(*png, img); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote %d images to %s\n", rows, *png)
		}
		if *out != "" {
			arrays := []modelfile.Array{{Name: "X", Shape: []int{set.X.Rows, set.X.Cols}, Data: set.X.Clone().Data}}
			if set.Labels != nil {
				y := make([]float32, len(set.Labels))
				for i, l := range set.Labels {
					y[i] = float32(l)
				}
				arrays = append(arrays, modelfile.Array{Name: "y", Shape: []int{len(y)}, Data: y})
			}
			if err := modelfile.WriteNPZ(*out, arrays); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "wrote X %dx%d to %s\n", set.X.Rows, set.X.Cols, *out)
		}
		return nil
	}
	register(c)
}
