package dataset

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadCSV(t *testing.T) {
	in := "label,a,b\n3, 0.5,1\n\n1,-2,1e-3\n"
	set, err := ReadCSV(strings.NewReader(in), "in", CSVOptions{Labeled: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0.5, 1, -2, 1e-3}
	if set.X.Rows != 2 || set.X.Cols != 2 || !equalInts(set.Labels, []int{3, 1}) {
		t.Fatalf("%dx%d, labels %v", set.X.Rows, set.X.Cols, set.Labels)
	}
	for i, v := range set.X.Data {
		if v != want[i] {
			t.Errorf("element %d = %v, want %v", i, v, want[i])
		}
	}
	// Without a header, label last, semicolons.
	set, err = ReadCSV(strings.NewReader("1;2;0\n3;4;1\n"), "in", CSVOptions{Labeled: true, LabelColumn: -1, Comma: ';'})
	if err != nil {
		t.Fatal(err)
	}
	if set.X.Rows != 2 || set.X.At(1, 1) != 4 || !equalInts(set.Labels, []int{0, 1}) {
		t.Errorf("%dx%d %v, labels %v", set.X.Rows, set.X.Cols, set.X.Data, set.Labels)
	}
	// HeaderYes skips a numeric first line; HeaderNo reads it as data.
	for _, c := range []struct {
		h    HeaderMode
		rows int
	}{{HeaderYes, 1}, {HeaderNo, 2}, {HeaderAuto, 2}} {
		set, err = ReadCSV(strings.NewReader("1,2\n3,4\n"), "in", CSVOptions{Header: c.h})
		if err != nil || set.X.Rows != c.rows {
			t.Errorf("header mode %d: %v rows, error %v", c.h, set.X.Rows, err)
		}
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	pix := []byte{0, 100, 200, 255, 50, 150, 250, 1}
	ip := writeFile(t, dir, "foo-images-idx3-ubyte.gz", gzipBytes(idxBytes(idxUbyte, []uint32{2, 2, 2}, pix)))
	writeFile(t, dir, "foo-labels-idx1-ubyte", idxBytes(idxUbyte, []uint32{2}, []byte{4, 2}))
	if got, want := LabelsPathFor(ip), filepath.Join(dir, "foo-labels-idx1-ubyte"); got != want {
		t.Errorf("LabelsPathFor = %q, want %q", got, want)
	}
	set, err := Open(ip, OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !equalInts(set.Labels, []int{4, 2}) || set.X.At(0, 1) != 100.0/255 {
		t.Errorf("labels %v, data %v", set.Labels, set.X.Data)
	}
	set, err = Open(ip, OpenOptions{Binarize: "threshold"})
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0, 0, 1, 1, 0, 1, 1, 0}
	for i, v := range set.X.Data {
		if v != want[i] {
			t.Errorf("thresholded element %d = %v, want %v", i, v, want[i])
		}
	}
	cp := writeFile(t, dir, "d.csv", []byte("x,y\n0.25,1\n"))
	set, err = Open(cp, OpenOptions{})
	if err != nil || set.X.At(0, 0) != 0.25 {
		t.Errorf("csv: %v", err)
	}
	if _, err := Open(ip, OpenOptions{Binarize: "bogus"}); err == nil {
		t.Error("unknown binarization accepted")
	}
	if _, err := Open(filepath.Join(dir, "missing"), OpenOptions{}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing path: %v", err)
	}
}

func TestOpenMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("reads MNIST")
	}
	set, err := Open("mnist", OpenOptions{Split: "test"})
	if err != nil {
		t.Fatal(err)
	}
	s := Stats(set)
	if s.BinaryFraction != 1 || s.Rows != 10000 {
		t.Fatalf("%d rows, binary fraction %v", s.Rows, s.BinaryFraction)
	}
	// The expected fraction of ones is the mean intensity, about 0.1325 on
	// the test split; 7.84e6 draws give a standard error below 1.3e-4.
	raw, err := MNIST("test")
	if err != nil {
		t.Fatal(err)
	}
	rs := Stats(raw)
	var v float64
	for _, p := range raw.X.Data {
		v += float64(p) * (1 - float64(p))
	}
	se := math.Sqrt(v) / float64(len(raw.X.Data))
	if math.Abs(s.Mean-rs.Mean) > 5*se {
		t.Errorf("binarized mean %v, intensity mean %v, standard error %v", s.Mean, rs.Mean, se)
	}
	again, _ := Open("mnist", OpenOptions{Split: "test", Seed: DefaultBinarizeSeed})
	for i := range again.X.Data {
		if again.X.Data[i] != set.X.Data[i] {
			t.Fatal("the default seed is not DefaultBinarizeSeed")
		}
	}
}
