package mat32

import "fmt"

// Dense is a row-major float32 matrix or a view of one.
// Element (i, j) is Data[i*Stride+j].
type Dense struct {
	Rows, Cols int
	Stride     int
	Data       []float32
}

// NewDense returns a Rows x Cols matrix backed by data, or by a new zeroed
// slice if data is nil. It panics if data is non-nil and len(data) != r*c.
func NewDense(r, c int, data []float32) *Dense {
	if r < 0 || c < 0 {
		panic(fmt.Sprintf("mat32: negative dimension %dx%d", r, c))
	}
	if data == nil {
		data = make([]float32, r*c)
	} else if len(data) != r*c {
		panic(fmt.Sprintf("mat32: data length %d does not match %dx%d", len(data), r, c))
	}
	return &Dense{Rows: r, Cols: c, Stride: c, Data: data}
}

// Dims returns the number of rows and columns.
func (m *Dense) Dims() (r, c int) { return m.Rows, m.Cols }

// At returns element (i, j).
func (m *Dense) At(i, j int) float32 {
	m.check(i, j)
	return m.Data[i*m.Stride+j]
}

// Set sets element (i, j) to v.
func (m *Dense) Set(i, j int, v float32) {
	m.check(i, j)
	m.Data[i*m.Stride+j] = v
}

func (m *Dense) check(i, j int) {
	if uint(i) >= uint(m.Rows) || uint(j) >= uint(m.Cols) {
		panic(fmt.Sprintf("mat32: index (%d, %d) out of range %dx%d", i, j, m.Rows, m.Cols))
	}
}

// Row returns row i as a slice of length Cols that shares m's data.
func (m *Dense) Row(i int) []float32 {
	if uint(i) >= uint(m.Rows) {
		panic(fmt.Sprintf("mat32: row %d out of range %d", i, m.Rows))
	}
	return m.Data[i*m.Stride : i*m.Stride+m.Cols : i*m.Stride+m.Cols]
}

// Slice returns the view of rows [i0, i1) and columns [j0, j1) of m.
// The view shares m's data.
func (m *Dense) Slice(i0, i1, j0, j1 int) *Dense {
	var v Dense
	m.SliceInto(&v, i0, i1, j0, j1)
	return &v
}

// SliceInto makes dst the view of rows [i0, i1) and columns [j0, j1) of m,
// without allocating.
func (m *Dense) SliceInto(dst *Dense, i0, i1, j0, j1 int) {
	if i0 < 0 || i1 < i0 || i1 > m.Rows || j0 < 0 || j1 < j0 || j1 > m.Cols {
		panic(fmt.Sprintf("mat32: slice [%d:%d, %d:%d] out of range %dx%d", i0, i1, j0, j1, m.Rows, m.Cols))
	}
	dst.Rows, dst.Cols, dst.Stride = i1-i0, j1-j0, m.Stride
	if dst.Rows == 0 || dst.Cols == 0 {
		dst.Data = m.Data[:0]
		return
	}
	start := i0*m.Stride + j0
	end := (i1-1)*m.Stride + j1
	dst.Data = m.Data[start:end:end]
}

// IsContiguous reports whether the Rows x Cols window occupies Data
// without gaps, so that it can be treated as one flat slice.
func (m *Dense) IsContiguous() bool { return m.Stride == m.Cols || m.Rows <= 1 }

// Flat returns the Rows*Cols elements of a contiguous matrix as one slice.
// It panics if m is not contiguous.
func (m *Dense) Flat() []float32 {
	if !m.IsContiguous() {
		panic("mat32: Flat of a non-contiguous view")
	}
	return m.Data[: m.Rows*m.Cols : m.Rows*m.Cols]
}

// Zero sets every element of m to zero.
func (m *Dense) Zero() {
	for i := 0; i < m.Rows; i++ {
		clear(m.Row(i))
	}
}

// Fill sets every element of m to v.
func (m *Dense) Fill(v float32) {
	for i := 0; i < m.Rows; i++ {
		r := m.Row(i)
		for j := range r {
			r[j] = v
		}
	}
}

// Copy copies src into m. The shapes must match.
func (m *Dense) Copy(src *Dense) {
	if m.Rows != src.Rows || m.Cols != src.Cols {
		panic(fmt.Sprintf("mat32: Copy shape mismatch %dx%d vs %dx%d", m.Rows, m.Cols, src.Rows, src.Cols))
	}
	for i := 0; i < m.Rows; i++ {
		copy(m.Row(i), src.Row(i))
	}
}

// Clone returns a new contiguous copy of m.
func (m *Dense) Clone() *Dense {
	c := NewDense(m.Rows, m.Cols, nil)
	c.Copy(m)
	return c
}

// Transpose writes the transpose of src into m, which must be src.Cols x src.Rows.
func (m *Dense) Transpose(src *Dense) {
	if m.Rows != src.Cols || m.Cols != src.Rows {
		panic(fmt.Sprintf("mat32: Transpose shape mismatch %dx%d vs %dx%d", m.Rows, m.Cols, src.Rows, src.Cols))
	}
	for i := 0; i < src.Rows; i++ {
		r := src.Row(i)
		for j, v := range r {
			m.Data[j*m.Stride+i] = v
		}
	}
}
