// Command gemm times belief's mat32.Gemm and numpy's float32 matmul
// (OpenBLAS) side by side on the products an RBM with 784 visible and 500
// hidden units makes on mini-batches of 100, and on a 2048^3 product.
//
// Usage:
//
//	go run ./bench/gemm [-rounds 11] [-threads 2] [-settle 400ms] [-python /usr/bin/python3]
//
// Both run with the same number of threads (GOMAXPROCS for Go,
// OPENBLAS_NUM_THREADS for numpy) in one run: each round times a batch of
// products of every shape with Go and with numpy (taking turns at going
// first), and the table shows the median over rounds, and the best round,
// which is less disturbed by other work on the machine. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed
// from numpy's environment so OpenBLAS picks its kernel for this CPU; the
// header says which one it picked.
package main

import (
	"bufio"
	_ "embed"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/belief-ml/belief/mat32"
	"golang.org/x/sys/cpu"
)

// settle is the pause before each timed batch. OpenBLAS's idle threads
// keep spinning for about 2^28 cycles (0.1 s) after a product, so timing Go
// sooner would measure it on one free core.
var settle = 400 * time.Millisecond

//go:embed numpy_gemm.py
var numpyScript string

type shape struct {
	name           string
	transA, transB bool
	m, n, k        int
}

var shapes = []shape{
	{"NN (100x784)(784x500)", false, false, 100, 500, 784},
	{"NT (100x500)(784x500)^T", false, true, 100, 784, 500},
	{"TN (100x784)^T(100x500)", true, false, 784, 500, 100},
	{"NN 2048^3", false, false, 2048, 2048, 2048},
}

func main() {
	rounds := flag.Int("rounds", 11, "number of `rounds`; the table shows medians")
	threads := flag.Int("threads", 2, "threads for both Go and OpenBLAS")
	python := flag.String("python", "/usr/bin/python3", "Python with numpy (Debian's python3-numpy)")
	flag.DurationVar(&settle, "settle", settle, "pause before each timed batch, for the other side's idle threads to sleep")
	flag.Parse()
	if err := run(os.Stdout, *rounds, *threads, *python); err != nil {
		fmt.Fprintln(os.Stderr, "gemm:", err)
		os.Exit(1)
	}
}

// numpyProc is the Python helper answering timing requests over a pipe.
type numpyProc struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Scanner
	info string
}

func startNumpy(python string, threads int) (*numpyProc, error) {
	cmd := exec.Command(python, "-c", numpyScript)
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "OPENBLAS_") || strings.HasPrefix(kv, "OMP_NUM_THREADS=") {
			continue
		}
		env = append(env, kv)
	}
	cmd.Env = append(env, "OPENBLAS_NUM_THREADS="+strconv.Itoa(threads), "OMP_NUM_THREADS="+strconv.Itoa(threads))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %v (install numpy with: apt-get install python3-numpy)", python, err)
	}
	p := &numpyProc{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	line, err := p.line()
	if err != nil {
		return nil, err
	}
	if msg, ok := strings.CutPrefix(line, "ERROR "); ok {
		return nil, fmt.Errorf("%s", msg)
	}
	p.info = strings.TrimPrefix(line, "INFO ")
	return p, nil
}

func (p *numpyProc) line() (string, error) {
	if !p.out.Scan() {
		if err := p.out.Err(); err != nil {
			return "", err
		}
		return "", fmt.Errorf("numpy helper exited (is numpy installed? apt-get install python3-numpy)")
	}
	return p.out.Text(), nil
}

// time returns numpy's seconds per product over a batch of reps.
func (p *numpyProc) time(s shape, reps int) (float64, error) {
	time.Sleep(settle)
	b2i := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	fmt.Fprintf(p.in, "x %d %d %d %d %d %d\n", b2i(s.transA), b2i(s.transB), s.m, s.n, s.k, reps)
	line, err := p.line()
	if err != nil {
		return 0, err
	}
	return strconv.ParseFloat(line, 64)
}

func (p *numpyProc) close() {
	p.in.Close()
	p.cmd.Wait()
}

// goCase holds the matrices for timing mat32.Gemm on one shape.
type goCase struct {
	s       shape
	a, b, c *mat32.Dense
}

func newGoCase(s shape) *goCase {
	ar, ac := s.m, s.k
	if s.transA {
		ar, ac = ac, ar
	}
	br, bc := s.k, s.n
	if s.transB {
		br, bc = bc, br
	}
	g := &goCase{s: s, a: mat32.NewDense(ar, ac, nil), b: mat32.NewDense(br, bc, nil), c: mat32.NewDense(s.m, s.n, nil)}
	for i, d := range [][]float32{g.a.Data, g.b.Data} {
		for j := range d {
			d[j] = float32((j*7+i*3)%13)/13 - 0.5
		}
	}
	g.time(1)
	return g
}

func (g *goCase) time(reps int) float64 {
	time.Sleep(settle)
	t0 := time.Now()
	for range reps {
		mat32.Gemm(g.s.transA, g.s.transB, 1, g.a, g.b, 0, g.c)
	}
	return time.Since(t0).Seconds() / float64(reps)
}

func (s shape) flops() float64 { return 2 * float64(s.m) * float64(s.n) * float64(s.k) }

func run(w io.Writer, rounds, threads int, python string) error {
	runtime.GOMAXPROCS(threads)
	np, err := startNumpy(python, threads)
	if err != nil {
		return err
	}
	defer np.close()

	kernel := "pure Go"
	switch {
	case cpu.X86.HasAVX512F:
		kernel = "AVX-512"
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		kernel = "AVX2+FMA"
	}
	fmt.Fprintf(w, "CPU: %s, %d logical CPUs\n", cpuModel(), runtime.NumCPU())
	fmt.Fprintf(w, "Go: %s %s/%s, GOMAXPROCS=%d, mat32.Gemm micro-kernel %s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, threads, kernel)
	fmt.Fprintf(w, "numpy: %s\n", np.info)
	fmt.Fprintf(w, "numpy env: OPENBLAS_NUM_THREADS=%d, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset\n", threads)
	fmt.Fprintf(w, "%d rounds, median seconds per product; load average before: %s\n\n", rounds, loadAvg())

	cases := make([]*goCase, len(shapes))
	reps := make([]int, len(shapes))
	ours := make([][]float64, len(shapes))
	theirs := make([][]float64, len(shapes))
	for i, s := range shapes {
		cases[i] = newGoCase(s)
		reps[i] = max(2, int(2e9/s.flops()))
		if _, err := np.time(s, 1); err != nil { // warm up
			return err
		}
	}
	for r := range rounds {
		for i, s := range shapes {
			// Alternate which goes first, so neither always runs on a
			// CPU the other has just warmed or left busy.
			if r%2 == 0 {
				ours[i] = append(ours[i], cases[i].time(reps[i]))
			}
			t, err := np.time(s, reps[i])
			if err != nil {
				return err
			}
			theirs[i] = append(theirs[i], t)
			if r%2 == 1 {
				ours[i] = append(ours[i], cases[i].time(reps[i]))
			}
		}
	}
	fmt.Fprintf(w, "| shape (m x n x k) | product | belief GFLOP/s | OpenBLAS GFLOP/s | ratio | belief best | OpenBLAS best | ratio of bests |\n")
	fmt.Fprintf(w, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for i, s := range shapes {
		g := s.flops() / median(ours[i]) / 1e9
		o := s.flops() / median(theirs[i]) / 1e9
		gb := s.flops() / slices.Min(ours[i]) / 1e9
		ob := s.flops() / slices.Min(theirs[i]) / 1e9
		fmt.Fprintf(w, "| %dx%dx%d | %s | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f |\n", s.m, s.n, s.k, s.name, g, o, g/o, gb, ob, gb/ob)
	}
	fmt.Fprintf(w, "\nload average after: %s (other work on the machine slows both sides)\n", loadAvg())
	return nil
}

// loadAvg returns the 1, 5 and 15 minute load averages, or "unknown".
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

func median(x []float64) float64 {
	y := slices.Clone(x)
	slices.Sort(y)
	if len(y)%2 == 1 {
		return y[len(y)/2]
	}
	return (y[len(y)/2-1] + y[len(y)/2]) / 2
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
		}
	}
	return runtime.GOARCH
}
