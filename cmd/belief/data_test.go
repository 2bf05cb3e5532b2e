package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belief-ml/belief/modelfile"
)

// The data command describes a labelled CSV, draws it and exports exactly
// the values it read.
func TestDataCSV(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "d.csv")
	content := "a,b,c,d,label\n0,1,0,1,3\n1,1,0,0,1\n0.5,0,1,1,3\n"
	if err := os.WriteFile(csv, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	png := filepath.Join(dir, "d.png")
	npz := filepath.Join(dir, "d.npz")
	out := mustRun(t, "data", "-data", csv, "-csv-label", "-1", "-png", png, "-o", npz)
	for _, want := range []string{"3 examples of 4 values", "min 0, max 1", "labels: 0:0 1:1 2:0 3:2"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	checkPNG(t, png, 4, 1)
	arrays, err := modelfile.ReadNPZ(npz)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]float32{"X": {0, 1, 0, 1, 1, 1, 0, 0, 0.5, 0, 1, 1}, "y": {3, 1, 3}}
	for _, a := range arrays {
		w, ok := want[a.Name]
		if !ok {
			t.Errorf("unexpected array %q", a.Name)
			continue
		}
		got := a.Float32()
		if len(got) != len(w) {
			t.Fatalf("%s has %d values, want %d", a.Name, len(got), len(w))
		}
		for i := range w {
			if got[i] != w[i] {
				t.Errorf("%s[%d] = %v, want %v", a.Name, i, got[i], w[i])
			}
		}
		delete(want, a.Name)
	}
	if len(want) != 0 {
		t.Errorf("missing arrays %v", want)
	}
	// Threshold binarization applies to paths on request.
	out = mustRun(t, "data", "-data", csv, "-csv-label", "-1", "-binarize", "threshold")
	if !strings.Contains(out, "100.0% binary") {
		t.Errorf("threshold output not binary:\n%s", out)
	}
}

func TestDataErrors(t *testing.T) {
	dir := t.TempDir()
	ragged := filepath.Join(dir, "ragged.csv")
	if err := os.WriteFile(ragged, []byte("1,2,3\n4,5\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustFail(t, "line 2", "data", "-data", ragged)
	mustFail(t, "-split must be train or test", "data", "-split", "valid")
	mustFail(t, "-split test applies to mnist only", "data", "-data", ragged, "-split", "test")
	mustFail(t, "-binarize must be", "data", "-binarize", "maybe")
	mustFail(t, "no-such-file", "data", "-data", filepath.Join(dir, "no-such-file.csv"))
}

// MNIST through the module cache: the training split's statistics.
func TestDataMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST")
	}
	out := mustRun(t, "data", "-split", "test")
	for _, want := range []string{"mnist-test: 10000 examples of 784 values (28x28 images)", "100.0% binary", "0:980 1:1135"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
