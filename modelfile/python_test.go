package modelfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belief-ml/belief/mat32"
)

// python is Debian's interpreter, which has NumPy from python3-numpy.
const python = "/usr/bin/python3"

// needNumPy skips the test unless /usr/bin/python3 can import numpy.
func needNumPy(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts Python; skipped with -short")
	}
	if err := exec.Command(python, "-c", "import numpy").Run(); err != nil {
		t.Skipf("%s with numpy not available: %v", python, err)
	}
}

func runPython(t *testing.T, dir, script string) string {
	t.Helper()
	cmd := exec.Command(python, "-c", script)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestNumPyLoadsOurNPZ writes an RBM's arrays from Go and loads them with
// numpy.load, checking shapes, dtypes and values.
func TestNumPyLoadsOurNPZ(t *testing.T) {
	needNumPy(t)
	dir := t.TempDir()
	var f File
	f.AddDense("W", mat32.NewDense(3, 4, ar32(12)))
	f.AddVec("vbias", ar32(3))
	f.AddVec("hbias", ar32(4))
	f.AddVec("sigma", []float32{1, 0.5, 0.25})
	f.AddVec64("logz", []float64{1e-300, -12345.678901234567})
	f.Arrays = append(f.Arrays, Array{Name: "cube", Shape: []int{2, 1, 3}, Data: ar32(6)})
	if err := WriteNPZ(filepath.Join(dir, "model.npz"), f.Arrays); err != nil {
		t.Fatal(err)
	}
	out := runPython(t, dir, `
import numpy as np
d = np.load("model.npz", allow_pickle=False)
ar = lambda s, t: (np.arange(np.prod(s)) * 0.5 - 1).reshape(s).astype(t)
assert sorted(d.files) == ["W", "cube", "hbias", "logz", "sigma", "vbias"], d.files
assert d["W"].shape == (3, 4) and d["W"].dtype == np.float32 and d["W"].flags.c_contiguous
assert (d["W"] == ar((3, 4), np.float32)).all()
assert d["vbias"].shape == (3,) and (d["vbias"] == ar((3,), np.float32)).all()
assert (d["hbias"] == ar((4,), np.float32)).all()
assert (d["sigma"] == np.array([1, 0.5, 0.25], np.float32)).all()
assert d["logz"].dtype == np.float64 and (d["logz"] == [1e-300, -12345.678901234567]).all()
assert d["cube"].shape == (2, 1, 3) and (d["cube"] == ar((2, 1, 3), np.float32)).all()
print(d["W"].shape, d["W"].dtype)
`)
	if out != "(3, 4) float32" {
		t.Errorf("python printed %q", out)
	}
}

// TestWeLoadNumPyNPZ has numpy write arrays with savez and
// savez_compressed, in C and Fortran order, and reads them in Go.
func TestWeLoadNumPyNPZ(t *testing.T) {
	needNumPy(t)
	dir := t.TempDir()
	runPython(t, dir, `
import numpy as np
ar = lambda s, t: (np.arange(np.prod(s)) * 0.5 - 1).reshape(s).astype(t)
arrays = dict(W=ar((30, 20), np.float32), vbias=ar((30,), np.float32), hbias=ar((20,), np.float32),
              W64=ar((4, 5), np.float64), F=np.asfortranarray(ar((6, 7), np.float32)),
              F3=np.asfortranarray(ar((2, 3, 4), np.float32)), s=np.float32(-1.0))
np.savez("plain.npz", **arrays)
np.savez_compressed("compressed.npz", **arrays)
with open("file_object.npz", "wb") as fh:
    np.savez(fh, W=ar((3, 2), np.float32))
np.savez("bool.npz", mask=np.ones(3, bool))
`)
	for _, name := range []string{"plain.npz", "compressed.npz"} {
		arrays, err := ReadNPZ(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		m := arrayMap(t, arrays)
		checkArray(t, m["W"], []int{30, 20}, ar32(600), nil)
		checkArray(t, m["vbias"], []int{30}, ar32(30), nil)
		checkArray(t, m["hbias"], []int{20}, ar32(20), nil)
		checkArray(t, m["W64"], []int{4, 5}, nil, ar(20))
		checkArray(t, m["F"], []int{6, 7}, ar32(42), nil)
		checkArray(t, m["F3"], []int{2, 3, 4}, ar32(24), nil)
		checkArray(t, m["s"], []int{}, []float32{-1}, nil)
	}
	arrays, err := ReadNPZ(filepath.Join(dir, "file_object.npz"))
	if err != nil {
		t.Fatal(err)
	}
	checkArray(t, &arrays[0], []int{3, 2}, ar32(6), nil)
	_, err = ReadNPZ(filepath.Join(dir, "bool.npz"))
	if err == nil || !strings.Contains(err.Error(), `array "mask": dtype "|b1" is not supported`) {
		t.Errorf("bool array: %v", err)
	}
	os.Remove(filepath.Join(dir, "bool.npz"))
}
