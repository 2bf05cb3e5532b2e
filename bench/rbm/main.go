// Command rbm times one epoch of RBM training with belief, scikit-learn
// and PyTorch side by side: a 784-500 Bernoulli RBM on the 60,000
// stochastically binarized MNIST training images, mini-batches of 100, on
// the same number of threads (2 by default).
//
// Usage:
//
//	go run ./bench/rbm [-epochs 2] [-threads 2] [-quick] [-skip-sklearn] [-skip-torch]
//	                   [-python /usr/bin/python3] [-cpuprofile cd1.prof]
//	                   [-pcdprofile pcd1.prof] [-breakdown] [-dense]
//
// The runs are
//
//   - belief CD-1 and PCD-1 (100 persistent chains): rbm.Trainer.Epoch with
//     the default settings (learning rate 0.1, momentum 0.5, weight cost
//     0.0002), monitoring off; the data are binary and 87% zeros, so the
//     trainer forms the products with binary visible states as sums of rows
//     of W (see rbm.Settings.DenseProducts), and on a CPU with AMX CD's
//     other products run in bfloat16 parts on AMX tiles (rbm.ProductsAuto);
//     on such a CPU CD-1 with float32 products and PCD-1 with bf16 ones
//     follow; with -dense the same runs with dense products only are added;
//   - scikit-learn's BernoulliRBM (which does PCD-1 with batch_size
//     persistent chains), on float32 and on float64 inputs (rbm_sklearn.py);
//   - a plain PyTorch loop doing the same work per mini-batch as belief, for
//     CD-1 and PCD-1 (rbm_torch.py).
//
// The command writes the data once to a temporary .npz file that the Python
// scripts load, so every run sees the same rows. Each run does a warm-up
// pass over the first 10,000 rows, then -epochs timed epochs; the table
// shows the median seconds per epoch, the effective GFLOP/s and each
// peer's time divided by belief's for the same method. Loading the data is
// not timed.
//
// The Python runs use Debian's packages (apt-get install python3-sklearn
// python3-torch) through /usr/bin/python3, with OMP_NUM_THREADS,
// OPENBLAS_NUM_THREADS and MKL_NUM_THREADS set to -threads, any other
// OPENBLAS_* variable removed (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE slow a
// current numpy down) and, for PyTorch, OMP_WAIT_POLICY=PASSIVE (without it
// the spinning OpenMP threads fight over the cores and an epoch takes
// nearly three times as long).
//
// -cpuprofile and -pcdprofile write CPU profiles of belief's timed CD-1 and
// PCD-1 epochs;
// -breakdown adds a table of the time each part of a CD-1 mini-batch takes
// alone (the four products, gather, sigmoids, sampling, column sums, the
// weight update), scaled to an epoch.
package main

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/belief-ml/belief/dataset"
	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/modelfile"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

//go:embed rbm_sklearn.py
var sklearnScript string

//go:embed rbm_torch.py
var torchScript string

const (
	nh         = 500
	batchSize  = 100
	chains     = 100
	warmupRows = 10000
	quickRows  = 10000
)

// result is one row of the table.
type result struct {
	Name  string    `json:"name"`
	Times []float64 `json:"times"` // seconds per timed epoch
	// CPU is the process's CPU time (user+system, all threads) per timed
	// epoch: on a shared machine, CPU/threads is what the epoch would take
	// with the cores to itself (spinning threads count as busy).
	CPU  []float64 `json:"cpu"`
	Info string    `json:"info"`
	// flopPerRow is the multiply-adds times 2 per training row, divided by
	// nv*nh: 10 for CD-1 (four products, the gradient one twice as tall),
	// 12 for belief's and torch's PCD-1 (one more product for the chains'
	// hidden probabilities), 10 for scikit-learn's PCD-1 (it keeps the
	// chains' hidden samples from the previous mini-batch).
	flopPerRow float64
	// base is the name of the belief run this one is compared with.
	base string
}

func (r *result) median() float64 { return median(r.Times) }

func median(x []float64) float64 {
	t := slices.Clone(x)
	slices.Sort(t)
	n := len(t)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return t[n/2]
	}
	return (t[n/2-1] + t[n/2]) / 2
}

type options struct {
	epochs, threads        int
	quick                  bool
	skipSklearn, skipTorch bool
	dense                  bool
	breakdown              bool
	python, cpuprofile     string
	pcdprofile             string
	seed                   uint64
	stdout, stderr         io.Writer
}

func main() {
	var o options
	flag.IntVar(&o.epochs, "epochs", 2, "number of timed `epochs` per run; the table shows the median")
	flag.IntVar(&o.threads, "threads", 2, "`threads` for every run (GOMAXPROCS, OMP/OpenBLAS/torch threads)")
	flag.BoolVar(&o.quick, "quick", false, "smoke run on the first 10,000 rows only")
	flag.BoolVar(&o.skipSklearn, "skip-sklearn", false, "skip the scikit-learn runs")
	flag.BoolVar(&o.skipTorch, "skip-torch", false, "skip the PyTorch runs")
	flag.BoolVar(&o.dense, "dense", false, "also time belief with dense products only (rbm.Settings.DenseProducts), as on grey-level data")
	flag.StringVar(&o.python, "python", "/usr/bin/python3", "Python `interpreter` with Debian's python3-sklearn and python3-torch")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of belief's timed CD-1 epochs to `file`")
	flag.StringVar(&o.pcdprofile, "pcdprofile", "", "write a CPU profile of belief's timed PCD-1 epochs to `file`")
	flag.BoolVar(&o.breakdown, "breakdown", false, "also time each part of a CD-1 mini-batch alone (GEMMs, sigmoids, sampling, update)")
	flag.Uint64Var(&o.seed, "seed", 1, "random `seed` of belief's runs")
	flag.Parse()
	o.stdout, o.stderr = os.Stdout, os.Stderr
	if err := run(&o); err != nil {
		fmt.Fprintln(os.Stderr, "bench/rbm:", err)
		os.Exit(1)
	}
}

func run(o *options) error {
	if o.epochs < 1 || o.threads < 1 {
		return fmt.Errorf("-epochs and -threads must be at least 1")
	}
	runtime.GOMAXPROCS(o.threads)
	set, err := dataset.Open("mnist", dataset.OpenOptions{})
	if err != nil {
		return err
	}
	x := set.X
	if o.quick {
		x = x.Slice(0, min(quickRows, x.Rows), 0, x.Cols).Clone()
	}
	n, nv := x.Rows, x.Cols
	warm := min(warmupRows, n/2)

	dir, err := os.MkdirTemp("", "belief-bench-rbm-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	npz := filepath.Join(dir, "mnist.npz")
	if err := modelfile.WriteNPZ(npz, []modelfile.Array{{Name: "X", Shape: []int{n, nv}, Data: x.Data[:n*nv]}}); err != nil {
		return err
	}

	fmt.Fprintf(o.stdout, "RBM %d-%d, CD-1/PCD-1, batch %d, %d rows of binarized MNIST, %d threads, %d timed epochs after a %d-row warm-up\n",
		nv, nh, batchSize, n, o.threads, o.epochs, warm)
	fmt.Fprintf(o.stdout, "CPU: %s; %s %s/%s; load average %s\n", cpuModel(), runtime.Version(), runtime.GOOS, runtime.GOARCH, loadAvg())

	// belief's runs: the defaults, then (AMX CPUs) with the other
	// arithmetic of the products, then with -dense the dense-only products.
	variants := []variant{{}}
	if mat32.AMX() {
		variants = append(variants, variant{prod: rbm.ProductsFloat32}, variant{prod: rbm.ProductsBF16})
	}
	if o.dense {
		variants = append(variants, variant{dense: true})
	}
	var results []result
	for _, v := range variants {
		for _, m := range []rbm.Method{rbm.CD, rbm.PCD} {
			prof := o.cpuprofile
			if m == rbm.PCD {
				prof = o.pcdprofile
			}
			if v != (variant{}) {
				prof = ""
			}
			if v.prod != rbm.ProductsAuto && v.bf16(m) == (variant{}).bf16(m) {
				continue // the same as the default run
			}
			r, err := timeBelief(x, m, v, o.epochs, warm, o.seed, prof)
			if err != nil {
				return err
			}
			results = append(results, r)
		}
	}
	env, removed := pythonEnv(o.threads)
	if !o.skipSklearn || !o.skipTorch {
		t, rm := strconv.Itoa(o.threads), "nothing"
		if len(removed) > 0 {
			rm = strings.Join(removed, " ")
		}
		fmt.Fprintf(o.stdout, "Python peers: %s with OMP_NUM_THREADS=%s OPENBLAS_NUM_THREADS=%s MKL_NUM_THREADS=%s, torch also OMP_WAIT_POLICY=PASSIVE and set_num_threads(%s); removed from their environment: %s\n",
			o.python, t, t, t, t, rm)
	}
	if !o.skipSklearn {
		rs, err := runPython(o, "sklearn", sklearnScript, env, npz, strconv.Itoa(o.epochs), strconv.Itoa(warm))
		if err != nil {
			return err
		}
		for i := range rs {
			rs[i].flopPerRow, rs[i].base = 10, "belief PCD-1"
		}
		results = append(results, rs...)
	}
	if !o.skipTorch {
		tenv := append(slices.Clone(env), "OMP_WAIT_POLICY=PASSIVE")
		rs, err := runPython(o, "torch", torchScript, tenv, npz, strconv.Itoa(o.epochs), strconv.Itoa(warm), strconv.Itoa(o.threads))
		if err != nil {
			return err
		}
		for i := range rs {
			rs[i].flopPerRow, rs[i].base = 10, "belief CD-1"
			if strings.Contains(rs[i].Name, "PCD") {
				rs[i].flopPerRow, rs[i].base = 12, "belief PCD-1"
			}
		}
		results = append(results, rs...)
	}
	printTable(o.stdout, results, n, nv)
	if o.breakdown {
		breakdown(o.stdout, x, o.threads)
	}
	return nil
}

// variant is a setting of belief's trainer: dense, the products with the
// binary data are dense matrix products too (by default the trainer forms
// them as sums of rows of W); prod, the arithmetic of the other products.
type variant struct {
	dense bool
	prod  rbm.Products
}

// bf16 reports whether the run of method m multiplies in bfloat16 parts.
func (v variant) bf16(m rbm.Method) bool {
	return mat32.AMX() && (v.prod == rbm.ProductsBF16 || v.prod == rbm.ProductsAuto && m == rbm.CD)
}

// timeBelief trains a fresh RBM with method m and settings v: a warm-up
// pass over the first warm rows, then epochs timed epochs over all of x.
func timeBelief(x *mat32.Dense, m rbm.Method, v variant, epochs, warm int, seed uint64, profile string) (result, error) {
	r := rng.New(seed)
	model := rbm.New(x.Cols, nh, rbm.Bernoulli)
	model.Init(x, r)
	s := &rbm.Settings{Method: m, K: 1, BatchSize: batchSize, Epochs: 1, MonitorRows: -1, ExactLL: rbm.ExactNever}
	name := "belief CD-1"
	if m == rbm.PCD {
		s.Chains = chains
		name = "belief PCD-1"
	}
	s.DenseProducts, s.Products = v.dense, v.prod
	base := name
	if v.dense {
		name += " dense"
	}
	if v.prod != rbm.ProductsAuto {
		name += " " + v.prod.String()
	}
	tr := rbm.NewTrainer(model, s, r)
	// The first timed epoch also checks the full data and lists its ones
	// for the sparse products (once per data set: about 0.3 CPU-s); the
	// median over three or more epochs leaves it out.
	if _, err := tr.Epoch(x.Slice(0, warm, 0, x.Cols)); err != nil {
		return result{}, err
	}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return result{}, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return result{}, err
		}
		defer pprof.StopCPUProfile()
	}
	arith := "float32"
	if v.bf16(m) {
		arith = "bf16 on AMX"
	}
	res := result{Name: name, Info: fmt.Sprintf("%d workers, %s products", tr.Settings.Workers, arith), flopPerRow: 10, base: base}
	if m == rbm.PCD {
		res.flopPerRow = 12
	}
	for e := 0; e < epochs; e++ {
		start, cpu := time.Now(), cpuTime()
		if _, err := tr.Epoch(x); err != nil {
			return result{}, err
		}
		res.Times = append(res.Times, time.Since(start).Seconds())
		res.CPU = append(res.CPU, cpuTime()-cpu)
	}
	return res, nil
}

// pythonEnv returns the environment of the Python runs: ours without any
// OPENBLAS_*, OMP_* or MKL_* variable, plus the thread counts, and the
// variables it removed.
func pythonEnv(threads int) (env, removed []string) {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "OPENBLAS_") || strings.HasPrefix(kv, "OMP_") || strings.HasPrefix(kv, "MKL_") {
			removed = append(removed, kv)
			continue
		}
		env = append(env, kv)
	}
	t := strconv.Itoa(threads)
	return append(env, "OMP_NUM_THREADS="+t, "OPENBLAS_NUM_THREADS="+t, "MKL_NUM_THREADS="+t), removed
}

// runPython runs script with args and returns the results it prints, one
// JSON object per line. A missing module is reported with the apt-get line
// that installs it, and the peer is skipped.
func runPython(o *options, module, script string, env []string, args ...string) ([]result, error) {
	check := exec.Command(o.python, "-c", "import numpy, "+module)
	check.Env = env
	if out, err := check.CombinedOutput(); err != nil {
		fmt.Fprintf(o.stderr, "bench/rbm: %s cannot import %s (%v: %s); skipping it. Install Debian's packages with\n\tapt-get install python3-sklearn python3-torch\n",
			o.python, module, err, strings.TrimSpace(lastLine(out)))
		return nil, nil
	}
	cmd := exec.Command(o.python, append([]string{"-c", script}, args...)...)
	cmd.Env = env
	cmd.Stderr = o.stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s run: %w", module, err)
	}
	var rs []result
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var r result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("%s run: bad result line %q: %w", module, line, err)
		}
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("%s run printed no results:\n%s", module, out)
	}
	return rs, nil
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

func printTable(w io.Writer, results []result, n, nv int) {
	base := map[string]float64{}
	for i := range results {
		if strings.HasPrefix(results[i].Name, "belief") {
			base[results[i].Name] = results[i].median()
		}
	}
	fmt.Fprintf(w, "\n| run | s/epoch (median) | all epochs (s) | CPU s/epoch | GFLOP/epoch | GFLOP/s | vs belief | notes |\n")
	fmt.Fprintf(w, "| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |\n")
	for i := range results {
		r := &results[i]
		med := r.median()
		gflop := r.flopPerRow * float64(n) * float64(nv) * nh / 1e9
		var all []string
		for _, t := range r.Times {
			all = append(all, fmt.Sprintf("%.2f", t))
		}
		ratio := "1"
		if b, ok := base[r.base]; ok && r.base != r.Name && b > 0 {
			ratio = fmt.Sprintf("%.2fx %s", med/b, strings.TrimPrefix(r.base, "belief "))
		}
		cpu := "-"
		if len(r.CPU) > 0 {
			cpu = fmt.Sprintf("%.2f", median(r.CPU))
		}
		fmt.Fprintf(w, "| %s | %.2f | %s | %s | %.1f | %.1f | %s | %s |\n",
			r.Name, med, strings.Join(all, " "), cpu, gflop, gflop/med, ratio, r.Info)
	}
	fmt.Fprintf(w, "\nvs belief = the run's median time / belief's for the same method (above 1: belief is faster).\n")
	fmt.Fprintf(w, "CPU s/epoch = process CPU time (all threads, spinning included) per epoch, median; on a busy machine CPU/threads shows what the epoch would take alone.\n")
}

// cpuTime returns the user and system CPU seconds the process has used.
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v) + fmt.Sprintf(", %d CPUs", runtime.NumCPU())
		}
	}
	return "unknown"
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
