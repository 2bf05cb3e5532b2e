package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// OpenOptions says which data to open and how to binarize it. The zero
// value opens the training split with the default binarization.
type OpenOptions struct {
	// Split is "train" or "test" for a named data set ("mnist"). The
	// default, "", means "train". It is ignored for paths, which name one
	// split each.
	Split string
	// Binarize is "stochastic" (each value replaced by one Bernoulli draw;
	// see BinarizeStochastic), "threshold" (value > 0.5 becomes 1, else 0),
	// or "none". The default, "", means "stochastic" for "mnist" and
	// "none" for paths.
	Binarize string
	// Seed is the seed of the stochastic binarization. If Seed is 0, it is
	// DefaultBinarizeSeed. The split's own seed is SplitSeed(Seed, Split),
	// so train and test are binarized independently.
	Seed uint64
	// CSV says how to read a CSV file. The default reads a numeric file
	// with an auto-detected header and no labels.
	CSV CSVOptions
}

// Open reads the data set that spec names: "mnist" (see MNIST), or a path
// to a directory of PNG images (see LoadPNGDir), a .csv file (see
// LoadCSV), or an IDX images file, raw or gzip-compressed (see LoadIDX),
// whose labels file is picked up beside it when it follows the MNIST
// naming ("train-images-idx3-ubyte.gz" -> "train-labels-idx1-ubyte.gz",
// with or without .gz). It then binarizes as opt says.
func Open(spec string, opt OpenOptions) (*Set, error) {
	split := opt.Split
	if split == "" {
		split = "train"
	}
	if split != "train" && split != "test" {
		return nil, fmt.Errorf("dataset: split %q: want train or test", split)
	}
	bin := opt.Binarize
	var set *Set
	var err error
	if strings.EqualFold(spec, "mnist") {
		if bin == "" {
			bin = "stochastic"
		}
		set, err = MNIST(split)
	} else {
		if bin == "" {
			bin = "none"
		}
		set, err = openPath(spec, opt.CSV)
	}
	if err != nil {
		return nil, err
	}
	seed := opt.Seed
	if seed == 0 {
		seed = DefaultBinarizeSeed
	}
	switch bin {
	case "none":
	case "threshold":
		Threshold(set.X, 0.5)
	case "stochastic":
		BinarizeStochastic(set.X, SplitSeed(seed, split))
	default:
		return nil, fmt.Errorf("dataset: binarization %q: want stochastic, threshold or none", opt.Binarize)
	}
	return set, nil
}

func openPath(path string, csvOpt CSVOptions) (*Set, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %q is neither \"mnist\" nor a readable path: %w", path, err)
	}
	if fi.IsDir() {
		return LoadPNGDir(path)
	}
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		return LoadCSV(path, csvOpt)
	}
	return LoadIDX(path, LabelsPathFor(path))
}

// LabelsPathFor returns the labels file that goes with an IDX images file
// by the MNIST naming convention ("images" -> "labels", "idx3" -> "idx1"
// in the file name, with or without a .gz suffix), or "" if there is none.
func LabelsPathFor(imagesPath string) string {
	dir, base := filepath.Split(imagesPath)
	if !strings.Contains(base, "images") {
		return ""
	}
	lb := strings.ReplaceAll(strings.ReplaceAll(base, "images", "labels"), "idx3", "idx1")
	cands := []string{lb}
	if s, ok := strings.CutSuffix(lb, ".gz"); ok {
		cands = append(cands, s)
	} else {
		cands = append(cands, lb+".gz")
	}
	for _, c := range cands {
		p := filepath.Join(dir, c)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	return ""
}
