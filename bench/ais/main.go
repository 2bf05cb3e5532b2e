// Command ais times belief's AIS estimate of log Z (package ais) against
// the same AIS written as a plain NumPy loop (ais_numpy.py), in one run,
// on the same 784-500 RBM with the same temperatures and runs.
//
// Usage:
//
//	go run ./bench/ais [-betas 14501] [-runs 100] [-threads 2] [-model rbm.npz] [-python /usr/bin/python3]
//
// Without -model it trains a 784-500 RBM by CD-1 for one epoch on the
// first 10,000 (stochastically binarised) MNIST training images, or, if
// MNIST is not available, makes a random one; the base-rate visible biases
// come from the same images. The model is written to a temporary .npz
// (arrays W, vbias, hbias, base_vbias) that the NumPy script reads; a
// -model file in that form is used as it is. Both sides use the given
// number of threads (GOMAXPROCS for Go, OPENBLAS_NUM_THREADS for NumPy).
package main

import (
	_ "embed"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/belief-ml/belief/ais"
	"github.com/belief-ml/belief/dataset"
	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/modelfile"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

//go:embed ais_numpy.py
var numpyScript string

func main() {
	betas := flag.Int("betas", ais.SMSteps+1, "number of inverse `temperatures` (14501 is Salakhutdinov & Murray's schedule)")
	runs := flag.Int("runs", 100, "number of AIS `runs`")
	threads := flag.Int("threads", 2, "threads for Go and for OpenBLAS")
	model := flag.String("model", "", "RBM as .npz with W, vbias, hbias, base_vbias (default: train one)")
	python := flag.String("python", "/usr/bin/python3", "Python with NumPy (Debian's python3-numpy)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if err := run(*betas, *runs, *threads, *model, *python, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "ais:", err)
		os.Exit(1)
	}
}

func run(nbetas, runs, threads int, model, python string, seed uint64) error {
	runtime.GOMAXPROCS(threads)
	dir, err := os.MkdirTemp("", "belief-ais")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var m *rbm.RBM
	var base []float32
	if model != "" {
		if m, base, err = load(model); err != nil {
			return err
		}
	} else {
		m, base = build(seed)
		model = filepath.Join(dir, "rbm.npz")
		if err := modelfile.WriteNPZ(model, []modelfile.Array{
			{Name: "W", Shape: []int{m.W.Rows, m.W.Cols}, Data: m.W.Flat()},
			{Name: "vbias", Shape: []int{len(m.VBias)}, Data: m.VBias},
			{Name: "hbias", Shape: []int{len(m.HBias)}, Data: m.HBias},
			{Name: "base_vbias", Shape: []int{len(base)}, Data: base},
		}); err != nil {
			return err
		}
	}
	nv, nh := m.Dims()
	fmt.Printf("RBM %d-%d, %d inverse temperatures, %d runs, %d threads\n", nv, nh, nbetas, runs, threads)

	t0 := time.Now()
	est, err := ais.LogZ(ais.NewRBM(m, base), &ais.Settings{Betas: ais.Schedule(nbetas), Runs: runs, Seed: seed})
	if err != nil {
		return err
	}
	goSecs := time.Since(t0).Seconds()
	fmt.Printf("belief: %7.2f s  %v\n", goSecs, est)

	script := filepath.Join(dir, "ais_numpy.py")
	if err := os.WriteFile(script, []byte(numpyScript), 0o644); err != nil {
		return err
	}
	cmd := exec.Command(python, script, model, strconv.Itoa(nbetas), strconv.Itoa(runs), strconv.FormatUint(seed, 10))
	cmd.Env = append(os.Environ(), "OPENBLAS_NUM_THREADS="+strconv.Itoa(threads), "OMP_NUM_THREADS="+strconv.Itoa(threads))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s: %v", python, err)
	}
	var pySecs, pyLogZ float64
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "seconds=%g logz=%g", &pySecs, &pyLogZ); err != nil {
		return fmt.Errorf("parsing NumPy output %q: %v", out, err)
	}
	fmt.Printf("numpy:  %7.2f s  log Z = %.3f\n", pySecs, pyLogZ)
	fmt.Printf("numpy / belief time: %.2f\n", pySecs/goSecs)
	return nil
}

// build trains a 784-500 RBM for one epoch of CD-1 on 10,000 MNIST
// images (or makes a random one) and returns it with the base rates.
func build(seed uint64) (*rbm.RBM, []float32) {
	r := rng.New(seed)
	m := rbm.New(784, 500, rbm.Bernoulli)
	set, err := dataset.MNIST("train")
	if err != nil {
		fmt.Fprintf(os.Stderr, "MNIST not available (%v): using a random RBM\n", err)
		r.Normal(m.W.Flat(), 0, 0.05)
		for i := range m.VBias {
			m.VBias[i] = -2
		}
		return m, ais.BaseRate(m, mat32.NewDense(1, 784, nil))
	}
	x := set.X.Slice(0, 10000, 0, 784).Clone()
	dataset.BinarizeStochastic(x, seed)
	m.Init(x, r)
	if _, err := rbm.Train(m, x, &rbm.Settings{Epochs: 1, ExactLL: rbm.ExactNever}, r); err != nil {
		fmt.Fprintln(os.Stderr, "training:", err)
	}
	return m, ais.BaseRate(m, x)
}

// load reads an RBM and its base rates from an .npz file.
func load(path string) (*rbm.RBM, []float32, error) {
	arrays, err := modelfile.ReadNPZ(path)
	if err != nil {
		return nil, nil, err
	}
	get := map[string]*modelfile.Array{}
	for i := range arrays {
		get[arrays[i].Name] = &arrays[i]
	}
	w := get["W"]
	if w == nil || len(w.Shape) != 2 {
		return nil, nil, fmt.Errorf("%s: no 2-D array W", path)
	}
	nv, nh := w.Shape[0], w.Shape[1]
	m := rbm.New(nv, nh, rbm.Bernoulli)
	copy(m.W.Flat(), w.Float32())
	vec := func(name string, n int) ([]float32, error) {
		a := get[name]
		if a == nil || a.Len() != n {
			return nil, fmt.Errorf("%s: want array %s of %d elements", path, name, n)
		}
		return a.Float32(), nil
	}
	var vb, hb, base []float32
	if vb, err = vec("vbias", nv); err != nil {
		return nil, nil, err
	}
	if hb, err = vec("hbias", nh); err != nil {
		return nil, nil, err
	}
	if base, err = vec("base_vbias", nv); err != nil {
		return nil, nil, err
	}
	copy(m.VBias, vb)
	copy(m.HBias, hb)
	return m, base, nil
}
