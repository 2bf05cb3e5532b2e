package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/belief-ml/belief/modelfile"
)

// writeBAS writes the 32 bars-and-stripes images of 4x4 pixels (16 with
// repeated rows, 16 with repeated columns), repeated reps times, as a CSV
// file with cols columns of each row (16 for the real thing) and returns
// its path.
func writeBAS(t *testing.T, dir string, reps, cols int) string {
	t.Helper()
	var b strings.Builder
	for r := 0; r < reps; r++ {
		for code := 0; code < 32; code++ {
			bits, cells := code&15, make([]string, 0, 16)
			for i := 0; i < 4; i++ {
				for j := 0; j < 4; j++ {
					k := j // stripes: column j
					if code >= 16 {
						k = i // bars: row i
					}
					cells = append(cells, fmt.Sprint(bits>>k&1))
				}
			}
			b.WriteString(strings.Join(cells[:cols], ",") + "\n")
		}
	}
	path := filepath.Join(dir, fmt.Sprintf("bas%d.csv", cols))
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// runCmd runs belief with args and returns its exit status, standard
// output and standard error.
func runCmd(args ...string) (int, string, string) {
	var out, errw bytes.Buffer
	code := run(args, &out, &errw)
	return code, out.String(), errw.String()
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := runCmd(args...)
	if code != 0 {
		t.Fatalf("belief %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

func mustFail(t *testing.T, want string, args ...string) {
	t.Helper()
	code, out, errs := runCmd(args...)
	if code == 0 {
		t.Fatalf("belief %s succeeded, want an error containing %q\nstdout:\n%s", strings.Join(args, " "), want, out)
	}
	if !strings.Contains(errs, want) {
		t.Errorf("belief %s: stderr\n%s\nwant it to contain %q", strings.Join(args, " "), errs, want)
	}
	if strings.Contains(errs, "panic") || strings.Contains(errs, "goroutine") {
		t.Errorf("belief %s panicked:\n%s", strings.Join(args, " "), errs)
	}
}

func checkPNG(t *testing.T, path string, minW, minH int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if b := img.Bounds(); b.Dx() < minW || b.Dy() < minH {
		t.Errorf("%s is %dx%d, want at least %dx%d", path, b.Dx(), b.Dy(), minW, minH)
	}
}

// Train, show, sample, export, import and evaluate a small RBM on bars and
// stripes, checking each output.
func TestRBMEndToEnd(t *testing.T) {
	dir := t.TempDir()
	data := writeBAS(t, dir, 4, 16)
	model := filepath.Join(dir, "m.rbm")
	out := mustRun(t, "train", "rbm", "-data", data, "-hidden", "8", "-epochs", "4", "-batch", "16", "-lr", "0.2", "-method", "pcd", "-o", model)
	if n := strings.Count(out, "\nepoch "); n != 4 {
		t.Errorf("train printed %d epoch lines, want 4:\n%s", n, out)
	}
	if !strings.Contains(out, " ll ") || !strings.Contains(out, "logZ") {
		t.Errorf("train output lacks the exact log-likelihood of a 16x8 model:\n%s", out)
	}
	m, err := loadRBM(model)
	if err != nil {
		t.Fatal(err)
	}
	if nv, nh := m.RBM.Dims(); nv != 16 || nh != 8 || m.State == nil || m.State.Epoch != 4 || len(m.History) != 4 {
		t.Fatalf("model file: %dx%d, state %v, %d history records", nv, nh, m.State != nil, len(m.History))
	}

	// show: 8 filters of 4x4 at scale 2 in a 3x3 grid, and the curves.
	filters := filepath.Join(dir, "filters.png")
	out = mustRun(t, "show", "-model", model, "-o", filters)
	if !strings.Contains(out, "16 visible") || !strings.Contains(out, "epochs trained: 4") {
		t.Errorf("show output:\n%s", out)
	}
	checkPNG(t, filters, 3*8, 3*8)
	checkPNG(t, filepath.Join(dir, "filters-curves.png"), 300, 200)

	// sample: 5 chains, a frame every 10 of 30 steps: 4 frames.
	samples := filepath.Join(dir, "samples.png")
	out = mustRun(t, "sample", "-model", model, "-n", "5", "-steps", "30", "-every", "10", "-o", samples)
	if !strings.Contains(out, "(4 frames)") {
		t.Errorf("sample output: %s", out)
	}
	checkPNG(t, samples, 4*4, 5*4)
	mustRun(t, "sample", "-model", model, "-n", "3", "-steps", "5", "-from", "data", "-data", data, "-o", samples)

	// export, import: the same parameters.
	npz := filepath.Join(dir, "m.npz")
	mustRun(t, "export", "-model", model, "-o", npz)
	arrays, err := modelfile.ReadNPZ(npz)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range arrays {
		names = append(names, a.Name)
	}
	if !slices.Equal(names, []string{"W", "vbias", "hbias"}) {
		t.Errorf("export wrote arrays %v, want W, vbias, hbias", names)
	}
	model2 := filepath.Join(dir, "m2.rbm")
	mustRun(t, "import", npz, "-o", model2, "-width", "4", "-height", "4")
	m2, err := loadRBM(model2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m2.RBM.W.Data, m.RBM.W.Data) || !slices.Equal(m2.RBM.VBias, m.RBM.VBias) || !slices.Equal(m2.RBM.HBias, m.RBM.HBias) || m2.Width != 4 {
		t.Errorf("imported model differs from the exported one")
	}

	// eval -json: the exact log Z of the model, and LL = -mean F - log Z.
	out = mustRun(t, "eval", "-model", model2, "-data", data, "-train-data", data, "-json")
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("eval -json printed %q: %v", out, err)
	}
	for _, k := range []string{"logZ", "test_ll", "train_ll"} {
		if _, ok := res[k].(float64); !ok {
			t.Errorf("eval -json: %s = %v, want a number", k, res[k])
		}
	}
	lz, err := m.RBM.LogZExact()
	if err != nil {
		t.Fatal(err)
	}
	if res["logZ"] != lz {
		t.Errorf("eval logZ = %v, rbm.LogZExact = %v", res["logZ"], lz)
	}
	set, x, err := modelData(&dataFlags{spec: data, split: "train", csvHeader: "auto", csvLabel: noLabelColumn}, 0, m)
	if err != nil {
		t.Fatal(err)
	}
	ll, err := m.RBM.LogLikelihoodExact(x)
	if err != nil {
		t.Fatal(err)
	}
	if got := res["test_ll"].(float64); math.Abs(got-ll) > 1e-9*math.Abs(ll) {
		t.Errorf("eval test_ll = %v, rbm.LogLikelihoodExact of %s = %v", got, set.Name, ll)
	}
	out = mustRun(t, "eval", "-model", model, "-data", data, "-exact")
	if !strings.Contains(out, "log Z = ") || !strings.Contains(out, "train log-likelihood: ") {
		t.Errorf("eval output:\n%s", out)
	}
}

// Training interrupted and resumed, or run in two parts with -resume,
// gives bit for bit the model of one uninterrupted run.
func TestRBMResume(t *testing.T) {
	dir := t.TempDir()
	data := writeBAS(t, dir, 3, 16)
	for _, method := range []string{"cd", "pcd", "pt"} {
		args := func(out string, epochs int) []string {
			return []string{"train", "rbm", "-data", data, "-hidden", "6", "-epochs", fmt.Sprint(epochs), "-batch", "20", "-chains", "10",
				"-temps", "1,0.6,0.3", "-method", method, "-sparsity", "0.1", "-momentum-epochs", "2", "-workers", "2", "-o", out}
		}
		whole := filepath.Join(dir, method+"-whole.rbm")
		mustRun(t, args(whole, 4)...)

		parts := filepath.Join(dir, method+"-parts.rbm")
		mustRun(t, args(parts, 1)...)
		mustRun(t, "train", "rbm", "-resume", "-o", parts, "-epochs", "4")

		// An interrupt after epoch 2 stops with a checkpoint and a hint.
		stopped := filepath.Join(dir, method+"-stopped.rbm")
		testEpochHook = func(epoch int) {
			if epoch == 2 {
				interrupted.Store(true)
			}
		}
		code, _, errs := runCmd(args(stopped, 4)...)
		testEpochHook = nil
		if code == 0 || !strings.Contains(errs, "interrupted after epoch 2 of 4") || !strings.Contains(errs, "-resume -o "+stopped) {
			t.Fatalf("%s: interrupted run: exit %d, stderr %q", method, code, errs)
		}
		mustRun(t, "train", "rbm", "-resume", "-o", stopped)

		a, err := loadRBM(whole)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{parts, stopped} {
			b, err := loadRBM(path)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a.RBM.W.Data, b.RBM.W.Data) || !slices.Equal(a.RBM.VBias, b.RBM.VBias) || !slices.Equal(a.RBM.HBias, b.RBM.HBias) {
				t.Errorf("%s: %s differs from uninterrupted training", method, filepath.Base(path))
			}
			if len(b.History) != 4 || b.State.Epoch != 4 {
				t.Errorf("%s: %s has %d history records, state epoch %d; want 4", method, filepath.Base(path), len(b.History), b.State.Epoch)
			}
		}
	}
}

// Bad input gives a clear error, never a panic.
func TestRBMErrors(t *testing.T) {
	dir := t.TempDir()
	data := writeBAS(t, dir, 1, 16)
	narrow := writeBAS(t, dir, 1, 15)
	model := filepath.Join(dir, "m.rbm")
	mustRun(t, "train", "rbm", "-data", data, "-hidden", "4", "-epochs", "1", "-o", model)

	sbn := filepath.Join(dir, "sbn.model")
	if err := modelfile.Write(sbn, &modelfile.File{Kind: "sbn"}); err != nil {
		t.Fatal(err)
	}
	notBinary := filepath.Join(dir, "two.csv")
	if err := os.WriteFile(notBinary, []byte(strings.Repeat("0,", 15)+"2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	nanNPZ := filepath.Join(dir, "nan.npz")
	if err := modelfile.WriteNPZ(nanNPZ, []modelfile.Array{
		{Name: "W", Shape: []int{2, 1}, Data: []float32{0, float32(math.NaN())}},
		{Name: "vbias", Shape: []int{2}, Data: []float32{0, 0}},
		{Name: "hbias", Shape: []int{1}, Data: []float32{0}},
	}); err != nil {
		t.Fatal(err)
	}
	shortNPZ := filepath.Join(dir, "short.npz")
	if err := modelfile.WriteNPZ(shortNPZ, []modelfile.Array{
		{Name: "W", Shape: []int{2, 1}, Data: []float32{0, 1}},
		{Name: "vbias", Shape: []int{3}, Data: []float32{0, 0, 0}},
		{Name: "hbias", Shape: []int{1}, Data: []float32{0}},
	}); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.rbm")
	for _, c := range []struct {
		want string
		args []string
	}{
		{"does not exist", []string{"show", "-model", missing}},
		{"does not exist", []string{"sample", "-model", missing}},
		{"does not exist", []string{"eval", "-model", missing, "-data", data}},
		{"does not exist", []string{"train", "rbm", "-resume", "-o", missing, "-data", data}},
		{"a sigmoid belief net needs biases b0", []string{"export", "-model", sbn}},
		{`holds a "sbn" model, not an RBM`, []string{"unroll", "-model", sbn}},
		{"data has 15 columns, model has 16 visible units", []string{"eval", "-model", model, "-data", narrow}},
		{"data has 15 columns, model has 16 visible units", []string{"sample", "-model", model, "-from", "data", "-data", narrow}},
		{"row 1, column 16: value 2", []string{"train", "rbm", "-data", notBinary, "-hidden", "2"}},
		{"non-finite value NaN", []string{"import", nanNPZ}},
		{"vbias", []string{"import", shortNPZ}},
		{`unknown model "foo"`, []string{"train", "foo"}},
		{"which model?", []string{"train"}},
		{"-method must be cd, pcd or pt", []string{"train", "rbm", "-data", data, "-method", "xx"}},
		{"-temps must decrease", []string{"train", "rbm", "-data", data, "-method", "pt", "-temps", "1,0.5,0.7"}},
		{"-temps must start at inverse temperature 1", []string{"train", "rbm", "-data", data, "-method", "pt", "-temps", "0.9,0.5"}},
		{"flag provided but not defined: -nosuch", []string{"train", "rbm", "-nosuch"}},
		{"-hidden 5 differs from the value \"4\"", []string{"train", "rbm", "-resume", "-o", model, "-hidden", "5", "-epochs", "3"}},
		{"has no label units", []string{"sample", "-model", model, "-label", "3"}},
		{"has no labels", []string{"train", "rbm", "-data", data, "-labels"}},
	} {
		mustFail(t, c.want, c.args...)
	}
	out := mustRun(t, "train", "rbm", "-resume", "-o", model, "-epochs", "1")
	if !strings.Contains(out, "nothing to do") {
		t.Errorf("resume of a finished model: %q", out)
	}
}

// A labelled model: label units form the last softmax group, and sampling
// can clamp them.
func TestRBMLabels(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lab.csv")
	var b strings.Builder
	for i := 0; i < 40; i++ {
		c := i % 2 // class 0: left half on, class 1: right half on
		fmt.Fprintf(&b, "%d,%d,%d,%d,%d\n", 1-c, 1-c, c, c, c)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "lab.rbm")
	mustRun(t, "train", "rbm", "-data", path, "-csv-label", "-1", "-labels", "-hidden", "3", "-epochs", "2", "-batch", "10", "-o", model)
	m, err := loadRBM(model)
	if err != nil {
		t.Fatal(err)
	}
	if nv, _ := m.RBM.Dims(); nv != 6 || m.Labels != 2 || len(m.RBM.Softmax) != 1 || m.RBM.Softmax[0].Start != 4 {
		t.Fatalf("labelled model: nv %d, labels %d, softmax %v", nv, m.Labels, m.RBM.Softmax)
	}
	mustRun(t, "sample", "-model", model, "-n", "4", "-steps", "3", "-label", "1", "-o", filepath.Join(dir, "s.png"))
	mustRun(t, "eval", "-model", model, "-data", path, "-csv-label", "-1")
	npz := filepath.Join(dir, "lab.npz")
	mustRun(t, "export", "-model", model, "-o", npz)
	mustRun(t, "import", npz, "-o", filepath.Join(dir, "lab2.rbm"), "-labels", "2")
	m2, err := loadRBM(filepath.Join(dir, "lab2.rbm"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m2.RBM.Softmax, m.RBM.Softmax) || m2.Labels != 2 {
		t.Errorf("imported labelled model: softmax %v, labels %d", m2.RBM.Softmax, m2.Labels)
	}
}

// -h works on every command and every model of train, and prints usage.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{
		{"train", "-h"}, {"train", "rbm", "-h"}, {"sample", "-h"}, {"show", "-h"},
		{"export", "-h"}, {"import", "-h"}, {"eval", "-h"},
	} {
		code, out, errs := runCmd(args...)
		if code != 0 || !strings.Contains(out+errs, "usage: belief "+args[0]) {
			t.Errorf("belief %s: exit %d, output %q", strings.Join(args, " "), code, out+errs)
		}
	}
	_, out, errs := runCmd("train", "-h")
	if !strings.Contains(out+errs, "rbm ") {
		t.Errorf("train -h does not list the rbm model: %s", out+errs)
	}
}

// Gaussian visible units: train, export (with sigma), import, evaluate.
func TestRBMGaussian(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "g.csv")
	var b strings.Builder
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&b, "%g,%g,%g\n", float64(i%7)-3, float64(i%5)*0.5, float64(i%3))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "g.rbm")
	mustRun(t, "train", "rbm", "-data", path, "-visible", "gaussian", "-hidden", "4", "-epochs", "2", "-batch", "10", "-o", model)
	npz := filepath.Join(dir, "g.npz")
	mustRun(t, "export", "-model", model, "-o", npz)
	arrays, err := modelfile.ReadNPZ(npz)
	if err != nil {
		t.Fatal(err)
	}
	if len(arrays) != 4 || arrays[3].Name != "sigma" {
		t.Errorf("Gaussian export: %d arrays, want W, vbias, hbias, sigma", len(arrays))
	}
	mustRun(t, "import", npz, "-o", filepath.Join(dir, "g2.rbm"))
	m2, err := loadRBM(filepath.Join(dir, "g2.rbm"))
	if err != nil {
		t.Fatal(err)
	}
	if unitsName(m2.RBM.Visible) != "gaussian" {
		t.Errorf("imported model has %s units", unitsName(m2.RBM.Visible))
	}
	out := mustRun(t, "eval", "-model", model, "-data", path, "-json")
	if !strings.Contains(out, `"logZ":`) {
		t.Errorf("eval: %s", out)
	}
	mustRun(t, "sample", "-model", model, "-n", "2", "-steps", "2", "-o", filepath.Join(dir, "s.png"))
}

// AIS: on a model too large to enumerate, eval estimates log Z; -exact
// refuses. With zero weights and biases log Z = (nv + nh) log 2 exactly.
func TestEvalAIS(t *testing.T) {
	dir := t.TempDir()
	const nv, nh = 30, 30
	npz := filepath.Join(dir, "zero.npz")
	if err := modelfile.WriteNPZ(npz, []modelfile.Array{
		{Name: "W", Shape: []int{nv, nh}, Data: make([]float32, nv*nh)},
		{Name: "vbias", Shape: []int{nv}, Data: make([]float32, nv)},
		{Name: "hbias", Shape: []int{nh}, Data: make([]float32, nh)},
	}); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "zero.rbm")
	mustRun(t, "import", npz, "-o", model)
	data := filepath.Join(dir, "d.csv")
	var b strings.Builder
	for i := 0; i < 20; i++ {
		for j := 0; j < nv; j++ {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprint(&b, (i*7+j*3)%5/3)
		}
		b.WriteString("\n")
	}
	if err := os.WriteFile(data, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	mustFail(t, "model too large for exact log Z (2^30 states", "eval", "-model", model, "-data", data, "-exact")
	out := mustRun(t, "eval", "-model", model, "-data", data, "-ais-runs", "50", "-ais-betas", "300", "-raise-rows", "4", "-json")
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("eval -json printed %q: %v", out, err)
	}
	for _, k := range []string{"logZ", "logZ_low", "logZ_high", "test_ll", "test_ll_conservative", "test_ll_raise"} {
		if _, ok := res[k].(float64); !ok {
			t.Errorf("eval -json: %s = %v, want a number", k, res[k])
		}
	}
	// The estimate is within the +-3 standard error interval's width of
	// the truth, and LL = -F - log Z (F = -nh log 2 for every row).
	want := (nv + nh) * math.Ln2
	lz, lo, hi := res["logZ"].(float64), res["logZ_low"].(float64), res["logZ_high"].(float64)
	if !(lo <= lz && lz <= hi) || math.Abs(lz-want) > hi-lo {
		t.Errorf("AIS log Z of the zero model = %v [%v, %v], want %v", lz, lo, hi, want)
	}
	if ll := res["test_ll"].(float64); math.Abs(ll-(nh*math.Ln2-lz)) > 1e-6 {
		t.Errorf("AIS test_ll = %v, want -F - log Z = %v", ll, nh*math.Ln2-lz)
	}
}
