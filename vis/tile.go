package vis

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"github.com/belief-ml/belief/mat32"
)

// Normalization says how the values of a tile become grey levels.
type Normalization int

const (
	// None takes values to be intensities in [0, 1] (probabilities,
	// binary data, mean-field samples) and clamps anything outside.
	// With Symmetric it takes them to lie in [-1, 1] instead.
	None Normalization = iota
	// PerTile stretches each tile on its own: its smallest value becomes
	// black and its largest white. It is the right choice for filters,
	// whose scales differ from one hidden unit to the next.
	PerTile
	// Global stretches all drawn tiles by one common minimum and maximum,
	// so that tiles can be compared with each other.
	Global
)

// String returns the name of the normalization.
func (n Normalization) String() string {
	switch n {
	case None:
		return "none"
	case PerTile:
		return "per-tile"
	case Global:
		return "global"
	}
	return fmt.Sprintf("Normalization(%d)", int(n))
}

// Default colours of TileOptions.
var (
	// DefaultBackground is the colour of padding and empty grid cells:
	// a dark blue, so that it is told apart from any grey level.
	DefaultBackground = color.RGBA{R: 40, G: 60, B: 110, A: 255}
	// DefaultNaN is the colour of NaN values: pure red.
	DefaultNaN = color.RGBA{R: 255, A: 255}
)

// TileOptions controls the layout and the grey levels of Tile and
// TileFrames. The zero value, and a nil *TileOptions, draw every row of the
// matrix as an image with values in [0, 1], in a near-square grid, one pixel
// of padding, no magnification.
type TileOptions struct {
	// Columns says that the images are the columns of the matrix rather
	// than its rows: for an RBM whose W is (nv, nh), filter j is column j.
	// The default, false, takes rows (data and samples are (B, nv)).
	Columns bool

	// Cols is the number of tiles per grid row. If Cols is 0 it is
	// ceil(sqrt(n)) for n images, making the grid about square; it is
	// never more than n. TileFrames ignores it: its grid has one column
	// per frame.
	Cols int

	// Max is the largest number of images drawn; the first Max are used.
	// If Max is 0, all images are drawn.
	Max int

	// Pad is the width in output pixels of the gap between neighbouring
	// tiles. If Pad is 0 it is 1; a negative Pad means no gap. Padding is
	// not magnified by Scale.
	Pad int

	// Scale is the magnification: each value becomes a Scale x Scale block
	// of pixels (nearest-neighbour), so that 28x28 digits are large enough
	// to see. If Scale is 0 it is 1.
	Scale int

	// Normalize is how values become grey levels. The default is None.
	Normalize Normalization

	// Symmetric maps 0 to mid-grey and the largest |value| to white (if
	// positive) or black (if negative), which shows the sign of filter
	// weights. With PerTile the largest |value| is the tile's, with Global
	// it is that of all drawn tiles, and with None it is 1.
	Symmetric bool

	// Background is the colour of padding and of grid cells without an
	// image. If nil it is DefaultBackground.
	Background color.Color

	// NaN is the colour of NaN values. If nil it is DefaultNaN.
	// Infinities are drawn as the end of the range they point to.
	NaN color.Color
}

// Tile draws the images held in m as one grid and returns the picture.
//
// Each row of m (each column if opt.Columns) is an image of width x height
// pixels stored row-major, so m must have width*height columns (rows). The
// images are laid out left to right, top to bottom. Tile with n images, c
// grid columns and r = ceil(n/c) grid rows is
//
//	c*width*Scale + (c-1)*Pad   pixels wide and
//	r*height*Scale + (r-1)*Pad  pixels high.
//
// A matrix with no images gives an empty (0 x 0) picture. NaN values are
// drawn in opt.NaN; a tile whose values are all equal is drawn mid-grey by
// PerTile and Global. Tile panics if width or height is not positive or if
// the shape of m does not match them.
func Tile(m *mat32.Dense, width, height int, opt *TileOptions) *image.RGBA {
	o := withDefaults(opt)
	n := imageCount(m, width, height, o.Columns, "Tile")
	if o.Max > 0 && n > o.Max {
		n = o.Max
	}
	cols := o.Cols
	if cols <= 0 {
		cols = int(math.Ceil(math.Sqrt(float64(n))))
	}
	cols = min(cols, n)
	rows := 0
	if cols > 0 {
		rows = (n + cols - 1) / cols
	}
	cells := make([][]float32, rows*cols)
	buf := make([]float32, n*width*height)
	for k := 0; k < n; k++ {
		t := buf[k*width*height : (k+1)*width*height]
		gather(t, m, k, o.Columns)
		cells[k] = t
	}
	return render(cells, rows, cols, width, height, &o)
}

// TileFrames draws a sequence of matrices, such as the states of several
// Gibbs chains saved every few steps, as one grid: grid row i shows image i
// of every frame, and grid column t shows frame t, so a chain reads from
// left to right. Every frame must have the same shape, holding its images as
// Tile describes (rows, or columns if opt.Columns); opt.Max limits the number
// of grid rows and opt.Cols is ignored. Global normalization spans all
// frames. TileFrames panics if the frames differ in shape.
func TileFrames(frames []*mat32.Dense, width, height int, opt *TileOptions) *image.RGBA {
	o := withDefaults(opt)
	if len(frames) == 0 {
		return image.NewRGBA(image.Rect(0, 0, 0, 0))
	}
	n := imageCount(frames[0], width, height, o.Columns, "TileFrames")
	for t, f := range frames[1:] {
		if f.Rows != frames[0].Rows || f.Cols != frames[0].Cols {
			panic(fmt.Sprintf("vis: TileFrames frame %d is %dx%d, frame 0 is %dx%d",
				t+1, f.Rows, f.Cols, frames[0].Rows, frames[0].Cols))
		}
	}
	if o.Max > 0 && n > o.Max {
		n = o.Max
	}
	rows, cols := n, len(frames)
	if n == 0 {
		cols = 0
	}
	cells := make([][]float32, rows*cols)
	buf := make([]float32, rows*cols*width*height)
	for i := 0; i < rows; i++ {
		for t, f := range frames {
			k := i*cols + t
			c := buf[k*width*height : (k+1)*width*height]
			gather(c, f, i, o.Columns)
			cells[k] = c
		}
	}
	return render(cells, rows, cols, width, height, &o)
}

// withDefaults returns a copy of opt with every zero field replaced by its
// default.
func withDefaults(opt *TileOptions) TileOptions {
	var o TileOptions
	if opt != nil {
		o = *opt
	}
	switch {
	case o.Pad == 0:
		o.Pad = 1
	case o.Pad < 0:
		o.Pad = 0
	}
	if o.Scale <= 0 {
		o.Scale = 1
	}
	if o.Background == nil {
		o.Background = DefaultBackground
	}
	if o.NaN == nil {
		o.NaN = DefaultNaN
	}
	switch o.Normalize {
	case None, PerTile, Global:
	default:
		panic(fmt.Sprintf("vis: unknown normalization %d", int(o.Normalize)))
	}
	return o
}

// imageCount checks the shape of m against width x height and returns the
// number of images it holds.
func imageCount(m *mat32.Dense, width, height int, columns bool, fn string) int {
	if width <= 0 || height <= 0 {
		panic(fmt.Sprintf("vis: %s image size %dx%d is not positive", fn, width, height))
	}
	size, n, what := m.Cols, m.Rows, "columns"
	if columns {
		size, n, what = m.Rows, m.Cols, "rows"
	}
	if size != width*height {
		panic(fmt.Sprintf("vis: %s matrix %dx%d has %d %s, want %d = %dx%d pixels",
			fn, m.Rows, m.Cols, size, what, width*height, width, height))
	}
	return n
}

// gather copies image k of m (row k, or column k if columns) into dst.
func gather(dst []float32, m *mat32.Dense, k int, columns bool) {
	if !columns {
		copy(dst, m.Row(k))
		return
	}
	for p := range dst {
		dst[p] = m.Data[p*m.Stride+k]
	}
}

// finiteRange returns the smallest and largest finite values of v and
// whether there were any.
func finiteRange(lo, hi float64, ok bool, v []float32) (float64, float64, bool) {
	for _, x := range v {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			continue
		}
		if !ok {
			lo, hi, ok = f, f, true
			continue
		}
		lo = math.Min(lo, f)
		hi = math.Max(hi, f)
	}
	return lo, hi, ok
}

// mapping turns a value v into the intensity (v - lo) / span, clamped to
// [0, 1]. A zero span draws every finite value mid-grey.
type mapping struct{ lo, span float64 }

func newMapping(o *TileOptions, lo, hi float64, ok bool) mapping {
	if o.Normalize == None {
		if o.Symmetric {
			return mapping{-1, 2}
		}
		return mapping{0, 1}
	}
	if !ok {
		return mapping{0, 0}
	}
	if o.Symmetric {
		a := math.Max(math.Abs(lo), math.Abs(hi))
		return mapping{-a, 2 * a}
	}
	return mapping{lo, hi - lo}
}

// grey returns the grey level of v, and false for NaN. Infinities are black
// or white whatever the mapping.
func (mp mapping) grey(v float32) (uint8, bool) {
	f := float64(v)
	switch {
	case math.IsNaN(f):
		return 0, false
	case math.IsInf(f, -1):
		return 0, true
	case math.IsInf(f, 1):
		return 255, true
	case mp.span == 0:
		return 128, true
	}
	x := (f - mp.lo) / mp.span
	switch {
	case x <= 0:
		return 0, true
	case x >= 1:
		return 255, true
	}
	return uint8(math.Floor(x*255 + 0.5)), true
}

// render draws cells (row-major over a rows x cols grid, nil for an empty
// cell) of width x height values each.
func render(cells [][]float32, rows, cols, width, height int, o *TileOptions) *image.RGBA {
	s, pad := o.Scale, o.Pad
	if rows == 0 || cols == 0 {
		return image.NewRGBA(image.Rect(0, 0, 0, 0))
	}
	w := cols*width*s + (cols-1)*pad
	h := rows*height*s + (rows-1)*pad
	img := image.NewRGBA(image.Rect(0, 0, w, h))

	bg := color.RGBAModel.Convert(o.Background).(color.RGBA)
	nan := color.RGBAModel.Convert(o.NaN).(color.RGBA)
	for p := 0; p < len(img.Pix); p += 4 {
		img.Pix[p], img.Pix[p+1], img.Pix[p+2], img.Pix[p+3] = bg.R, bg.G, bg.B, bg.A
	}

	var glo, ghi float64
	var gok bool
	if o.Normalize == Global {
		for _, c := range cells {
			glo, ghi, gok = finiteRange(glo, ghi, gok, c)
		}
	}
	global := newMapping(o, glo, ghi, gok)

	for k, c := range cells {
		if c == nil {
			continue
		}
		mp := global
		if o.Normalize == PerTile {
			lo, hi, ok := finiteRange(0, 0, false, c)
			mp = newMapping(o, lo, hi, ok)
		}
		x0 := (k % cols) * (width*s + pad)
		y0 := (k / cols) * (height*s + pad)
		for py := 0; py < height; py++ {
			for px := 0; px < width; px++ {
				px4 := [4]uint8{nan.R, nan.G, nan.B, nan.A}
				if g, ok := mp.grey(c[py*width+px]); ok {
					px4 = [4]uint8{g, g, g, 255}
				}
				for dy := 0; dy < s; dy++ {
					off := img.PixOffset(x0+px*s, y0+py*s+dy)
					for dx := 0; dx < s; dx++ {
						copy(img.Pix[off+4*dx:off+4*dx+4], px4[:])
					}
				}
			}
		}
	}
	return img
}
