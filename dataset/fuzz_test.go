package dataset

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

// The seed corpora are in testdata/fuzz/<FuzzName>/; more seeds are added
// here.

func FuzzIDX(f *testing.F) {
	f.Add(idxBytes(idxUbyte, []uint32{2, 2, 2}, []byte{0, 1, 2, 3, 4, 5, 6, 255}))
	f.Add(gzipBytes(idxBytes(idxUbyte, []uint32{1, 3}, []byte{9, 8, 7})))
	f.Add(idxBytes(idxDouble, []uint32{1}, make([]byte, 8)))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := ReadIDX(bytes.NewReader(data), "fuzz")
		if err != nil {
			checkFuzzError(t, err)
		} else {
			if set.X.Rows < 1 || set.X.Cols < 1 {
				t.Fatalf("empty set %dx%d", set.X.Rows, set.X.Cols)
			}
			if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
				if set.X.Rows*set.X.Cols > len(data) {
					t.Fatalf("%dx%d elements from %d bytes", set.X.Rows, set.X.Cols, len(data))
				}
			}
			for _, v := range set.X.Data {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("value %v", v)
				}
			}
		}
		labels, err := ReadIDXLabels(bytes.NewReader(data), "fuzz")
		if err != nil {
			checkFuzzError(t, err)
		}
		for _, l := range labels {
			if l < 0 || l > MaxLabel {
				t.Fatalf("label %d", l)
			}
		}
	})
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("a,b,label\n1,2,3\n4,5,6\n"), true, -1)
	f.Add([]byte("1,2\n3,4\n"), false, 0)
	f.Add([]byte("1,\"2\"\n3, 4e-2\n"), true, 0)
	f.Fuzz(func(t *testing.T, data []byte, labeled bool, col int) {
		set, err := ReadCSV(bytes.NewReader(data), "fuzz", CSVOptions{Labeled: labeled, LabelColumn: col})
		if err != nil {
			checkFuzzError(t, err)
			return
		}
		if set.X.Rows < 1 || len(set.X.Data) != set.X.Rows*set.X.Cols {
			t.Fatalf("%dx%d with %d values", set.X.Rows, set.X.Cols, len(set.X.Data))
		}
		if labeled != (set.Labels != nil) || (labeled && len(set.Labels) != set.X.Rows) {
			t.Fatalf("labeled %v: %d labels for %d rows", labeled, len(set.Labels), set.X.Rows)
		}
		for _, v := range set.X.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("value %v", v)
			}
		}
	})
}

func FuzzPNGDecode(f *testing.F) {
	f.Add(pngBytes(3, 2))
	f.Add(pngBytes(1, 1))
	f.Fuzz(func(t *testing.T, data []byte) {
		pix, w, h, err := DecodeGray(bytes.NewReader(data), "fuzz")
		if err != nil {
			checkFuzzError(t, err)
			return
		}
		if w < 1 || h < 1 || len(pix) != w*h || int64(h)*(1+int64(w)/8) > deflateMaxRatio*int64(len(data)) {
			t.Fatalf("%dx%d image with %d pixels from %d bytes", w, h, len(pix), len(data))
		}
		for _, v := range pix {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("pixel %v", v)
			}
		}
	})
}

// checkFuzzError checks that a decoder's error on in-memory data is a
// FormatError naming the stream.
func checkFuzzError(t *testing.T, err error) {
	var fe *FormatError
	if !errors.As(err, &fe) || fe.File != "fuzz" || fe.Where == "" {
		t.Fatalf("error %T %v, want a FormatError naming the file and place", err, err)
	}
}
