package dataset

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func pngBytes(w, h int) []byte {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

// TestBrokenInputs maps broken files to the error text each must produce;
// every message names the file and the place.
func TestBrokenInputs(t *testing.T) {
	img2 := idxBytes(idxUbyte, []uint32{2, 2, 2}, make([]byte, 8))
	cases := []struct {
		name string
		load func(dir string) error
		want []string // substrings; "DIR" stands for the temporary folder
	}{
		{"truncated IDX data", func(dir string) error {
			_, err := LoadIDX(writeFile(t, dir, "a.idx", img2[:len(img2)-3]), "")
			return err
		}, []string{"DIR/a.idx: header: header claims 8 bytes of data (2x2x2 elements of type unsigned byte) but the file holds only 5"}},
		{"truncated gzip IDX data", func(dir string) error {
			_, err := LoadIDX(writeFile(t, dir, "a.gz", gzipBytes(img2[:len(img2)-3])), "")
			return err
		}, []string{"DIR/a.gz: offset 21: truncated: data ends after 5 of the 8 bytes"}},
		{"truncated IDX header", func(dir string) error {
			_, err := LoadIDX(writeFile(t, dir, "a.idx", img2[:9]), "")
			return err
		}, []string{"DIR/a.idx: offset 9: file ends in the dimensions"}},
		{"header claims 2^31 items", func(dir string) error {
			_, err := LoadIDX(writeFile(t, dir, "big", idxBytes(idxUbyte, []uint32{1 << 31}, make([]byte, 92))), "")
			return err
		}, []string{"DIR/big: header: header claims 2147483648 bytes of data", "holds only 92"}},
		{"header claims too many elements", func(dir string) error {
			_, err := LoadIDX(writeFile(t, dir, "big", idxBytes(idxUbyte, []uint32{1 << 20, 1 << 20}, nil)), "")
			return err
		}, []string{"DIR/big: offset 8: header claims more than 2147483648 elements"}},
		{"wrong magic", func(dir string) error {
			_, err := LoadIDX(writeFile(t, dir, "m", []byte{1, 2, 8, 1, 0, 0, 0, 0}), "")
			return err
		}, []string{"DIR/m: offset 0: not an IDX file"}},
		{"unknown element type", func(dir string) error {
			_, err := LoadIDX(writeFile(t, dir, "m", []byte{0, 0, 7, 1, 0, 0, 0, 0}), "")
			return err
		}, []string{"DIR/m: offset 2: unknown IDX element type 0x07"}},
		{"trailing bytes", func(dir string) error {
			_, err := LoadIDX(writeFile(t, dir, "t", append(img2, 1)), "")
			return err
		}, []string{"DIR/t: offset 24: unexpected data after the 2x2x2 elements"}},
		{"labels count mismatch", func(dir string) error {
			_, err := LoadIDX(writeFile(t, dir, "i", img2), writeFile(t, dir, "l", idxBytes(idxUbyte, []uint32{3}, []byte{1, 2, 3})))
			return err
		}, []string{"DIR/l: header: 3 labels for the 2 images of DIR/i"}},
		{"labels not 1-D", func(dir string) error {
			_, err := LoadIDX(writeFile(t, dir, "i", img2), writeFile(t, dir, "l", img2))
			return err
		}, []string{"DIR/l: header: labels file has 3 dimensions (2x2x2)"}},
		{"NaN in float IDX", func(dir string) error {
			_, err := LoadIDX(writeFile(t, dir, "f", idxBytes(idxFloat, []uint32{1, 1}, []byte{0x7f, 0xc0, 0, 0})), "")
			return err
		}, []string{"DIR/f: offset 12: element 0 is NaN"}},
		{"ragged CSV row", func(dir string) error {
			_, err := LoadCSV(writeFile(t, dir, "r.csv", []byte("a,b,c\n1,2,3\n4,5\n")), CSVOptions{})
			return err
		}, []string{"DIR/r.csv: line 3: 2 cells where earlier lines have 3"}},
		{"non-numeric CSV cell", func(dir string) error {
			_, err := LoadCSV(writeFile(t, dir, "n.csv", []byte("1,2,3\n4,x,6\n")), CSVOptions{})
			return err
		}, []string{`DIR/n.csv: line 2, column 2: "x" is not a finite number`}},
		{"Inf CSV cell", func(dir string) error {
			_, err := LoadCSV(writeFile(t, dir, "n.csv", []byte("1,2,3\n4,5,Inf\n")), CSVOptions{})
			return err
		}, []string{`DIR/n.csv: line 2, column 3: "Inf" is not a finite number`}},
		{"bad CSV label", func(dir string) error {
			_, err := LoadCSV(writeFile(t, dir, "l.csv", []byte("1,2,3\n4,5,1.5\n")), CSVOptions{Labeled: true, LabelColumn: -1})
			return err
		}, []string{`DIR/l.csv: line 2, column 3: label "1.5" is not an integer`}},
		{"CSV quote error", func(dir string) error {
			_, err := LoadCSV(writeFile(t, dir, "q.csv", []byte("1,2\n3,\"4\n")), CSVOptions{})
			return err
		}, []string{"DIR/q.csv: line 2, column"}},
		{"empty CSV", func(dir string) error {
			_, err := LoadCSV(writeFile(t, dir, "e.csv", []byte("a,b\n")), CSVOptions{})
			return err
		}, []string{"DIR/e.csv: end of file: no data lines"}},
		{"PNGs of different sizes", func(dir string) error {
			os.Mkdir(filepath.Join(dir, "c"), 0o755)
			writeFile(t, dir, "c/1.png", pngBytes(3, 2))
			writeFile(t, dir, "c/2.png", pngBytes(2, 3))
			_, err := LoadPNGDir(dir)
			return err
		}, []string{"DIR/c/2.png: image size: 2x3 differs from the 3x2 of DIR/c/1.png"}},
		{"not a PNG", func(dir string) error {
			writeFile(t, dir, "1.png", []byte("GIF89a, not a PNG at all, but long enough"))
			_, err := LoadPNGDir(dir)
			return err
		}, []string{"DIR/1.png: header: png: invalid format"}},
		{"PNG claiming a huge size", func(dir string) error {
			b := pngBytes(2, 2)
			// IHDR width at offset 16, height at 20; the CRC is not checked
			// by DecodeConfig before the size is.
			copy(b[16:], []byte{0, 1, 0, 0, 0, 1, 0, 0})
			writeFile(t, dir, "1.png", b)
			_, err := LoadPNGDir(dir)
			return err
		}, []string{"DIR/1.png: header:"}},
	}
	for _, c := range cases {
		dir := t.TempDir()
		err := c.load(dir)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		var fe *FormatError
		if !errors.As(err, &fe) {
			t.Errorf("%s: error %T (%v), want *FormatError", c.name, err, err)
		}
		for _, w := range c.want {
			w = strings.ReplaceAll(w, "DIR/", dir+string(filepath.Separator))
			w = strings.ReplaceAll(w, "DIR", dir)
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", c.name, err, w)
			}
		}
	}
}

func TestPNGDir(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []string{"b", "a"} {
		os.Mkdir(filepath.Join(dir, c), 0o755)
	}
	writeFile(t, dir, "a/1.png", pngBytes(3, 2))
	writeFile(t, dir, "a/2.PNG", pngBytes(3, 2))
	writeFile(t, dir, "a/notes.txt", []byte("x"))
	// A colour image: pure green, alpha 1.
	rgba := image.NewNRGBA(image.Rect(0, 0, 3, 2))
	for y := 0; y < 2; y++ {
		for x := 0; x < 3; x++ {
			rgba.Set(x, y, color.NRGBA{G: 255, A: 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, rgba)
	writeFile(t, dir, "b/1.png", buf.Bytes())
	set, err := LoadPNGDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if set.X.Rows != 3 || set.X.Cols != 6 || set.Width != 3 || set.Height != 2 {
		t.Fatalf("shape %dx%d, image %dx%d", set.X.Rows, set.X.Cols, set.Width, set.Height)
	}
	if want := []int{0, 0, 1}; !equalInts(set.Labels, want) {
		t.Errorf("labels %v, want %v", set.Labels, want)
	}
	if len(set.Classes) != 2 || set.Classes[0] != "a" || set.Classes[1] != "b" {
		t.Errorf("classes %v", set.Classes)
	}
	for j, v := range set.X.Row(0) {
		if want := float32(j) / 255; v != want {
			t.Errorf("gray pixel %d = %v, want %v", j, v, want)
		}
	}
	for j, v := range set.X.Row(2) {
		if d := v - 0.587; d < -1e-6 || d > 1e-6 {
			t.Errorf("green pixel %d = %v, want 0.587", j, v)
		}
	}
	// A flat folder is an unlabeled set.
	flat := t.TempDir()
	writeFile(t, flat, "x.png", pngBytes(4, 4))
	writeFile(t, flat, "y.png", pngBytes(4, 4))
	set, err = LoadPNGDir(flat)
	if err != nil {
		t.Fatal(err)
	}
	if set.X.Rows != 2 || set.Labels != nil {
		t.Errorf("flat folder: %d rows, labels %v", set.X.Rows, set.Labels)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
