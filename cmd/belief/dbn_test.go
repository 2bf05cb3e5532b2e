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

	"github.com/belief-ml/belief/dataset"
	"github.com/belief-ml/belief/dbn"
	"github.com/belief-ml/belief/modelfile"
	"github.com/belief-ml/belief/rng"
)

// writeLabelledBAS writes the 28 bars-and-stripes images of 4x4 pixels that
// are not blank or full, repeated reps times, as a CSV file whose last
// column is the class: 0 for stripes (repeated columns), 1 for bars
// (repeated rows).
func writeLabelledBAS(t *testing.T, dir string, reps int) string {
	t.Helper()
	var b strings.Builder
	for r := 0; r < reps; r++ {
		for code := 0; code < 32; code++ {
			bits := code & 15
			if bits == 0 || bits == 15 {
				continue
			}
			for i := 0; i < 4; i++ {
				for j := 0; j < 4; j++ {
					k := j
					if code >= 16 {
						k = i
					}
					fmt.Fprintf(&b, "%d,", bits>>k&1)
				}
			}
			fmt.Fprintf(&b, "%d\n", code>>4)
		}
	}
	path := filepath.Join(dir, "lbas.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func jsonMap(t *testing.T, out string) map[string]any {
	t.Helper()
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("-json printed %q: %v", out, err)
	}
	return res
}

func arrayNames(t *testing.T, path string) ([]string, map[string]modelfile.Array) {
	t.Helper()
	arrays, err := modelfile.ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	byName := map[string]modelfile.Array{}
	for _, a := range arrays {
		names = append(names, a.Name)
		byName[a.Name] = a
	}
	return names, byName
}

// Train a labelled DBN on bars and stripes, then sample, evaluate, show,
// export and fine-tune it, checking each output against the library.
func TestDBNEndToEnd(t *testing.T) {
	dir := t.TempDir()
	data := writeLabelledBAS(t, dir, 4)
	model := filepath.Join(dir, "m.dbn")
	out := mustRun(t, "train", "dbn", "-data", data, "-csv-label", "-1", "-valid", data, "-layers", "8,6", "-labels", "-epochs", "3,2", "-k", "1,3", "-batch", "8", "-lr", "0.1", "-o", model)
	if !strings.Contains(out, "cd-1,3") {
		t.Errorf("train dbn -k 1,3: the header does not name the per-layer steps:\n%s", out)
	}
	if n, m := strings.Count(out, "layer 1/2 epoch"), strings.Count(out, "layer 2/2 epoch"); n != 3 || m != 2 {
		t.Errorf("train printed %d layer-1 and %d layer-2 epoch lines, want 3 and 2:\n%s", n, m, out)
	}
	// the top layer's epochs report the held-out error of classification
	if n := strings.Count(out, "valid-error"); n != 2 {
		t.Errorf("train printed valid-error on %d lines, want the top layer's 2:\n%s", n, out)
	}
	md, err := loadDBN(model)
	if err != nil {
		t.Fatal(err)
	}
	d := md.DBN
	if got := layersString(dbnSizes(d)); got != "16,8,6" || d.Labels != 2 || !md.trained() || md.Layer != nil || len(md.History) != 5 {
		t.Fatalf("model file: layers %s, labels %d, trained %v, layer state %v, %d history records", got, d.Labels, md.trained(), md.Layer != nil, len(md.History))
	}

	// sample: a clamped class, and every class with frames.
	samples := filepath.Join(dir, "s.png")
	out = mustRun(t, "sample", "-model", model, "-label", "1", "-n", "6", "-steps", "20", "-o", samples)
	if !strings.Contains(out, "(class 1)") {
		t.Errorf("sample output: %s", out)
	}
	checkPNG(t, samples, 3*8, 2*8)
	out = mustRun(t, "sample", "-model", model, "-label", "all", "-n", "6", "-steps", "20", "-every", "5", "-o", samples)
	if !strings.Contains(out, "wrote 6 samples") || !strings.Contains(out, "(4 frames)") {
		t.Errorf("sample -label all output: %s", out)
	}
	checkPNG(t, samples, 4*8, 6*8)
	mustRun(t, "sample", "-model", model, "-n", "3", "-steps", "5", "-from", "data", "-data", data, "-csv-label", "-1", "-o", samples)

	// eval: the test error is the library's, and the sampled bound agrees
	// with the exact one within 4 standard errors (the top's log Z is exact).
	res := jsonMap(t, mustRun(t, "eval", "-model", model, "-data", data, "-csv-label", "-1", "-bound-samples", "100", "-json"))
	for _, k := range []string{"test_error", "test_bound", "test_bound_stderr", "logZ_top", "logZ_top_low", "logZ_top_high"} {
		if _, ok := res[k].(float64); !ok {
			t.Errorf("eval -json: %s = %v, want a number", k, res[k])
		}
	}
	set, err := dataset.Open(data, dataset.OpenOptions{Split: "train", CSV: dataset.CSVOptions{Labeled: true, LabelColumn: -1}})
	if err != nil {
		t.Fatal(err)
	}
	if want := d.ErrorRate(set.X, set.Labels); res["test_error"] != want {
		t.Errorf("eval test_error = %v, dbn.ErrorRate = %v", res["test_error"], want)
	}
	if last := md.History[len(md.History)-1]; float64(last.ValidError) != res["test_error"] {
		t.Errorf("the top layer's last held-out error %v, eval %v (the same data)", last.ValidError, res["test_error"])
	}
	resUp := jsonMap(t, mustRun(t, "eval", "-model", model, "-data", data, "-csv-label", "-1", "-bound-samples", "0", "-up-samples", "7", "-seed", "3", "-json"))
	if want := d.ErrorRateSampled(set.X, set.Labels, 7, rng.New(3+upSeedOffset)); resUp["test_error"] != want {
		t.Errorf("eval -up-samples 7: test_error = %v, dbn.ErrorRateSampled = %v", resUp["test_error"], want)
	}
	lz, err := d.Top().LogZExact()
	if err != nil {
		t.Fatal(err)
	}
	exact, err := dbn.BoundExact(d, set.X, lz)
	if err != nil {
		t.Fatal(err)
	}
	if got, se := res["test_bound"].(float64), res["test_bound_stderr"].(float64); math.Abs(got-exact) > 4*se+1e-9 {
		t.Errorf("eval test_bound = %v ± %v, exact bound %v", got, se, exact)
	}
	// The bound by AIS: log Z within its interval of the exact one.
	res = jsonMap(t, mustRun(t, "eval", "-model", model, "-data", data, "-csv-label", "-1", "-ais", "-ais-runs", "50", "-ais-betas", "2000", "-json"))
	if lo, hi := res["logZ_top_low"].(float64), res["logZ_top_high"].(float64); !(lo-0.05 <= lz && lz <= hi+0.05) {
		t.Errorf("AIS log Z of the top in [%v, %v], exact %v", lo, hi, lz)
	}
	out = mustRun(t, "eval", "-model", model, "-data", data, "-csv-label", "-1")
	if !strings.Contains(out, "test error: ") || !strings.Contains(out, "lower bound on log p(v)") {
		t.Errorf("eval output:\n%s", out)
	}

	// show: 8 filters of 4x4, and the curves.
	filters := filepath.Join(dir, "f.png")
	out = mustRun(t, "show", "-model", model, "-o", filters)
	if !strings.Contains(out, "16-8-6") || !strings.Contains(out, "layers trained: 2 of 2") {
		t.Errorf("show output:\n%s", out)
	}
	checkPNG(t, filters, 3*8, 3*8)
	checkPNG(t, filepath.Join(dir, "f-curves.png"), 300, 200)

	// export: the documented names, and the top RBM split as documented.
	npz := filepath.Join(dir, "m.npz")
	mustRun(t, "export", "-model", model, "-o", npz)
	names, arr := arrayNames(t, npz)
	if want := []string{"W0", "b0", "a0", "W1", "b1", "a1", "Wlabel", "blabel"}; !slices.Equal(names, want) {
		t.Errorf("export wrote %v, want %v", names, want)
	}
	top := d.Top()
	if !slices.Equal(append(slices.Clone(arr["W1"].Data), arr["Wlabel"].Data...), top.W.Data) ||
		!slices.Equal(append(slices.Clone(arr["a1"].Data), arr["blabel"].Data...), top.VBias) ||
		!slices.Equal(arr["W0"].Data, d.Layers[0].W.Data) || !slices.Equal(arr["b0"].Data, d.Layers[0].HBias) {
		t.Errorf("exported arrays differ from the model's")
	}

	// finetune by backprop, then eval and export the classifier.
	mlp := filepath.Join(dir, "m.mlp")
	out = mustRun(t, "finetune", "-model", model, "-data", data, "-csv-label", "-1", "-epochs", "3", "-batch", "8", "-valid", data, "-o", mlp)
	if n := strings.Count(out, "train-error"); n != 3 || !strings.Contains(out, "valid-error") {
		t.Errorf("finetune output:\n%s", out)
	}
	mm, err := loadMLP(mlp)
	if err != nil {
		t.Fatal(err)
	}
	res = jsonMap(t, mustRun(t, "eval", "-model", mlp, "-data", data, "-csv-label", "-1", "-json"))
	if want := mm.Net.ErrorRate(set.X, set.Labels); res["test_error"] != want {
		t.Errorf("eval of the classifier: test_error %v, nn.ErrorRate %v", res["test_error"], want)
	}
	if last := mm.History[len(mm.History)-1]; float64(last.ValidError) != res["test_error"] {
		t.Errorf("last epoch's held-out error %v, eval %v (the same data)", last.ValidError, res["test_error"])
	}
	mustRun(t, "export", "-model", mlp, "-o", npz)
	if names, _ := arrayNames(t, npz); !slices.Equal(names, []string{"W0", "b0", "W1", "b1", "W2", "b2"}) {
		t.Errorf("classifier export wrote %v", names)
	}
	mustRun(t, "show", "-model", mlp, "-o", filters)

	// finetune by up-down: the file gains the generative weights.
	ud := filepath.Join(dir, "ud.dbn")
	out = mustRun(t, "finetune", "-method", "updown", "-model", model, "-data", data, "-csv-label", "-1", "-epochs", "2", "-batch", "8", "-valid", data, "-o", ud)
	if n := strings.Count(out, "up-down epoch"); n != 2 {
		t.Errorf("finetune -method updown output:\n%s", out)
	}
	mustRun(t, "export", "-model", ud, "-o", npz)
	if names, _ := arrayNames(t, npz); !slices.Contains(names, "gen_W0") || !slices.Contains(names, "gen_a0") {
		t.Errorf("export after up-down wrote %v, want gen_W0 and gen_a0 too", names)
	}
	mustRun(t, "sample", "-model", ud, "-label", "0", "-n", "2", "-steps", "5", "-o", samples)
	mustRun(t, "eval", "-model", ud, "-data", data, "-csv-label", "-1", "-bound-samples", "2")
}

// Greedy training and up-down interrupted and resumed give bit for bit the
// net of one uninterrupted run, whether stopped within a layer, between
// layers or during up-down; so does backprop fine-tuning.
func TestDBNResume(t *testing.T) {
	dir := t.TempDir()
	data := writeLabelledBAS(t, dir, 2)
	args := func(out string) []string {
		return []string{"train", "dbn", "-data", data, "-csv-label", "-1", "-layers", "6,5", "-labels", "-epochs", "3,2", "-method", "pcd",
			"-batch", "10", "-chains", "5", "-updown", "2", "-workers", "2", "-o", out}
	}
	whole := filepath.Join(dir, "whole.dbn")
	mustRun(t, args(whole)...)
	a, err := loadDBN(whole)
	if err != nil {
		t.Fatal(err)
	}
	if a.DBN.Gen == nil || a.UpDown == nil || a.UpDown.Epoch != 2 {
		t.Fatalf("-updown 2 left no generative weights or up-down state")
	}
	// Global epochs: 1-3 layer 1, 4-5 layer 2, 6-7 up-down.
	for _, stopAt := range []int{2, 3, 6} {
		path := filepath.Join(dir, fmt.Sprintf("stopped%d.dbn", stopAt))
		testEpochHook = func(epoch int) {
			if epoch == stopAt {
				interrupted.Store(true)
			}
		}
		code, _, errs := runCmd(args(path)...)
		testEpochHook = nil
		if code == 0 || !strings.Contains(errs, "belief train dbn -resume -o "+path) {
			t.Fatalf("interrupted at %d: exit %d, stderr %q", stopAt, code, errs)
		}
		mustRun(t, "train", "dbn", "-resume", "-o", path)
		b, err := loadDBN(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, x := range dbnArrays(a.DBN) {
			if y := dbnArrays(b.DBN)[i]; x.Name != y.Name || !slices.Equal(x.Data, y.Data) {
				t.Errorf("stopped after epoch %d: %s differs from uninterrupted training", stopAt, x.Name)
			}
		}
		if len(b.History) != 7 {
			t.Errorf("stopped after epoch %d: %d history records, want 7", stopAt, len(b.History))
		}
	}

	// up-down may change -k on resume (a schedule of Gibbs steps), and the
	// file records the new value.
	ud := filepath.Join(dir, "ud.dbn")
	mustRun(t, "finetune", "-model", whole, "-method", "updown", "-data", data, "-csv-label", "-1", "-epochs", "1", "-batch", "10", "-k", "3", "-o", ud)
	mustRun(t, "finetune", "-resume", "-o", ud, "-epochs", "2", "-k", "6")
	u, err := loadDBN(ud)
	if err != nil {
		t.Fatal(err)
	}
	if u.UpDown == nil || u.UpDown.Epoch != 2 || u.FineFlags["k"] != "6" {
		t.Errorf("up-down resumed with -k 6: epoch %v, saved -k %q", u.UpDown, u.FineFlags["k"])
	}

	// backprop: 3 epochs at once, or 1 and then 2 more with -resume.
	m1, m2 := filepath.Join(dir, "a.mlp"), filepath.Join(dir, "b.mlp")
	ft := func(out string, epochs int) []string {
		return []string{"finetune", "-model", whole, "-data", data, "-csv-label", "-1", "-epochs", fmt.Sprint(epochs), "-batch", "10", "-o", out}
	}
	mustRun(t, ft(m1, 3)...)
	mustRun(t, ft(m2, 1)...)
	mustRun(t, "finetune", "-resume", "-o", m2, "-epochs", "3")
	x, err := loadMLP(m1)
	if err != nil {
		t.Fatal(err)
	}
	y, err := loadMLP(m2)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range mlpArrays(x.Net) {
		if !slices.Equal(p.Data, mlpArrays(y.Net)[i].Data) {
			t.Errorf("resumed backprop: %s differs", p.Name)
		}
	}
}

// Bad input gives a clear error, never a panic.
func TestDBNErrors(t *testing.T) {
	dir := t.TempDir()
	data := writeLabelledBAS(t, dir, 1)
	unlabelled := writeBAS(t, dir, 1, 16)
	narrow := writeBAS(t, dir, 1, 15)
	model := filepath.Join(dir, "m.dbn")
	mustRun(t, "train", "dbn", "-data", data, "-csv-label", "-1", "-layers", "4,3", "-labels", "-epochs", "1", "-o", model)
	plain := filepath.Join(dir, "plain.dbn")
	mustRun(t, "train", "dbn", "-data", unlabelled, "-layers", "4,3", "-epochs", "1", "-o", plain)
	rbmModel := filepath.Join(dir, "m.rbm")
	mustRun(t, "train", "rbm", "-data", unlabelled, "-hidden", "3", "-epochs", "1", "-o", rbmModel)
	half := filepath.Join(dir, "half.dbn")
	testEpochHook = func(int) { interrupted.Store(true) }
	runCmd("train", "dbn", "-data", unlabelled, "-layers", "4,3", "-epochs", "2", "-o", half)
	testEpochHook = nil
	noW := filepath.Join(dir, "now.dbn")
	if err := modelfile.Write(noW, &modelfile.File{Kind: "dbn"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		want string
		args []string
	}{
		{"-epochs \"1,2,3\": want one count or 2", []string{"train", "dbn", "-data", data, "-layers", "4,3", "-epochs", "1,2,3"}},
		{"-k \"1,2,3\": want one count or 2", []string{"train", "dbn", "-data", data, "-layers", "4,3", "-k", "1,2,3"}},
		{"-k \"1,0\": want counts of at least 1", []string{"train", "dbn", "-data", data, "-layers", "4,3", "-k", "1,0"}},
		{"-up-samples must not be negative", []string{"eval", "-model", model, "-data", data, "-csv-label", "-1", "-up-samples", "-1"}},
		{"-layers", []string{"train", "dbn", "-data", data, "-layers", "4,x"}},
		{"has no labels", []string{"train", "dbn", "-data", unlabelled, "-layers", "4", "-labels"}},
		{"-method must be cd, pcd or pt", []string{"train", "dbn", "-data", data, "-method", "xx"}},
		{"-layers 5,3 differs", []string{"train", "dbn", "-resume", "-o", model, "-layers", "5,3"}},
		{"data has 15 columns, model has 16 visible units", []string{"eval", "-model", plain, "-data", narrow}},
		{"-label 2: ", []string{"sample", "-model", model, "-label", "2"}},
		{"has no label units", []string{"sample", "-model", plain, "-label", "all"}},
		{"-label all applies to deep belief nets", []string{"sample", "-model", rbmModel, "-label", "all"}},
		{`-label "x"`, []string{"sample", "-model", model, "-label", "x"}},
		{"only 0 of 2 layers are trained", []string{"sample", "-model", half}},
		{"only 0 of 2 layers are trained", []string{"finetune", "-model", half, "-data", unlabelled}},
		{"a deep belief net needs weights W0", []string{"show", "-model", noW}},
		{"-method must be backprop or updown", []string{"finetune", "-model", model, "-method", "x"}},
		{"backprop needs class labels", []string{"finetune", "-model", plain, "-data", unlabelled}},
		{"holds no fine-tuning state", []string{"finetune", "-resume", "-o", model}},
		{"-raise-rows: ", []string{"eval", "-model", model, "-data", data, "-csv-label", "-1", "-raise-rows", "3"}},
		{"-bound-samples", []string{"eval", "-model", rbmModel, "-data", unlabelled, "-bound-samples", "3"}},
		{"-dropout must be a probability in [0, 1)", []string{"finetune", "-model", model, "-data", data, "-csv-label", "-1", "-dropout", "1"}},
		{"-input-dropout must be a probability in [0, 1)", []string{"finetune", "-model", model, "-data", data, "-csv-label", "-1", "-input-dropout", "-0.1"}},
		{"-top-epochs must be at least 0", []string{"finetune", "-model", model, "-data", data, "-csv-label", "-1", "-top-epochs", "-1"}},
		{"apply to -method backprop only", []string{"finetune", "-model", model, "-data", data, "-csv-label", "-1", "-method", "updown", "-dropout", "0.5"}},
		{"holds a classifier", []string{"sample", "-model", filepath.Join(dir, "c.mlp")}},
	} {
		if c.want == "holds a classifier" {
			mustRun(t, "finetune", "-model", model, "-data", data, "-csv-label", "-1", "-epochs", "1", "-o", filepath.Join(dir, "c.mlp"))
		}
		mustFail(t, c.want, c.args...)
	}
	// The half-trained file resumes.
	out := mustRun(t, "train", "dbn", "-resume", "-o", half)
	if !strings.Contains(out, "resuming") || !strings.Contains(out, "layer 2/2 epoch 2/2") {
		t.Errorf("resume of a half-trained net:\n%s", out)
	}
}
