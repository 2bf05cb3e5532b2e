package dataset

import (
	"fmt"
	"math"
	"strings"

	"github.com/belief-ml/belief/mat32"
)

// Set is a data set held in memory: one example per row of X.
type Set struct {
	// X holds the examples, one per row. Image pixels are scaled to [0, 1]
	// (intensity/255 for 8-bit images).
	X *mat32.Dense
	// Labels holds one class label per row of X, or is nil if the data
	// set has none. Labels are in [0, MaxLabel].
	Labels []int
	// Classes names the labels when the source does (the sub-folder
	// names of a PNG folder): Classes[l] is the name of label l. It is
	// nil otherwise.
	Classes []string
	// Width and Height are the image shape of a row (Width*Height ==
	// X.Cols) when it is known, else 0.
	Width, Height int
	// Name says where the set came from ("mnist-train", a file name).
	Name string
}

// MaxLabel is the largest class label a reader accepts. It bounds the
// memory that per-class tables (such as Summary.LabelCounts) can take.
const MaxLabel = 1<<16 - 1

// FormatError reports bad input data: the file, the place in it (a byte
// offset, a line and column, an image) and what is wrong.
type FormatError struct {
	File  string // the file or stream name
	Where string // the place in the file, such as "offset 16" or "line 3, column 2"
	Msg   string // what is wrong
}

func (e *FormatError) Error() string {
	return "dataset: " + e.File + ": " + e.Where + ": " + e.Msg
}

func formatErr(file, where, format string, args ...any) *FormatError {
	return &FormatError{File: file, Where: where, Msg: fmt.Sprintf(format, args...)}
}

// Summary describes a data set; see Stats.
type Summary struct {
	Name          string
	Rows, Cols    int
	Width, Height int
	// Min, Max and Mean are over all values of X.
	Min, Max, Mean float64
	// ZeroFraction is the fraction of values equal to 0, BinaryFraction the
	// fraction equal to 0 or 1 (1 for binarized data).
	ZeroFraction, BinaryFraction float64
	// LabelCounts[l] is the number of rows with label l; nil without labels.
	LabelCounts []int
	Classes     []string
}

// Stats summarizes set. It makes one pass over the data.
func Stats(set *Set) Summary {
	s := Summary{Name: set.Name, Rows: set.X.Rows, Cols: set.X.Cols, Width: set.Width, Height: set.Height, Classes: set.Classes}
	mn, mx := float32(math.Inf(1)), float32(math.Inf(-1))
	var sum float64
	var zeros, binary int
	for i := 0; i < set.X.Rows; i++ {
		var rowSum float64
		for _, v := range set.X.Row(i) {
			rowSum += float64(v)
			if v < mn {
				mn = v
			}
			if v > mx {
				mx = v
			}
			if v == 0 {
				zeros++
				binary++
			} else if v == 1 {
				binary++
			}
		}
		sum += rowSum
	}
	if n := float64(s.Rows * s.Cols); n > 0 {
		s.Min, s.Max = float64(mn), float64(mx)
		s.Mean = sum / n
		s.ZeroFraction = float64(zeros) / n
		s.BinaryFraction = float64(binary) / n
	}
	if set.Labels != nil {
		hi := -1
		for _, l := range set.Labels {
			hi = max(hi, l)
		}
		s.LabelCounts = make([]int, hi+1)
		for _, l := range set.Labels {
			if l >= 0 {
				s.LabelCounts[l]++
			}
		}
	}
	return s
}

// String formats the summary over a few lines, for a person to read.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d examples of %d values", s.Name, s.Rows, s.Cols)
	if s.Width > 0 {
		fmt.Fprintf(&b, " (%dx%d images)", s.Width, s.Height)
	}
	fmt.Fprintf(&b, "\nvalues: min %.4g, max %.4g, mean %.4g; %.1f%% zeros, %.1f%% binary\n",
		s.Min, s.Max, s.Mean, 100*s.ZeroFraction, 100*s.BinaryFraction)
	if s.LabelCounts == nil {
		b.WriteString("labels: none\n")
		return b.String()
	}
	b.WriteString("labels:")
	for l, c := range s.LabelCounts {
		if l < len(s.Classes) {
			fmt.Fprintf(&b, " %d(%s):%d", l, s.Classes[l], c)
		} else {
			fmt.Fprintf(&b, " %d:%d", l, c)
		}
	}
	b.WriteString("\n")
	return b.String()
}
