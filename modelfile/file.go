package modelfile

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/belief-ml/belief/mat32"
)

// File is the content of a model file: what kind of model it holds, how it
// was made, and its parameters as named arrays.
type File struct {
	// Kind names the model type, e.g. "rbm", "sbn", "dbn", "mlp". The model
	// package that reads the file checks it.
	Kind string

	// Meta holds free-form metadata such as "created" (RFC 3339 time),
	// "belief" (the version that wrote the file) and "command" (the command
	// line). Keys follow the rules for array names; values are UTF-8.
	Meta map[string]string

	// Settings is the JSON encoding of the settings that produced the model.
	// Empty (nil) when there are none.
	Settings json.RawMessage

	// History is the JSON encoding of the training history, typically one
	// record per epoch. Empty (nil) when there is none.
	History json.RawMessage

	// Arrays holds the parameters, in the order they are written.
	// Names are unique.
	Arrays []Array

	// Path is the file the File was read from (set by Read and ReadNPZFile).
	// It is not stored; it only makes error messages name the file.
	Path string
}

// Array is a named n-dimensional array in C (row-major) order. Exactly one of
// Data and Data64 holds its elements: Data for float32 arrays (parameters),
// Data64 for float64 ones (sums of log-probabilities, log Z estimates).
type Array struct {
	Name  string
	Shape []int     // dimensions; an empty Shape is a scalar (one element)
	Data  []float32 // the elements when the array is float32
	// Data64 holds the elements when the array is float64; it is nil
	// otherwise. A non-nil Data64 makes the array float64.
	Data64 []float64
}

// Is64 reports whether a holds float64 elements.
func (a *Array) Is64() bool { return a.Data64 != nil }

// Len returns the number of elements a holds.
func (a *Array) Len() int {
	if a.Is64() {
		return len(a.Data64)
	}
	return len(a.Data)
}

// Float32 returns the elements as float32: Data itself for a float32 array,
// a converted copy for a float64 one.
func (a *Array) Float32() []float32 {
	if !a.Is64() {
		return a.Data
	}
	d := make([]float32, len(a.Data64))
	for i, v := range a.Data64 {
		d[i] = float32(v)
	}
	return d
}

// Float64 returns the elements as float64: Data64 itself for a float64
// array, a converted copy for a float32 one.
func (a *Array) Float64() []float64 {
	if a.Is64() {
		return a.Data64
	}
	d := make([]float64, len(a.Data))
	for i, v := range a.Data {
		d[i] = float64(v)
	}
	return d
}

// shapeString formats a shape the way NumPy prints it: (3, 4), (5,), ().
func shapeString(shape []int) string {
	s := "("
	for i, d := range shape {
		if i > 0 {
			s += ", "
		}
		s += strconv.Itoa(d)
	}
	if len(shape) == 1 {
		s += ","
	}
	return s + ")"
}

// Limits shared by the encoder and decoders. They keep files sane, not small:
// a dimension may hold two billion elements.
const (
	maxNameLen = 255           // bytes in an array name or Meta key
	maxKindLen = 64            // bytes in Kind
	maxDims    = 32            // dimensions of one array
	maxDim     = math.MaxInt32 // elements along one dimension
)

// checkName reports why s is not a valid array name or Meta key, or "" if it
// is. A valid name is 1 to 255 bytes of UTF-8 with no control characters and
// no '/' or '\\', so that it can also name a file inside a .npz archive.
func checkName(s string) string {
	if s == "" {
		return "empty name"
	}
	if len(s) > maxNameLen {
		return fmt.Sprintf("name of %d bytes (the limit is %d)", len(s), maxNameLen)
	}
	if !utf8.ValidString(s) {
		return fmt.Sprintf("name %q is not valid UTF-8", s)
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '/' || r == '\\' {
			return fmt.Sprintf("name %q contains %q", s, r)
		}
	}
	return ""
}

// checkKind reports why s is not a valid Kind, or "" if it is: 1 to 64 bytes
// of ASCII letters, digits, '_', '-' and '.'.
func checkKind(s string) string {
	if s == "" {
		return "empty model kind"
	}
	if len(s) > maxKindLen {
		return fmt.Sprintf("model kind of %d bytes (the limit is %d)", len(s), maxKindLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.') {
			return fmt.Sprintf("model kind %q contains %q", s, c)
		}
	}
	return ""
}

// shapeLen returns the number of elements of shape, or an explanation of why
// the shape is invalid. limit bounds the product: a product above limit is
// reported without being computed in full, so that no overflow can occur.
func shapeLen(shape []int, limit int) (int, string) {
	if len(shape) > maxDims {
		return 0, fmt.Sprintf("%d dimensions (the limit is %d)", len(shape), maxDims)
	}
	n := 1
	for _, d := range shape {
		if d < 0 || d > maxDim {
			return 0, fmt.Sprintf("dimension %d out of range in shape %s", d, shapeString(shape))
		}
		if d == 0 {
			n = 0
		}
	}
	if n == 0 {
		return 0, ""
	}
	for _, d := range shape {
		if n > limit/d {
			return 0, fmt.Sprintf("shape %s holds more than %d elements", shapeString(shape), limit)
		}
		n *= d
	}
	return n, ""
}

// validate checks f before it is encoded, so that the encoder never fails
// half way for a reason of its own.
func (f *File) validate() error {
	if msg := checkKind(f.Kind); msg != "" {
		return fmt.Errorf("modelfile: %s", msg)
	}
	for k, v := range f.Meta {
		if msg := checkName(k); msg != "" {
			return fmt.Errorf("modelfile: Meta key: %s", msg)
		}
		if !utf8.ValidString(v) {
			return fmt.Errorf("modelfile: Meta[%q] is not valid UTF-8", k)
		}
	}
	if len(f.Settings) > 0 && !json.Valid(f.Settings) {
		return fmt.Errorf("modelfile: Settings is not valid JSON")
	}
	if len(f.History) > 0 && !json.Valid(f.History) {
		return fmt.Errorf("modelfile: History is not valid JSON")
	}
	seen := make(map[string]bool, len(f.Arrays))
	for i := range f.Arrays {
		if err := f.Arrays[i].validate(); err != nil {
			return err
		}
		if seen[f.Arrays[i].Name] {
			return fmt.Errorf("modelfile: two arrays named %q", f.Arrays[i].Name)
		}
		seen[f.Arrays[i].Name] = true
	}
	return nil
}

func (a *Array) validate() error {
	if msg := checkName(a.Name); msg != "" {
		return fmt.Errorf("modelfile: array name: %s", msg)
	}
	if a.Data != nil && a.Data64 != nil {
		return fmt.Errorf("modelfile: array %q has both Data and Data64", a.Name)
	}
	n, msg := shapeLen(a.Shape, math.MaxInt)
	if msg != "" {
		return fmt.Errorf("modelfile: array %q: %s", a.Name, msg)
	}
	if n != a.Len() {
		return fmt.Errorf("modelfile: array %q: shape %s holds %d elements but the data has %d",
			a.Name, shapeString(a.Shape), n, a.Len())
	}
	return nil
}

// Array returns the array called name.
func (f *File) Array(name string) (*Array, bool) {
	for i := range f.Arrays {
		if f.Arrays[i].Name == name {
			return &f.Arrays[i], true
		}
	}
	return nil, false
}

// errorf returns a FormatError naming f's file.
func (f *File) errorf(format string, args ...any) error {
	return &FormatError{File: f.Path, Offset: -1, Msg: fmt.Sprintf(format, args...)}
}

func (f *File) lookup(name string, want []int) (*Array, error) {
	a, ok := f.Array(name)
	if !ok {
		kind := f.Kind
		if kind == "" {
			kind = "model"
		}
		return nil, f.errorf("%s file has no array %q", kind, name)
	}
	if len(a.Shape) != len(want) {
		return nil, f.errorf("array %q has shape %s; want %d dimensions", name, shapeString(a.Shape), len(want))
	}
	for i, w := range want {
		if w >= 0 && a.Shape[i] != w {
			ws := make([]int, len(want))
			copy(ws, want)
			return nil, f.errorf("array %q has shape %s; want %s", name, shapeString(a.Shape), wantString(ws))
		}
	}
	return a, nil
}

// wantString formats a wanted shape, printing a negative (any) size as "*".
func wantString(want []int) string {
	s := "("
	for i, d := range want {
		if i > 0 {
			s += ", "
		}
		if d < 0 {
			s += "*"
		} else {
			s += strconv.Itoa(d)
		}
	}
	if len(want) == 1 {
		s += ","
	}
	return s + ")"
}

// Dense returns the two-dimensional array called name as a rows x cols
// matrix. A negative rows or cols accepts any size along that dimension.
// The matrix shares the array's data when the array is float32; a float64
// array is converted. A missing array or a wrong shape is a *FormatError
// naming the file, the array and both shapes.
func (f *File) Dense(name string, rows, cols int) (*mat32.Dense, error) {
	a, err := f.lookup(name, []int{rows, cols})
	if err != nil {
		return nil, err
	}
	return mat32.NewDense(a.Shape[0], a.Shape[1], a.Float32()), nil
}

// Vec returns the one-dimensional array called name, which must have n
// elements (any number if n is negative). The slice shares the array's data
// when the array is float32; a float64 array is converted.
func (f *File) Vec(name string, n int) ([]float32, error) {
	a, err := f.lookup(name, []int{n})
	if err != nil {
		return nil, err
	}
	return a.Float32(), nil
}

// Vec64 is like Vec for float64 data: a float32 array is converted.
func (f *File) Vec64(name string, n int) ([]float64, error) {
	a, err := f.lookup(name, []int{n})
	if err != nil {
		return nil, err
	}
	return a.Float64(), nil
}

// add appends a, panicking on an invalid or duplicate name (a programmer
// error: the model package chooses the names).
func (f *File) add(a Array) {
	if msg := checkName(a.Name); msg != "" {
		panic("modelfile: " + msg)
	}
	if _, dup := f.Array(a.Name); dup {
		panic(fmt.Sprintf("modelfile: duplicate array %q", a.Name))
	}
	f.Arrays = append(f.Arrays, a)
}

// AddDense appends a copy of m as the (m.Rows, m.Cols) array called name.
// It panics if name is invalid or already used.
func (f *File) AddDense(name string, m *mat32.Dense) {
	d := make([]float32, m.Rows*m.Cols)
	for i := 0; i < m.Rows; i++ {
		copy(d[i*m.Cols:(i+1)*m.Cols], m.Row(i))
	}
	f.add(Array{Name: name, Shape: []int{m.Rows, m.Cols}, Data: d})
}

// AddVec appends a copy of v as the one-dimensional array called name.
// It panics if name is invalid or already used.
func (f *File) AddVec(name string, v []float32) {
	f.add(Array{Name: name, Shape: []int{len(v)}, Data: append(make([]float32, 0, len(v)), v...)})
}

// AddVec64 appends a copy of v as the one-dimensional float64 array called
// name. It panics if name is invalid or already used.
func (f *File) AddVec64(name string, v []float64) {
	f.add(Array{Name: name, Shape: []int{len(v)}, Data64: append(make([]float64, 0, len(v)), v...)})
}

// FormatError reports a file that is not a valid model file (or .npz
// archive): the file, where in it the problem lies, and what it is.
type FormatError struct {
	File   string // the file's path; empty when decoding from a reader
	Offset int64  // byte offset of the problem, or -1 when it has no place
	Msg    string
}

func (e *FormatError) Error() string {
	s := "modelfile: "
	if e.File != "" {
		s += e.File + ": "
	}
	if e.Offset >= 0 {
		s += "offset " + strconv.FormatInt(e.Offset, 10) + ": "
	}
	return s + e.Msg
}
