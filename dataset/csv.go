package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/belief-ml/belief/mat32"
)

// HeaderMode says whether the first line of a CSV file is a header.
type HeaderMode int

const (
	// HeaderAuto treats the first line as a header if any of its cells is
	// not a number.
	HeaderAuto HeaderMode = iota
	// HeaderYes always skips the first line.
	HeaderYes
	// HeaderNo reads the first line as data.
	HeaderNo
)

// CSVOptions says how to read a CSV file. The zero value reads
// comma-separated numbers, detects a header line, and takes no labels.
type CSVOptions struct {
	// Header says whether the first line is a header. The default,
	// HeaderAuto, detects it.
	Header HeaderMode
	// Labeled says that one column holds integer class labels (in
	// [0, MaxLabel]) rather than values. The default is false.
	Labeled bool
	// LabelColumn is the 0-based index of the label column when Labeled;
	// a negative index counts from the end (-1 is the last column). The
	// default is 0, the first column.
	LabelColumn int
	// Comma is the field separator. If Comma is 0, it is ','.
	Comma rune
}

// LoadCSV reads a CSV file of numbers, one example per line; see ReadCSV.
func LoadCSV(path string, opt CSVOptions) (*Set, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	return ReadCSV(f, path, opt)
}

// ReadCSV reads CSV data of numbers from r, one example per line. Every
// line must have the same number of cells; every value cell must be a
// finite number (NaN and Inf are errors). Blank lines are skipped.
// Errors name the file, line and column (1-based). name is used in errors
// and as the set's Name.
func ReadCSV(r io.Reader, name string, opt CSVOptions) (*Set, error) {
	cr := csv.NewReader(r)
	if opt.Comma != 0 {
		cr.Comma = opt.Comma
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var (
		data   []float32
		labels []int
		ncols  = -1 // cells per line
		lblCol = -1
		rows   int
		first  = true
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, formatErr(name, fmt.Sprintf("line %d, column %d", pe.Line, pe.Column), "%v", pe.Err)
			}
			return nil, fmt.Errorf("dataset: %s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			skip := opt.Header == HeaderYes
			if opt.Header == HeaderAuto {
				for _, c := range rec {
					if _, err := strconv.ParseFloat(strings.TrimSpace(c), 32); err != nil {
						skip = true
						break
					}
				}
			}
			ncols = len(rec)
			if opt.Labeled {
				lblCol = opt.LabelColumn
				if lblCol < 0 {
					lblCol += ncols
				}
				if lblCol < 0 || lblCol >= ncols {
					return nil, formatErr(name, fmt.Sprintf("line %d", line), "label column %d is outside the %d columns", opt.LabelColumn, ncols)
				}
				if ncols == 1 {
					return nil, formatErr(name, fmt.Sprintf("line %d", line), "only the label column, no values")
				}
			}
			if skip {
				continue
			}
		}
		if len(rec) != ncols {
			return nil, formatErr(name, fmt.Sprintf("line %d", line), "%d cells where earlier lines have %d", len(rec), ncols)
		}
		for j, c := range rec {
			c = strings.TrimSpace(c)
			if j == lblCol {
				l, err := strconv.Atoi(c)
				if err != nil || l < 0 || l > MaxLabel {
					return nil, formatErr(name, fmt.Sprintf("line %d, column %d", line, j+1), "label %q is not an integer in [0, %d]", c, MaxLabel)
				}
				labels = append(labels, l)
				continue
			}
			v, err := strconv.ParseFloat(c, 32)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, formatErr(name, fmt.Sprintf("line %d, column %d", line, j+1), "%q is not a finite number", c)
			}
			data = append(data, float32(v))
		}
		rows++
	}
	if rows == 0 {
		return nil, formatErr(name, "end of file", "no data lines")
	}
	cols := len(data) / rows
	return &Set{X: mat32.NewDense(rows, cols, data[:rows*cols:rows*cols]), Labels: labels, Name: name}, nil
}
