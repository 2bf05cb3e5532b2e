package vis

import (
	"image"
	"image/color"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

func TestPlotCurves(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "curve.png")
	nan := math.NaN()
	x := []float64{0, 1, 2, 3, 4, 5, 6}
	series := []Series{
		{Name: "train", X: x, Y: []float64{-200, -150, -120, -110, -104, -101, -100}},
		{Name: "test", X: x, Y: []float64{-205, nan, -130, nan, -112, math.Inf(-1), -109}},
		{Name: "all missing", X: []float64{nan}, Y: []float64{1}},
		{Name: "empty"},
	}
	err := PlotCurves(path, "Training", "epoch", "log p(v)", series...)
	if err != nil {
		t.Fatal(err)
	}
	img := decodeFile(t, path)
	wantW, wantH := int(math.Round(float64(PlotWidth/vg.Inch)*PlotDPI)), int(math.Round(float64(PlotHeight/vg.Inch)*PlotDPI))
	if b := img.Bounds(); b.Dx() != wantW || b.Dy() != wantH {
		t.Fatalf("size %dx%d, want %dx%d", b.Dx(), b.Dy(), wantW, wantH)
	}
	// The picture has a white background and the first two series'
	// colours somewhere.
	count := map[color.RGBA]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			count[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}]++
		}
	}
	white := color.RGBA{255, 255, 255, 255}
	if count[white] < wantW*wantH/2 {
		t.Errorf("only %d white pixels of %d", count[white], wantW*wantH)
	}
	for i := 0; i < 2; i++ {
		c := color.RGBAModel.Convert(plotutil.Color(i)).(color.RGBA)
		if count[c] < 20 {
			t.Errorf("series %d colour %v: only %d pixels", i, c, count[c])
		}
	}
	// Text is drawn: the same plot with a title and axis labels has more
	// grey ink (sum of 255 minus the level over grey pixels) than without,
	// by at least 1000 levels for each of the 21 characters (about 4700 here).
	bare := filepath.Join(dir, "bare.png")
	if err := PlotCurves(bare, "", "", "", series...); err != nil {
		t.Fatal(err)
	}
	withText, without := ink(img), ink(decodeFile(t, bare))
	t.Logf("grey ink: %d with title and labels, %d without", withText, without)
	if withText-without < 21*1000 {
		t.Errorf("grey ink: %d with title and labels, %d without: is text drawn?", withText, without)
	}
}

// ink sums 255 minus the grey level over the grey pixels of img.
func ink(img image.Image) int {
	sum := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r == g && g == bl {
				sum += 255 - int(r>>8)
			}
		}
	}
	return sum
}

func TestPlotCurvesErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.png")
	err := PlotCurves(path, "", "", "", Series{Name: "short", X: []float64{1, 2}, Y: []float64{1}})
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "short") {
		t.Errorf("mismatched lengths: error %v, want one naming the path and the series", err)
	}
	missing := filepath.Join(dir, "nodir", "x.png")
	err = PlotCurves(missing, "", "", "", Series{X: []float64{1, 2}, Y: []float64{1, 2}})
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing directory: error %v, want one naming %s", err, missing)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Errorf("directory holds %q after failed plots, want nothing", names)
	}
}

func TestLegendCorner(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	rising := Series{Name: "ll", X: x, Y: []float64{-200, -150, -120, -110, -105, -102, -101, -100, -100, -99}}
	falling := Series{Name: "loss", X: x, Y: []float64{9, 5, 3, 2, 1.5, 1.2, 1.1, 1, 1, 1}}
	for _, tc := range []struct {
		name      string
		s         []Series
		top, left bool
	}{
		{"rising", []Series{rising}, false, false},
		{"falling", []Series{falling}, true, false},
		{"no data", nil, true, false},
		{"one point", []Series{{Name: "p", X: []float64{1}, Y: []float64{1}}}, true, false},
	} {
		top, left := legendCorner(tc.s)
		if top != tc.top || left != tc.left {
			t.Errorf("%s: legend top=%v left=%v, want top=%v left=%v", tc.name, top, left, tc.top, tc.left)
		}
	}
}
