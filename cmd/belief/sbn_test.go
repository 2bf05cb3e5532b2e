package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/belief-ml/belief/modelfile"
)

// Train a small belief net on bars and stripes, then show, sample, export
// and evaluate it, checking each output against what the math says.
func TestSBNEndToEnd(t *testing.T) {
	dir := t.TempDir()
	data := writeBAS(t, dir, 4, 16)
	model := filepath.Join(dir, "m.sbn")
	out := mustRun(t, "train", "sbn", "-data", data, "-layers", "4,3", "-k", "5", "-epochs", "3", "-batch", "16", "-lr", "0.01", "-monitor-k", "20", "-o", model)
	if n := strings.Count(out, "\nepoch "); n != 3 {
		t.Errorf("train printed %d epoch lines, want 3:\n%s", n, out)
	}
	if !strings.Contains(out, " exact ") || !strings.Contains(out, " bound1 ") || !strings.Contains(out, "16-4-3") {
		t.Errorf("train output lacks the exact log-likelihood or the bound of a 16-4-3 net:\n%s", out)
	}
	m, err := loadSBN(model)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Net.Sizes(), []int{16, 4, 3}) || m.State == nil || m.State.Epoch != 3 || len(m.History) != 3 {
		t.Fatalf("model file: layers %v, state %v, %d history records", m.Net.Sizes(), m.State != nil, len(m.History))
	}

	// export: the arrays documented in "belief export -h", with their shapes.
	npz := filepath.Join(dir, "m.npz")
	mustRun(t, "export", "-model", model, "-o", npz)
	arrays, err := modelfile.ReadNPZ(npz)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{
		"W0": {4, 16}, "W1": {3, 4}, "b0": {16}, "b1": {4}, "b2": {3},
		"R0": {16, 4}, "R1": {4, 3}, "c1": {4}, "c2": {3},
	}
	if len(arrays) != len(want) {
		t.Errorf("export wrote %d arrays, want %d", len(arrays), len(want))
	}
	for _, a := range arrays {
		if w, ok := want[a.Name]; !ok || !slices.Equal(a.Shape, w) {
			t.Errorf("export: array %s has shape %v, want %v", a.Name, a.Shape, w)
		}
	}
	for _, a := range arrays {
		if a.Name == "W1" && !slices.Equal(a.Data, m.Net.Layers[1].W.Data) {
			t.Errorf("exported W1 differs from the model's")
		}
	}

	// eval -json: the IS estimate is below the exact value in expectation
	// (Jensen) and above the K = 1 bound.
	out = mustRun(t, "eval", "-model", model, "-data", data, "-k", "200", "-json")
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("eval -json printed %q: %v", out, err)
	}
	for _, k := range []string{"test_ll", "test_ll_stderr", "test_bound", "k", "rows", "test_ll_exact"} {
		if _, ok := res[k].(float64); !ok {
			t.Errorf("eval -json: %s = %v, want a number", k, res[k])
		}
	}
	ll, se, bound, exact := res["test_ll"].(float64), res["test_ll_stderr"].(float64), res["test_bound"].(float64), res["test_ll_exact"].(float64)
	if res["k"] != 200.0 || res["rows"] != 128.0 {
		t.Errorf("eval: k %v, rows %v; want 200, 128", res["k"], res["rows"])
	}
	df := dataFlags{spec: data, split: "train", csvHeader: "auto", csvLabel: noLabelColumn}
	set, err := openRows(&df, 0)
	if err != nil {
		t.Fatal(err)
	}
	want64, err := m.Net.LogLikelihoodExact(set.X)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(exact-want64) > 1e-9*math.Abs(want64) {
		t.Errorf("eval test_ll_exact = %v, LogLikelihoodExact = %v", exact, want64)
	}
	if !(se > 0) || ll > exact+4*se || bound > ll+4*se {
		t.Errorf("eval: bound %v, IS estimate %v ± %v, exact %v: want bound <= IS <= exact within 4 standard errors", bound, ll, se, exact)
	}
	out = mustRun(t, "eval", "-model", model, "-data", data, "-k", "10", "-rows", "50")
	if !strings.Contains(out, "K = 10, 50 rows") || !strings.Contains(out, "exact:") {
		t.Errorf("eval output:\n%s", out)
	}

	// sample: 6 images of 4x4 at scale 2 in a 3x2 grid.
	samples := filepath.Join(dir, "s.png")
	mustRun(t, "sample", "-model", model, "-n", "6", "-o", samples)
	checkPNG(t, samples, 3*8+2, 2*8+1)

	// show: 4 filters (rows of W0) and the curves.
	filters := filepath.Join(dir, "f.png")
	out = mustRun(t, "show", "-model", model, "-o", filters)
	if !strings.Contains(out, "layers 16-4-3") || !strings.Contains(out, "epochs trained: 3") {
		t.Errorf("show output:\n%s", out)
	}
	checkPNG(t, filters, 2*8+1, 2*8+1)
	checkPNG(t, filepath.Join(dir, "f-curves.png"), 300, 200)
}

// Training interrupted and resumed, or run in two parts with -resume,
// gives bit for bit the nets of one uninterrupted run.
func TestSBNResume(t *testing.T) {
	dir := t.TempDir()
	data := writeBAS(t, dir, 2, 16)
	for _, method := range []string{"ws", "rws"} {
		args := func(out string, epochs int) []string {
			return []string{"train", "sbn", "-data", data, "-layers", "5,3", "-method", method, "-epochs", fmt.Sprint(epochs),
				"-batch", "10", "-lr", "0.01", "-workers", "2", "-monitor-k", "5", "-o", out}
		}
		whole := filepath.Join(dir, method+"-whole.sbn")
		mustRun(t, args(whole, 4)...)
		parts := filepath.Join(dir, method+"-parts.sbn")
		mustRun(t, args(parts, 1)...)
		mustRun(t, "train", "sbn", "-resume", "-o", parts, "-epochs", "4")

		stopped := filepath.Join(dir, method+"-stopped.sbn")
		testEpochHook = func(epoch int) {
			if epoch == 2 {
				interrupted.Store(true)
			}
		}
		code, _, errs := runCmd(args(stopped, 4)...)
		testEpochHook = nil
		if code == 0 || !strings.Contains(errs, "interrupted after epoch 2 of 4") || !strings.Contains(errs, "belief train sbn -resume -o "+stopped) {
			t.Fatalf("%s: interrupted run: exit %d, stderr %q", method, code, errs)
		}
		mustRun(t, "train", "sbn", "-resume", "-o", stopped)

		a, err := loadSBN(whole)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{parts, stopped} {
			b, err := loadSBN(path)
			if err != nil {
				t.Fatal(err)
			}
			for i, x := range sbnArrays(a.Net, a.Rec) {
				if y := sbnArrays(b.Net, b.Rec)[i]; !slices.Equal(x.Data, y.Data) {
					t.Errorf("%s: %s: %s differs from uninterrupted training", method, filepath.Base(path), x.Name)
				}
			}
			if len(b.History) != 4 || b.State.Epoch != 4 {
				t.Errorf("%s: %s has %d history records, state epoch %d; want 4", method, filepath.Base(path), len(b.History), b.State.Epoch)
			}
		}
	}
}

// The exact curve of a random 8x6 RBM: the KL divergence of the depth-K net
// from the RBM falls (separately along odd and even depths, whose tops
// differ) to below 1e-6 at the default depth, while untying the weights
// leaves the posterior dependent.
func TestUnrollRandom(t *testing.T) {
	out := mustRun(t, "unroll", "-random", "8x6", "-scale", "0.7", "-json")
	var pts []struct {
		Depth  int     `json:"depth"`
		KL     float64 `json:"kl"`
		Tied   float64 `json:"tied_dependence"`
		Untied float64 `json:"untied_dependence"`
	}
	if err := json.Unmarshal([]byte(out), &pts); err != nil {
		t.Fatalf("unroll -json printed %q: %v", out, err)
	}
	if len(pts) != 20 {
		t.Fatalf("unroll -json: %d depths, want the default 20", len(pts))
	}
	for i, p := range pts {
		if p.Depth != i+1 {
			t.Errorf("point %d has depth %d", i, p.Depth)
		}
		if i >= 2 && !(p.KL < pts[i-2].KL) {
			t.Errorf("KL at depth %d = %g, not below depth %d's %g", p.Depth, p.KL, p.Depth-2, pts[i-2].KL)
		}
		if !(p.Untied > 1e-3) {
			t.Errorf("untied dependence at depth %d = %g, want > 1e-3", p.Depth, p.Untied)
		}
	}
	if last := pts[19]; !(last.KL < 1e-6) || !(last.Tied < 1e-6) {
		t.Errorf("depth 20: KL %g, tied dependence %g; want both < 1e-6", last.KL, last.Tied)
	}
	out = mustRun(t, "unroll", "-random", "8x6", "-depth", "5", "-top", "uniform")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 7 || !strings.Contains(lines[1], "untied") {
		t.Errorf("unroll table:\n%s", out)
	}
}

// An MNIST-size RBM (784x20, trained on a generated CSV) is sampled at each
// depth and drawn: one column per depth.
func TestUnrollLarge(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 0; i < 40; i++ {
		for j := 0; j < 784; j++ {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprint(&b, (i*31+j*17)%7/4)
		}
		b.WriteString("\n")
	}
	data := filepath.Join(dir, "big.csv")
	if err := os.WriteFile(data, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "big.rbm")
	mustRun(t, "train", "rbm", "-data", data, "-hidden", "20", "-epochs", "1", "-batch", "20", "-o", model)
	png := filepath.Join(dir, "u.png")
	out := mustRun(t, "unroll", "-model", model, "-depth", "6", "-n", "20", "-draw", "4", "-o", png)
	n := 0
	for _, line := range strings.Split(out, "\n") {
		var d int
		var f, se float64
		if k, _ := fmt.Sscanf(line, "%d %f ± %f", &d, &f, &se); k == 3 && d == n+1 {
			n++
		}
	}
	if n != 6 {
		t.Errorf("unroll printed %d free energies, want 6:\n%s", n, out)
	}
	checkPNG(t, png, 6*56+5, 4*56+3)
	mustFail(t, "-json prints the exact curve", "unroll", "-model", model, "-json")
}

// Bad input gives a clear error, never a panic.
func TestSBNErrors(t *testing.T) {
	dir := t.TempDir()
	data := writeBAS(t, dir, 1, 16)
	narrow := writeBAS(t, dir, 1, 15)
	model := filepath.Join(dir, "m.sbn")
	mustRun(t, "train", "sbn", "-data", data, "-layers", "3", "-epochs", "1", "-o", model)
	rbmModel := filepath.Join(dir, "m.rbm")
	mustRun(t, "train", "rbm", "-data", data, "-hidden", "3", "-epochs", "1", "-o", rbmModel)
	for _, c := range []struct {
		want string
		args []string
	}{
		{"-method ws uses one sample", []string{"train", "sbn", "-data", data, "-method", "ws", "-k", "5"}},
		{"-method must be ws or rws", []string{"train", "sbn", "-data", data, "-method", "cd"}},
		{"-layers \"3,x\"", []string{"train", "sbn", "-data", data, "-layers", "3,x"}},
		{"-layers 4 differs from the value \"3\"", []string{"train", "sbn", "-resume", "-o", model, "-layers", "4", "-epochs", "2"}},
		{"not a sigmoid belief net", []string{"train", "sbn", "-resume", "-o", rbmModel}},
		{"data has 15 columns, model has 16 visible units", []string{"eval", "-model", model, "-data", narrow}},
		{"-steps: ", []string{"sample", "-model", model, "-steps", "10"}},
		{"-ais-runs: ", []string{"eval", "-model", model, "-data", data, "-ais-runs", "10"}},
		{"-k applies to sigmoid belief nets", []string{"eval", "-model", rbmModel, "-data", data, "-k", "10"}},
		{"give either -model FILE or -random", []string{"unroll"}},
		{"give either -model FILE or -random", []string{"unroll", "-model", rbmModel, "-random", "3x3"}},
		{"-random \"3y3\"", []string{"unroll", "-random", "3y3"}},
		{"-top must be bias or uniform", []string{"unroll", "-random", "3x3", "-top", "rbm"}},
		{`holds a "sbn" model, not an RBM`, []string{"unroll", "-model", model}},
	} {
		mustFail(t, c.want, c.args...)
	}
	out := mustRun(t, "train", "sbn", "-resume", "-o", model, "-epochs", "1")
	if !strings.Contains(out, "nothing to do") {
		t.Errorf("resume of a finished model: %q", out)
	}
	for _, args := range [][]string{{"train", "sbn", "-h"}, {"unroll", "-h"}} {
		code, out, errs := runCmd(args...)
		if code != 0 || !strings.Contains(out+errs, "usage: belief "+args[0]) {
			t.Errorf("belief %s: exit %d, output %q", strings.Join(args, " "), code, out+errs)
		}
	}
}
