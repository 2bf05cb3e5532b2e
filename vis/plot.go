package vis

import (
	"fmt"
	"math"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Size of the pictures PlotCurves draws: 6 x 4 inches at 100 dots per
// inch, that is 600 x 400 pixels, readable on a screen and in a README.
const (
	PlotWidth  = 6 * vg.Inch
	PlotHeight = 4 * vg.Inch
	PlotDPI    = 100
)

// Series is one curve: the points (X[i], Y[i]). X and Y must have the same
// length. Points where X or Y is NaN or infinite are not drawn; the line
// breaks there, and a finite point with missing neighbours on both sides
// is drawn as a dot.
type Series struct {
	Name string
	X, Y []float64
}

// PlotCurves draws the series as lines, each in its own colour and dash
// pattern and named in a legend (put in the corner the curves cross least), and writes the picture as a PNG of
// PlotWidth x PlotHeight at PlotDPI to path, atomically as WritePNG does.
// A series without a Name is left out of the legend. It returns an error if
// a series has X and Y of different lengths, or if the file cannot be
// written; errors name the path.
func PlotCurves(path string, title, xlabel, ylabel string, series ...Series) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Add(plotter.NewGrid())
	p.Legend.Top, p.Legend.Left = legendCorner(series)
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(6), -vg.Points(6)
	if p.Legend.Left {
		p.Legend.XOffs = vg.Points(6)
	}
	if !p.Legend.Top {
		p.Legend.YOffs = vg.Points(6)
	}

	for i, s := range series {
		if len(s.X) != len(s.Y) {
			return fmt.Errorf("vis: plotting %s: series %d (%q) has %d x values and %d y values",
				path, i, s.Name, len(s.X), len(s.Y))
		}
		var thumb plot.Thumbnailer
		for _, seg := range segments(s.X, s.Y) {
			if len(seg) == 1 {
				// A lone point has no line through it: mark it.
				sc, err := plotter.NewScatter(seg)
				if err != nil {
					return fmt.Errorf("vis: plotting %s: series %q: %w", path, s.Name, err)
				}
				sc.Color = plotutil.Color(i)
				sc.Shape = draw.CircleGlyph{}
				sc.Radius = vg.Points(2)
				p.Add(sc)
				if thumb == nil {
					thumb = sc
				}
				continue
			}
			l, err := plotter.NewLine(seg)
			if err != nil {
				return fmt.Errorf("vis: plotting %s: series %q: %w", path, s.Name, err)
			}
			l.Color = plotutil.Color(i)
			l.Dashes = plotutil.Dashes(i)
			l.Width = vg.Points(1.5)
			p.Add(l)
			if _, isLine := thumb.(*plotter.Line); !isLine {
				thumb = l
			}
		}
		if thumb != nil && s.Name != "" {
			p.Legend.Add(s.Name, thumb)
		}
	}

	c := vgimg.NewWith(vgimg.UseWH(PlotWidth, PlotHeight), vgimg.UseDPI(PlotDPI))
	p.Draw(draw.New(c))
	return writeAtomic(path, func(f *os.File) error {
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(f)
		return err
	})
}

// segments splits the points into runs of finite points, so that a line is
// drawn through each run and broken where a value is missing.
func segments(x, y []float64) []plotter.XYs {
	var out []plotter.XYs
	var cur plotter.XYs
	for i := range x {
		if !finite(x[i]) || !finite(y[i]) {
			if len(cur) > 0 {
				out = append(out, cur)
				cur = nil
			}
			continue
		}
		cur = append(cur, plotter.XY{X: x[i], Y: y[i]})
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// legendCorner picks the corner of the plot where the legend hides the
// least of the curves: it counts points along every finite segment, in
// coordinates scaled to the data range, that fall in a box of about the
// legend's size in each corner, and prefers top right, then bottom right,
// top left, bottom left on ties.
func legendCorner(series []Series) (top, left bool) {
	xmin, xmax := math.Inf(1), math.Inf(-1)
	ymin, ymax := math.Inf(1), math.Inf(-1)
	named := 0
	for _, s := range series {
		if s.Name != "" {
			named++
		}
		for i := range s.X {
			if i < len(s.Y) && finite(s.X[i]) && finite(s.Y[i]) {
				xmin, xmax = math.Min(xmin, s.X[i]), math.Max(xmax, s.X[i])
				ymin, ymax = math.Min(ymin, s.Y[i]), math.Max(ymax, s.Y[i])
			}
		}
	}
	if !(xmax > xmin) || !(ymax > ymin) {
		return true, false
	}
	// The legend box: 40% of the width, and a line of text (about 7% of
	// the height) per named series.
	bw, bh := 0.4, 0.07*float64(named)+0.04
	corners := [4]struct{ top, left bool }{{true, false}, {false, false}, {true, true}, {false, true}}
	var hits [4]int
	count := func(x, y float64) {
		for c, k := range corners {
			inX := x >= 1-bw
			if k.left {
				inX = x <= bw
			}
			inY := y <= bh
			if k.top {
				inY = y >= 1-bh
			}
			if inX && inY {
				hits[c]++
			}
		}
	}
	for _, s := range series {
		if len(s.X) != len(s.Y) {
			continue
		}
		for _, seg := range segments(s.X, s.Y) {
			for i := range seg {
				x0 := (seg[i].X - xmin) / (xmax - xmin)
				y0 := (seg[i].Y - ymin) / (ymax - ymin)
				count(x0, y0)
				if i+1 == len(seg) {
					break
				}
				x1 := (seg[i+1].X - xmin) / (xmax - xmin)
				y1 := (seg[i+1].Y - ymin) / (ymax - ymin)
				const steps = 16
				for k := 1; k < steps; k++ {
					f := float64(k) / steps
					count(x0+f*(x1-x0), y0+f*(y1-y0))
				}
			}
		}
	}
	best := 0
	for c := range hits {
		if hits[c] < hits[best] {
			best = c
		}
	}
	return corners[best].top, corners[best].left
}
