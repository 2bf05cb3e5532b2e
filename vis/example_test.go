package vis_test

import (
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/vis"
)

// Tile five 2x2 images, magnified 3 times, into a grid 3 tiles wide, and
// write the picture to a file.
func ExampleTile() {
	m := mat32.NewDense(5, 4, []float32{
		0, 1, 1, 0, // a diagonal
		1, 0, 0, 1, // the other diagonal
		1, 1, 0, 0, // top bar
		0, 0, 1, 1, // bottom bar
		0.5, 0.5, 0.5, 0.5, // grey
	})
	img := vis.Tile(m, 2, 2, &vis.TileOptions{Cols: 3, Scale: 3})
	// 3 tiles of 2*3 pixels plus 2 gaps of 1 pixel across,
	// 2 tiles of 2*3 pixels plus 1 gap down.
	fmt.Println(img.Bounds().Dx(), "x", img.Bounds().Dy())
	fmt.Println("top-left pixel of tile 2:", img.RGBAAt(14, 0).R)

	dir, err := os.MkdirTemp("", "vis-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "tiles.png")
	if err := vis.WritePNG(path, img); err != nil {
		fmt.Println(err)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("file:", cfg.Width, "x", cfg.Height)
	// Output:
	// 20 x 13
	// top-left pixel of tile 2: 255
	// file: 20 x 13
}

// Plot a training curve with a missing value and a second series.
func ExamplePlotCurves() {
	dir, err := os.MkdirTemp("", "vis-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "curve.png")
	err = vis.PlotCurves(path, "Training", "epoch", "log-likelihood",
		vis.Series{Name: "train", X: []float64{1, 2, 3, 4}, Y: []float64{-120, -100, -95, -93}},
		vis.Series{Name: "test", X: []float64{1, 2, 3, 4}, Y: []float64{-125, -104, math.NaN(), -99}},
	)
	fmt.Println(err)
	// Output:
	// <nil>
}
