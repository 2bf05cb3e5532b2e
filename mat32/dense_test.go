package mat32

import (
	"strings"
	"testing"
)

// seq returns an r x c matrix with element (i, j) = 10*i + j.
func seq(r, c int) *Dense {
	m := NewDense(r, c, nil)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			m.Set(i, j, float32(10*i+j))
		}
	}
	return m
}

func mustPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		s, ok := r.(string)
		if !ok || !strings.HasPrefix(s, "mat32: ") {
			t.Errorf("%s: panic value %#v, want a string starting with \"mat32: \"", name, r)
		}
	}()
	f()
}

func TestNewDense(t *testing.T) {
	m := NewDense(2, 3, nil)
	if r, c := m.Dims(); r != 2 || c != 3 || m.Stride != 3 || len(m.Data) != 6 {
		t.Fatalf("NewDense(2, 3, nil) = %+v", m)
	}
	for _, v := range m.Data {
		if v != 0 {
			t.Fatal("NewDense data not zeroed")
		}
	}
	data := []float32{1, 2, 3, 4, 5, 6}
	m = NewDense(3, 2, data)
	if m.At(2, 1) != 6 || m.At(1, 0) != 3 {
		t.Errorf("NewDense with data: At(2,1) = %v, At(1,0) = %v", m.At(2, 1), m.At(1, 0))
	}
	data[0] = 9
	if m.At(0, 0) != 9 {
		t.Error("NewDense copied its data instead of using it")
	}
	if z := NewDense(0, 5, nil); z.Rows != 0 || z.Cols != 5 {
		t.Errorf("NewDense(0, 5) = %+v", z)
	}
	mustPanic(t, "wrong length", func() { NewDense(2, 2, make([]float32, 3)) })
	mustPanic(t, "negative", func() { NewDense(-1, 2, nil) })
}

func TestAtSetBounds(t *testing.T) {
	m := seq(2, 3)
	m.Set(1, 2, -5)
	if m.At(1, 2) != -5 || m.Data[5] != -5 {
		t.Error("Set(1, 2) did not land at Data[5]")
	}
	for _, ij := range [][2]int{{-1, 0}, {0, -1}, {2, 0}, {0, 3}} {
		mustPanic(t, "At", func() { m.At(ij[0], ij[1]) })
		mustPanic(t, "Set", func() { m.Set(ij[0], ij[1], 0) })
	}
	// A column beyond Cols but inside Stride is still out of range.
	v := m.Slice(0, 2, 0, 2)
	mustPanic(t, "At in stride gap", func() { v.At(0, 2) })
}

func TestSliceSharesData(t *testing.T) {
	m := seq(5, 7)
	v := m.Slice(1, 4, 2, 6) // 3x4, stride 7
	if v.Rows != 3 || v.Cols != 4 || v.Stride != 7 {
		t.Fatalf("Slice dims %dx%d stride %d", v.Rows, v.Cols, v.Stride)
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 4; j++ {
			if v.At(i, j) != m.At(i+1, j+2) {
				t.Fatalf("view (%d,%d) = %v, want %v", i, j, v.At(i, j), m.At(i+1, j+2))
			}
		}
	}
	v.Set(2, 3, -1)
	if m.At(3, 5) != -1 {
		t.Error("write through view not seen by parent")
	}
	m.Set(1, 2, -2)
	if v.At(0, 0) != -2 {
		t.Error("write to parent not seen by view")
	}
	// A view of a view.
	w := v.Slice(1, 3, 1, 3)
	if w.At(0, 0) != m.At(2, 3) || w.At(1, 1) != m.At(3, 4) || w.Stride != 7 {
		t.Error("view of a view does not index its grandparent")
	}
	// The view's Data ends at its last element, so appending to it or to
	// a Row cannot overwrite the parent.
	if len(v.Data) != 2*7+4 || cap(v.Data) != len(v.Data) {
		t.Errorf("view data len %d cap %d, want 18", len(v.Data), cap(v.Data))
	}
	r := v.Row(1)
	if len(r) != 4 || cap(r) != 4 || r[0] != m.At(2, 2) {
		t.Errorf("Row(1) = %v (cap %d)", r, cap(r))
	}
	_ = append(r, 99)
	if m.At(2, 6) == 99 {
		t.Error("append to a Row overwrote the parent")
	}
	mustPanic(t, "Row", func() { v.Row(3) })
	mustPanic(t, "Row", func() { v.Row(-1) })
}

func TestSliceIntoBounds(t *testing.T) {
	m := seq(4, 5)
	var v Dense
	good := [][4]int{{0, 4, 0, 5}, {0, 0, 0, 0}, {4, 4, 5, 5}, {2, 2, 1, 3}, {1, 3, 2, 2}, {3, 4, 4, 5}}
	for _, b := range good {
		m.SliceInto(&v, b[0], b[1], b[2], b[3])
		if v.Rows != b[1]-b[0] || v.Cols != b[3]-b[2] {
			t.Errorf("SliceInto%v gives %dx%d", b, v.Rows, v.Cols)
		}
	}
	m.SliceInto(&v, 3, 4, 4, 5)
	if v.At(0, 0) != 34 {
		t.Errorf("corner view = %v, want 34", v.At(0, 0))
	}
	bad := [][4]int{{-1, 2, 0, 1}, {0, 5, 0, 1}, {2, 1, 0, 1}, {0, 1, -1, 1}, {0, 1, 0, 6}, {0, 1, 3, 2}}
	for _, b := range bad {
		mustPanic(t, "SliceInto", func() { m.SliceInto(&v, b[0], b[1], b[2], b[3]) })
	}
	if a := testing.AllocsPerRun(10, func() { m.SliceInto(&v, 1, 3, 1, 4) }); a != 0 {
		t.Errorf("SliceInto allocates %v times", a)
	}
}

func TestFlat(t *testing.T) {
	m := seq(3, 4)
	if f := m.Flat(); len(f) != 12 || f[5] != 11 {
		t.Errorf("Flat = %v", f)
	}
	// Full-width row ranges and single rows are contiguous.
	if f := m.Slice(1, 3, 0, 4).Flat(); len(f) != 8 || f[0] != 10 {
		t.Errorf("Flat of full-width rows = %v", f)
	}
	if f := m.Slice(1, 2, 1, 3).Flat(); len(f) != 2 || f[0] != 11 || cap(f) != 2 {
		t.Errorf("Flat of one partial row = %v", f)
	}
	v := m.Slice(0, 2, 0, 3)
	if v.IsContiguous() {
		t.Error("2x3 view of 3x4 reported contiguous")
	}
	mustPanic(t, "Flat", func() { v.Flat() })
}

func TestCopyCloneZeroFill(t *testing.T) {
	src := seq(3, 4).Slice(0, 3, 1, 3) // 3x2, stride 4
	g := newGuardedDense(3, 2, 5, func(i, j int) float32 { return 0 })
	g.m.Copy(src)
	g.check(t)
	for i := 0; i < 3; i++ {
		for j := 0; j < 2; j++ {
			if g.m.At(i, j) != float32(10*i+j+1) {
				t.Fatalf("Copy (%d,%d) = %v", i, j, g.m.At(i, j))
			}
		}
	}
	c := src.Clone()
	if c.Stride != 2 || len(c.Data) != 6 || c.At(2, 1) != 22 {
		t.Errorf("Clone = %+v", c)
	}
	c.Set(0, 0, -1)
	if src.At(0, 0) == -1 {
		t.Error("Clone shares data")
	}
	g.m.Fill(7)
	g.check(t)
	if g.m.At(2, 1) != 7 {
		t.Error("Fill")
	}
	g.m.Zero()
	g.check(t)
	if g.m.At(1, 1) != 0 {
		t.Error("Zero")
	}
	mustPanic(t, "Copy", func() { g.m.Copy(seq(2, 3)) })
}

func TestTranspose(t *testing.T) {
	for _, sh := range [][2]int{{1, 1}, {2, 3}, {5, 1}, {7, 9}} {
		r, c := sh[0], sh[1]
		src := seq(r+2, c+3).Slice(1, 1+r, 2, 2+c)
		g := newGuardedDense(c, r, r+2, func(i, j int) float32 { return 0 })
		g.m.Transpose(src)
		g.check(t)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				if g.m.At(j, i) != src.At(i, j) {
					t.Fatalf("%dx%d: T(%d,%d) = %v, want %v", r, c, j, i, g.m.At(j, i), src.At(i, j))
				}
			}
		}
	}
	mustPanic(t, "Transpose", func() { NewDense(2, 3, nil).Transpose(NewDense(2, 3, nil)) })
}
