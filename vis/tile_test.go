package vis

import (
	"bytes"
	"flag"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"math/rand/v2"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// seq returns an r x c matrix holding 0, 1, 2, ... row by row.
func seq(r, c int) *mat32.Dense {
	m := mat32.NewDense(r, c, nil)
	for i := range m.Data {
		m.Data[i] = float32(i)
	}
	return m
}

func grey(img *image.RGBA, x, y int) uint8 { return img.RGBAAt(x, y).R }

func TestTileGeometry(t *testing.T) {
	for _, tc := range []struct {
		name             string
		n, w, h          int
		opt              TileOptions
		wantW, wantH     int
		wantCols, nDrawn int
	}{
		// 7 images of 3x2 in 3 columns: 3 grid rows.
		{"7of3x2 cols3", 7, 3, 2, TileOptions{Cols: 3}, 3*3 + 2*1, 3*2 + 2*1, 3, 7},
		{"7of3x2 cols3 pad2 scale4", 7, 3, 2, TileOptions{Cols: 3, Pad: 2, Scale: 4}, 3*3*4 + 2*2, 3*2*4 + 2*2, 3, 7},
		{"7of3x2 cols3 nopad", 7, 3, 2, TileOptions{Cols: 3, Pad: -1}, 3 * 3, 3 * 2, 3, 7},
		// Default columns: ceil(sqrt(7)) = 3, ceil(sqrt(10)) = 4.
		{"7 default", 7, 3, 2, TileOptions{}, 11, 8, 3, 7},
		{"10 default", 10, 2, 2, TileOptions{}, 4*2 + 3, 3*2 + 2, 4, 10},
		{"16 default", 16, 1, 1, TileOptions{}, 4 + 3, 4 + 3, 4, 16},
		// Max keeps the first 5: ceil(sqrt(5)) = 3 columns, 2 rows.
		{"max5", 7, 3, 2, TileOptions{Max: 5}, 11, 2*2 + 1, 3, 5},
		// More columns than images: one row of all of them.
		{"cols>n", 3, 2, 2, TileOptions{Cols: 10}, 3*2 + 2, 2, 3, 3},
		{"one", 1, 5, 4, TileOptions{Scale: 2}, 10, 8, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := seq(tc.n, tc.w*tc.h)
			opt := tc.opt
			opt.Normalize = Global
			img := Tile(m, tc.w, tc.h, &opt)
			if b := img.Bounds(); b.Dx() != tc.wantW || b.Dy() != tc.wantH || b.Min != (image.Point{}) {
				t.Fatalf("bounds %v, want %dx%d at the origin", b, tc.wantW, tc.wantH)
			}
			// Every value lands where the layout says, magnified, and the
			// rest of the picture is background.
			s := max(tc.opt.Scale, 1)
			pad := tc.opt.Pad
			if pad == 0 {
				pad = 1
			} else if pad < 0 {
				pad = 0
			}
			lo, hi := 0.0, float64(tc.nDrawn*tc.w*tc.h-1)
			covered := make([]bool, tc.wantW*tc.wantH)
			for k := 0; k < tc.nDrawn; k++ {
				x0 := (k % tc.wantCols) * (tc.w*s + pad)
				y0 := (k / tc.wantCols) * (tc.h*s + pad)
				for p := 0; p < tc.w*tc.h; p++ {
					v := float64(m.At(k, p))
					want := uint8(math.Floor((v-lo)/(hi-lo)*255 + 0.5))
					for dy := 0; dy < s; dy++ {
						for dx := 0; dx < s; dx++ {
							x, y := x0+(p%tc.w)*s+dx, y0+(p/tc.w)*s+dy
							if got := img.RGBAAt(x, y); got != (color.RGBA{want, want, want, 255}) {
								t.Fatalf("image %d pixel %d at (%d,%d) = %v, want grey %d", k, p, x, y, got, want)
							}
							covered[y*tc.wantW+x] = true
						}
					}
				}
			}
			for i, c := range covered {
				if !c {
					if got := img.RGBAAt(i%tc.wantW, i/tc.wantW); got != DefaultBackground {
						t.Fatalf("pixel (%d,%d) = %v, want background", i%tc.wantW, i/tc.wantW, got)
					}
				}
			}
		})
	}
}

func TestTileNormalization(t *testing.T) {
	// One 4x1 tile per row; values chosen so that each mapping gives round
	// numbers: x in [0,1] becomes floor(255x + 0.5).
	for _, tc := range []struct {
		name string
		opt  TileOptions
		in   []float32 // two tiles of 4 values
		want []uint8
	}{
		{"none clamps", TileOptions{},
			[]float32{-1, 0, 0.5, 2, 0.25, 1, 0.75, 0},
			[]uint8{0, 0, 128, 255, 64, 255, 191, 0}},
		{"none symmetric", TileOptions{Symmetric: true},
			[]float32{-1, 0, 0.5, 2, -0.5, 1, -2, 0},
			[]uint8{0, 128, 191, 255, 64, 255, 0, 128}},
		// Tile 0 spans [-2, 6]: -2 -> 0, 0 -> 0.25, 2 -> 0.5, 6 -> 1.
		// Tile 1 spans [10, 11].
		{"per tile", TileOptions{Normalize: PerTile},
			[]float32{-2, 0, 2, 6, 10, 10.5, 11, 10.25},
			[]uint8{0, 64, 128, 255, 0, 128, 255, 64}},
		// Both tiles share [-2, 14].
		{"global", TileOptions{Normalize: Global},
			[]float32{-2, 2, 6, 14, 10, 0, 6, 2},
			[]uint8{0, 64, 128, 255, 191, 32, 128, 64}},
		// Tile 0: max |w| = 4; tile 1: max |w| = 1.
		{"per tile symmetric", TileOptions{Normalize: PerTile, Symmetric: true},
			[]float32{-4, 0, 2, 1, 0.5, -0.5, 0, 1},
			[]uint8{0, 128, 191, 159, 191, 64, 128, 255}},
		{"global symmetric", TileOptions{Normalize: Global, Symmetric: true},
			[]float32{-4, 0, 2, 1, 0.5, -0.5, 0, 4},
			[]uint8{0, 128, 191, 159, 143, 112, 128, 255}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opt := tc.opt
			opt.Cols, opt.Pad = 1, -1
			img := Tile(mat32.NewDense(2, 4, tc.in), 4, 1, &opt)
			for i, want := range tc.want {
				if got := grey(img, i%4, i/4); got != want {
					t.Errorf("value %d (%g) -> grey %d, want %d", i, tc.in[i], got, want)
				}
			}
		})
	}
}

func TestTilePerTileMinMax(t *testing.T) {
	// Whatever the tile's scale, its minimum is black and its maximum white.
	r := rand.New(rand.NewPCG(1, 0))
	m := mat32.NewDense(20, 12, nil)
	for i := 0; i < m.Rows; i++ {
		scale := float32(math.Pow(10, float64(i-10)))
		row := m.Row(i)
		for j := range row {
			row[j] = scale * float32(r.NormFloat64())
		}
	}
	img := Tile(m, 4, 3, &TileOptions{Cols: 1, Pad: -1, Normalize: PerTile})
	for i := 0; i < m.Rows; i++ {
		lo, hi := uint8(255), uint8(0)
		for p := 0; p < 12; p++ {
			g := grey(img, p%4, i*3+p/4)
			lo, hi = min(lo, g), max(hi, g)
		}
		if lo != 0 || hi != 255 {
			t.Errorf("tile %d: grey range [%d, %d], want [0, 255]", i, lo, hi)
		}
	}
}

func TestTileColumnsIsTranspose(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 0))
	// W is (nv, nh) = (6, 5) inside a wider matrix, so the view has a
	// stride larger than its width.
	big := mat32.NewDense(6, 9, nil)
	for i := range big.Data {
		big.Data[i] = float32(r.NormFloat64())
	}
	w := big.Slice(0, 6, 2, 7)
	wt := mat32.NewDense(5, 6, nil)
	wt.Transpose(w)
	for _, norm := range []Normalization{None, PerTile, Global} {
		opt := &TileOptions{Columns: true, Normalize: norm, Scale: 2, Max: 4}
		a := Tile(w, 3, 2, opt)
		opt.Columns = false
		b := Tile(wt, 3, 2, opt)
		if a.Bounds() != b.Bounds() || !bytes.Equal(a.Pix, b.Pix) {
			t.Errorf("%v: Columns tiling of W differs from tiling of W^T", norm)
		}
	}
}

func TestTileBadValues(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	m := mat32.NewDense(4, 4, []float32{
		3, 3, 3, 3, // constant
		nan, nan, nan, nan, // all NaN
		0, nan, -inf, inf, // NaN and infinities
		0, 0, 0, 0, // all zero (symmetric: max |w| = 0)
	})
	for _, norm := range []Normalization{None, PerTile, Global} {
		for _, sym := range []bool{false, true} {
			img := Tile(m, 4, 1, &TileOptions{Normalize: norm, Symmetric: sym, Cols: 1, Pad: -1})
			for x := 0; x < 4; x++ {
				if got := img.RGBAAt(x, 1); got != DefaultNaN {
					t.Errorf("%v sym=%v: NaN drawn as %v", norm, sym, got)
				}
			}
			if got := img.RGBAAt(1, 2); got != DefaultNaN {
				t.Errorf("%v sym=%v: NaN drawn as %v", norm, sym, got)
			}
			if g0, g1 := grey(img, 2, 2), grey(img, 3, 2); g0 != 0 || g1 != 255 {
				t.Errorf("%v sym=%v: -Inf, +Inf drawn as %d, %d; want 0, 255", norm, sym, g0, g1)
			}
			if norm == PerTile {
				// A constant tile is mid-grey, except that the symmetric
				// mapping shows the sign of a non-zero constant.
				want := [4]uint8{0: 128, 3: 128}
				if sym {
					want[0] = 255
				}
				for _, y := range []int{0, 3} {
					for x := 0; x < 4; x++ {
						if g := grey(img, x, y); g != want[y] {
							t.Errorf("per tile sym=%v: constant tile %d drawn as %d, want %d", sym, y, g, want[y])
						}
					}
				}
			}
		}
	}
	// Global over a constant matrix is mid-grey too.
	c := mat32.NewDense(2, 2, []float32{7, 7, 7, 7})
	img := Tile(c, 2, 1, &TileOptions{Normalize: Global})
	if g := grey(img, 0, 0); g != 128 {
		t.Errorf("global constant: grey %d, want 128", g)
	}
}

func TestTileEmpty(t *testing.T) {
	img := Tile(mat32.NewDense(0, 6, nil), 3, 2, nil)
	if !img.Bounds().Empty() {
		t.Errorf("no images: bounds %v, want empty", img.Bounds())
	}
	img = TileFrames(nil, 3, 2, nil)
	if !img.Bounds().Empty() {
		t.Errorf("no frames: bounds %v, want empty", img.Bounds())
	}
}

func TestTilePanics(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
	}{
		{"row length", func() { Tile(mat32.NewDense(2, 5, nil), 3, 2, nil) }},
		{"column length", func() { Tile(mat32.NewDense(5, 6, nil), 3, 2, &TileOptions{Columns: true}) }},
		{"zero width", func() { Tile(mat32.NewDense(2, 0, nil), 0, 2, nil) }},
		{"normalization", func() { Tile(mat32.NewDense(2, 6, nil), 3, 2, &TileOptions{Normalize: 9}) }},
		{"frames differ", func() {
			TileFrames([]*mat32.Dense{mat32.NewDense(2, 6, nil), mat32.NewDense(3, 6, nil)}, 3, 2, nil)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "vis: ") {
					t.Errorf("panic %v, want a string starting with \"vis: \"", r)
				}
			}()
			tc.f()
		})
	}
}

func TestTileFrames(t *testing.T) {
	// 3 frames of 2 chains, each image 2x1. Frame f chain i holds values
	// 10*f + 3*i + {0, 1}; with global normalization over [0, 24].
	frames := make([]*mat32.Dense, 3)
	for f := range frames {
		frames[f] = mat32.NewDense(2, 2, nil)
		for i := 0; i < 2; i++ {
			frames[f].Set(i, 0, float32(10*f+3*i))
			frames[f].Set(i, 1, float32(10*f+3*i+1))
		}
	}
	img := TileFrames(frames, 2, 1, &TileOptions{Normalize: Global, Scale: 2, Cols: 99})
	// 3 columns of 2*2 pixels and 2 gaps; 2 rows of 1*2 pixels and 1 gap.
	if b := img.Bounds(); b.Dx() != 14 || b.Dy() != 5 {
		t.Fatalf("bounds %v, want 14x5", b)
	}
	for f := 0; f < 3; f++ {
		for i := 0; i < 2; i++ {
			for p := 0; p < 2; p++ {
				v := float64(10*f + 3*i + p)
				want := uint8(math.Floor(v/24*255 + 0.5))
				x, y := f*5+p*2+1, i*3+1
				if got := grey(img, x, y); got != want {
					t.Errorf("frame %d chain %d pixel %d: grey %d, want %d", f, i, p, got, want)
				}
			}
		}
	}
	// Max limits the chains shown.
	img = TileFrames(frames, 2, 1, &TileOptions{Max: 1, Pad: -1})
	if b := img.Bounds(); b.Dx() != 6 || b.Dy() != 1 {
		t.Errorf("Max 1: bounds %v, want 6x1", b)
	}
}

// goldenInput is a small matrix exercising layout, scale, per-tile
// normalization, symmetric mapping, NaN and a constant tile.
func goldenInput() *mat32.Dense {
	m := mat32.NewDense(5, 12, nil)
	for i := 0; i < 5; i++ {
		row := m.Row(i)
		for j := range row {
			x, y := float64(j%4), float64(j/4)
			row[j] = float32(math.Sin(x*float64(i+1)*0.7+y) * float64(i+1))
		}
	}
	m.Set(2, 5, float32(math.NaN()))
	m.Row(3)[0] = -7
	for j := range m.Row(4) {
		m.Row(4)[j] = 2
	}
	return m
}

func TestTileGolden(t *testing.T) {
	for _, tc := range []struct {
		file string
		opt  TileOptions
	}{
		{"tile_pertile.golden.png", TileOptions{Cols: 3, Scale: 3, Normalize: PerTile}},
		{"tile_symmetric.golden.png", TileOptions{Cols: 2, Scale: 2, Pad: 2, Normalize: Global, Symmetric: true}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			img := Tile(goldenInput(), 4, 3, &tc.opt)
			path := filepath.Join("testdata", tc.file)
			if *update {
				if err := WritePNG(path, img); err != nil {
					t.Fatal(err)
				}
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatalf("%v (run go test ./vis -run Golden -update to create it)", err)
			}
			defer f.Close()
			want, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			if !sameImage(img, want) {
				t.Errorf("picture differs from %s (if the change is intended, rerun with -update and look at it)", path)
			}
		})
	}
}

// sameImage reports whether a and b have the same bounds and colours.
func sameImage(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, a1 := a.At(x, y).RGBA()
			r2, g2, b2, a2 := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				return false
			}
		}
	}
	return true
}
