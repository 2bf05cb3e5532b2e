package vis

import (
	"flag"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/belief-ml/belief/mat32"
)

var gallery = flag.String("gallery", "", "write example pictures into this directory, to look at")

// TestGallery draws pictures meant for a person to look at: 100 patterns
// (strokes with noise), filter-like weights tiled per tile and
// symmetrically, chains of a pattern forming from noise, and a training
// curve. It runs only with -gallery=DIR:
//
//	go test ./vis -run Gallery -gallery=/tmp/vis-gallery
func TestGallery(t *testing.T) {
	if *gallery == "" {
		t.Skip("no -gallery directory")
	}
	const w, h = 16, 16
	r := rand.New(rand.NewPCG(7, 0))

	// Patterns: a bright bar at a random angle through the centre, blurred
	// edge, plus noise; values in [0, 1].
	pattern := func(dst []float32, angle, noise float64) {
		c, s := math.Cos(angle), math.Sin(angle)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				dx, dy := float64(x)-7.5, float64(y)-7.5
				d := math.Abs(-s*dx + c*dy)
				v := math.Exp(-d*d/4) + noise*(r.Float64()-0.5)
				dst[y*w+x] = float32(min(max(v, 0), 1))
			}
		}
	}
	data := mat32.NewDense(100, w*h, nil)
	for i := 0; i < 100; i++ {
		pattern(data.Row(i), r.Float64()*math.Pi, 0.3)
	}
	save := func(name string, m *mat32.Dense, opt *TileOptions) {
		path := filepath.Join(*gallery, name)
		if err := WritePNG(path, Tile(m, w, h, opt)); err != nil {
			t.Fatal(err)
		}
		t.Log("wrote", path)
	}
	save("data.png", data, &TileOptions{Scale: 2})

	// Filters: columns of W (nv, nh) = oriented Gabor-like weights with
	// scales differing by orders of magnitude, one NaN, one constant.
	W := mat32.NewDense(w*h, 49, nil)
	for j := 0; j < 49; j++ {
		angle := float64(j) * math.Pi / 49
		scale := math.Pow(10, float64(j%5)-2)
		c, s := math.Cos(angle), math.Sin(angle)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				dx, dy := float64(x)-7.5, float64(y)-7.5
				u := c*dx + s*dy
				env := math.Exp(-(dx*dx + dy*dy) / 30)
				W.Set(y*w+x, j, float32(scale*(env*math.Cos(u)+0.05*r.NormFloat64())))
			}
		}
	}
	W.Set(3*w+3, 10, float32(math.NaN()))
	for p := 0; p < w*h; p++ {
		W.Set(p, 20, 0.25)
	}
	save("filters_pertile.png", W, &TileOptions{Columns: true, Normalize: PerTile, Scale: 2})
	save("filters_symmetric.png", W, &TileOptions{Columns: true, Normalize: PerTile, Symmetric: true, Scale: 2})
	save("filters_global.png", W, &TileOptions{Columns: true, Normalize: Global, Scale: 2})

	// Chains: 6 chains, 10 frames, noise fading into a bar.
	frames := make([]*mat32.Dense, 10)
	angles := []float64{0, 0.5, 1, 1.5, 2, 2.5}
	for f := range frames {
		frames[f] = mat32.NewDense(len(angles), w*h, nil)
		for i, a := range angles {
			row := frames[f].Row(i)
			pattern(row, a, 0)
			for p := range row {
				t := float64(f) / 9
				row[p] = float32(t*float64(row[p]) + (1-t)*r.Float64())
			}
		}
	}
	path := filepath.Join(*gallery, "chains.png")
	if err := WritePNG(path, TileFrames(frames, w, h, &TileOptions{Scale: 3, Pad: 2})); err != nil {
		t.Fatal(err)
	}

	// A training curve with a gap.
	var train, test Series
	train.Name, test.Name = "train (CD-1)", "test (AIS)"
	for e := 1; e <= 50; e++ {
		x := float64(e)
		train.X = append(train.X, x)
		train.Y = append(train.Y, -90-60*math.Exp(-x/8)+r.NormFloat64())
		if e%5 == 0 {
			test.X = append(test.X, x)
			y := -95 - 60*math.Exp(-x/8) + 0.02*x*x/10
			if e == 25 {
				y = math.NaN()
			}
			test.Y = append(test.Y, y)
		}
	}
	path = filepath.Join(*gallery, "curve.png")
	if err := PlotCurves(path, "Average log-likelihood", "epoch", "nats per example", train, test); err != nil {
		t.Fatal(err)
	}
}
