package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/belief-ml/belief/dataset"
)

// dataFlags are the flags of every command that reads a data set, so that
// "-data mnist" means the same thing everywhere.
type dataFlags struct {
	spec      string
	split     string
	binarize  string
	binSeed   uint64
	csvLabel  int
	csvHeader string
}

const noLabelColumn = 1 << 30

func (d *dataFlags) register(fs *flag.FlagSet, defSplit string) {
	fs.StringVar(&d.spec, "data", "mnist", "data set: `mnist` (fetched through the Go module proxy) or a path to an IDX images file (raw or .gz; its labels file is found beside it), a .csv file, or a folder of PNG images (sub-folders are classes)")
	fs.StringVar(&d.split, "split", defSplit, "which split of mnist: train or test (a path names one split itself)")
	fs.StringVar(&d.binarize, "binarize", "", "binarization: stochastic (each pixel Bernoulli(intensity) once, as in the literature), threshold (pixel > 0.5), or none; default stochastic for mnist, none for paths")
	fs.Uint64Var(&d.binSeed, "binarize-seed", 0, fmt.Sprintf("seed of the stochastic binarization (0 means the documented default, %d; train and test get independent streams)", dataset.DefaultBinarizeSeed))
	fs.IntVar(&d.csvLabel, "csv-label", noLabelColumn, "CSV only: the column that holds the class label (0-based; negative counts from the end, -1 is the last); default none")
	fs.StringVar(&d.csvHeader, "csv-header", "auto", "CSV only: whether the first row is a header: auto, yes or no")
}

func (d *dataFlags) isMNIST() bool { return strings.EqualFold(d.spec, "mnist") }

func (d *dataFlags) options() (dataset.OpenOptions, error) {
	var opt dataset.OpenOptions
	if d.split != "train" && d.split != "test" {
		return opt, usagef("-split must be train or test, not %q", d.split)
	}
	if d.split == "test" && !d.isMNIST() {
		return opt, usagef("-split test applies to mnist only: give the test file's path to -data")
	}
	switch d.binarize {
	case "", "stochastic", "threshold", "none":
	default:
		return opt, usagef("-binarize must be stochastic, threshold or none, not %q", d.binarize)
	}
	opt = dataset.OpenOptions{Split: d.split, Binarize: d.binarize, Seed: d.binSeed}
	switch d.csvHeader {
	case "auto":
		opt.CSV.Header = dataset.HeaderAuto
	case "yes":
		opt.CSV.Header = dataset.HeaderYes
	case "no":
		opt.CSV.Header = dataset.HeaderNo
	default:
		return opt, usagef("-csv-header must be auto, yes or no, not %q", d.csvHeader)
	}
	if d.csvLabel != noLabelColumn {
		opt.CSV.Labeled = true
		opt.CSV.LabelColumn = d.csvLabel
	}
	return opt, nil
}

func (d *dataFlags) open() (*dataset.Set, error) {
	opt, err := d.options()
	if err != nil {
		return nil, err
	}
	return dataset.Open(d.spec, opt)
}
