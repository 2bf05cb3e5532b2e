package vis

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// decodeFile decodes the PNG at path.
func decodeFile(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	return img
}

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

func TestWritePNGRoundTrip(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 7, 5))
	for y := 0; y < 5; y++ {
		for x := 0; x < 7; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(30 * x), uint8(50 * y), uint8(x * y), 255})
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "a.png")
	if err := WritePNG(path, img); err != nil {
		t.Fatal(err)
	}
	if got := decodeFile(t, path); !sameImage(img, got) {
		t.Error("decoded picture differs from the one written")
	}
	// Overwriting replaces the file and leaves nothing else behind.
	img2 := image.NewGray(image.Rect(0, 0, 3, 2))
	img2.Pix[4] = 200
	if err := WritePNG(path, img2); err != nil {
		t.Fatal(err)
	}
	if got := decodeFile(t, path); !sameImage(img2, got) {
		t.Error("overwritten picture differs from the one written")
	}
	if names := dirNames(t, dir); len(names) != 1 || names[0] != "a.png" {
		t.Errorf("directory holds %q, want only a.png", names)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o444 != 0o444 {
		t.Errorf("mode %v, want readable by all", fi.Mode())
	}
}

func TestWritePNGErrors(t *testing.T) {
	dir := t.TempDir()
	// A missing directory.
	missing := filepath.Join(dir, "no", "such", "dir", "x.png")
	err := WritePNG(missing, image.NewGray(image.Rect(0, 0, 1, 1)))
	if err == nil || !strings.Contains(err.Error(), missing) || !strings.HasPrefix(err.Error(), "vis: ") {
		t.Errorf("missing directory: error %v, want one naming %s", err, missing)
	}
	// An encoding failure (PNG cannot hold an empty picture) leaves the
	// earlier file as it was and no temporary file.
	path := filepath.Join(dir, "keep.png")
	old := image.NewGray(image.Rect(0, 0, 2, 2))
	if err := WritePNG(path, old); err != nil {
		t.Fatal(err)
	}
	err = WritePNG(path, image.NewGray(image.Rect(0, 0, 0, 0)))
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("empty picture: error %v, want one naming %s", err, path)
	}
	if got := decodeFile(t, path); !sameImage(old, got) {
		t.Error("failed write changed the earlier file")
	}
	if names := dirNames(t, dir); len(names) != 1 || names[0] != "keep.png" {
		t.Errorf("directory holds %q after a failed write, want only keep.png", names)
	}
}
