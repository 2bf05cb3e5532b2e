package mat32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// forEachSumRowsKernel runs f with every SumRows kernel this machine has:
// the blocked Go loop, AddRows strip by strip on the AVX2 AddRows kernel,
// and the blocked AVX-512 kernel. The blocks of rows are shrunk to 4 rows
// so that the small test matrices have several (sorted lists) or none
// (unsorted lists).
func forEachSumRowsKernel(t *testing.T, f func(t *testing.T)) {
	savedLevel, savedShift := addRowsLevel, sumRowsChunkShift
	defer func() { addRowsLevel, sumRowsChunkShift = savedLevel, savedShift }()
	sumRowsChunkShift = 2
	for level := 0; level <= addRowsMaxLevel; level++ {
		addRowsLevel = level
		t.Run([]string{"go", "avx2", "avx512"}[level], f)
	}
}

// TestSumRowsStrips checks sumRowsGo, the AddRows loop that SumRows runs
// with AVX2 or when offsets do not fit 32 bits, on every AddRows kernel,
// against SumRows. The rows hold small integers, whose float32 sums are
// exact in any order, so the two must agree bit for bit.
func TestSumRowsStrips(t *testing.T) {
	forEachAddRowsKernel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(11, 12))
		src := NewDense(300, 333, nil)
		for i := range src.Data {
			src.Data[i] = float32(r.IntN(9) - 4)
		}
		var lists RowLists
		for _, l := range randomLists(r, 17, src.Rows, 60) {
			lists.Append(l)
		}
		want := NewDense(lists.Len(), src.Cols, nil)
		SumRows(want, src, &lists)
		got := NewDense(lists.Len(), src.Cols, nil)
		got.Fill(float32(math.NaN()))
		sumRowsGo(got, src, &lists)
		for i := 0; i < got.Rows; i++ {
			for j := 0; j < got.Cols; j++ {
				if got.At(i, j) != want.At(i, j) {
					t.Fatalf("(%d, %d): sumRowsGo %g, SumRows %g", i, j, got.At(i, j), want.At(i, j))
				}
			}
		}
	})
}

// randomLists returns nl lists of indices in [0, rows): empty ones, one with
// a single row repeated, and random ones (duplicates likely, unsorted) of
// lengths 1..2*avg.
func randomLists(r *rand.Rand, nl, rows, avg int) [][]int32 {
	lists := make([][]int32, nl)
	for k := range lists {
		var m int
		switch {
		case rows == 0 || k%5 == 1:
			m = 0
		default:
			m = 1 + r.IntN(2*avg)
		}
		list := make([]int32, m)
		for q := range list {
			list[q] = int32(r.IntN(max(rows, 1)))
			if k%5 == 3 {
				list[q] = list[0]
			}
		}
		lists[k] = list
	}
	return lists
}

// TestSumRows compares SumRows with a float64 loop for src widths 1..70
// (every strip tail of both kernels), 500 and 784, 0..30 lists, on strided
// views of src and dst bordered by NaN: any read outside src or write
// outside dst shows up as a NaN in dst or a changed border. dst starts as
// NaN, which SumRows must overwrite without reading. A float32 sum of m
// terms, in any order, differs from the exact one by at most about
// (m-1)*2^-24 times the sum of their magnitudes S, so the tolerance is
// m*2^-24*S.
func TestSumRows(t *testing.T) {
	forEachSumRowsKernel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 4))
		widths := []int{500, 784}
		for n := 1; n <= 70; n++ {
			widths = append(widths, n)
		}
		var lists RowLists
		for _, n := range widths {
			for _, nl := range []int{0, 1, 2, 5, 13, 30} {
				for _, sorted := range []bool{false, true} {
					rows := r.IntN(50)
					if rows == 0 && nl > 0 {
						rows = 1
					}
					src := guardedView(r, rows, n)
					ls := randomLists(r, nl, rows, 1+r.IntN(20))
					if sorted {
						for _, l := range ls {
							slices.Sort(l)
						}
					}
					lists.Reset()
					for _, l := range ls {
						lists.Append(l)
					}
					big := NewDense(nl+2, n+7, nil)
					big.Fill(float32(math.NaN()))
					dst := big.Slice(1, nl+1, 3, n+3)
					SumRows(dst, src, &lists)
					for i := 0; i < big.Rows; i++ {
						for j := 0; j < big.Cols; j++ {
							inside := i >= 1 && i <= nl && j >= 3 && j < n+3
							if !inside && !math.IsNaN(float64(big.At(i, j))) {
								t.Fatalf("n=%d lists=%d: wrote outside dst at (%d, %d) of the border", n, nl, i, j)
							}
						}
					}
					for k, l := range ls {
						for j := 0; j < n; j++ {
							var want, mag float64
							for _, i := range l {
								v := float64(src.At(int(i), j))
								want += v
								mag += math.Abs(v)
							}
							got := float64(dst.At(k, j))
							tol := float64(len(l)) * 0x1p-24 * mag
							if !(math.Abs(got-want) <= tol) {
								t.Fatalf("n=%d lists=%d: dst[%d][%d] = %g, want %g ± %g (list %v)", n, nl, k, j, got, want, tol, l)
							}
						}
					}
				}
			}
		}
	})
}

// TestSumRowsBinaryExact checks that small-integer rows sum exactly, so
// every kernel agrees bit for bit with AddRows there, and that AppendNonzeros
// of the rows of a 0/1 matrix V makes SumRows compute V*src.
func TestSumRowsBinaryExact(t *testing.T) {
	forEachSumRowsKernel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(5, 6))
		src := NewDense(60, 37, nil)
		for i := range src.Data {
			src.Data[i] = float32(r.IntN(9) - 4)
		}
		v := NewDense(9, 60, nil)
		for i := range v.Data {
			if r.IntN(3) == 0 {
				v.Data[i] = 1
			}
		}
		var lists RowLists
		for i := 0; i < v.Rows; i++ {
			lists.AppendNonzeros(v.Row(i))
		}
		dst := NewDense(v.Rows, src.Cols, nil)
		SumRows(dst, src, &lists)
		want := NewDense(v.Rows, src.Cols, nil)
		GemmRef(false, false, 1, v, src, 0, want)
		row := make([]float32, src.Cols)
		for i := 0; i < v.Rows; i++ {
			AddRows(row, 1, src, lists.List(i), 0)
			for j := range row {
				if dst.At(i, j) != want.At(i, j) || row[j] != want.At(i, j) {
					t.Fatalf("(%d, %d): SumRows %g, AddRows %g, V*src %g", i, j, dst.At(i, j), row[j], want.At(i, j))
				}
			}
		}
	})
}

func TestRowLists(t *testing.T) {
	var l RowLists
	if l.Len() != 0 {
		t.Fatalf("zero RowLists has %d lists", l.Len())
	}
	var nilLists *RowLists
	if nilLists.Len() != 0 {
		t.Fatalf("nil RowLists has %d lists", nilLists.Len())
	}
	SumRows(NewDense(0, 5, nil), NewDense(3, 5, nil), nil)
	SumRows(NewDense(0, 5, nil), NewDense(3, 5, nil), &l)
	in := [][]int32{{3, 1}, nil, {0, 0, 2}}
	for round := 0; round < 2; round++ {
		l.Reset()
		for _, x := range in {
			l.Append(x)
		}
		l.AppendNonzeros([]float32{0, 1, 0, 1})
		if l.Len() != 4 {
			t.Fatalf("Len %d, want 4", l.Len())
		}
		for r, want := range append(in, []int32{1, 3}) {
			if got := l.List(r); fmt.Sprint(got) != fmt.Sprint(append([]int32{}, want...)) {
				t.Errorf("List(%d) = %v, want %v", r, got, want)
			}
		}
	}
	// Append copies: changing the caller's slice leaves the list alone.
	x := []int32{2}
	l.Reset()
	l.Append(x)
	x[0] = 0
	if l.List(0)[0] != 2 {
		t.Errorf("Append kept a reference to its argument")
	}
	// Zero columns: nothing to write, indices still checked.
	SumRows(NewDense(1, 0, nil), NewDense(3, 0, nil), &l)
}

func TestSumRowsPanics(t *testing.T) {
	lists := func(ls ...[]int32) *RowLists {
		var l RowLists
		for _, x := range ls {
			l.Append(x)
		}
		return &l
	}
	src := NewDense(4, 6, nil)
	for _, c := range []struct {
		name  string
		dst   *Dense
		src   *Dense
		lists *RowLists
		msg   string
	}{
		{"negative", NewDense(2, 6, nil), src, lists([]int32{1}, []int32{0, -1}), "index -1 (list 1, position 1)"},
		{"past end", NewDense(1, 6, nil), src, lists([]int32{4}), "index 4 (list 0, position 0) out of range [0, 4)"},
		{"huge", NewDense(1, 6, nil), src, lists([]int32{math.MaxInt32}), "out of range"},
		{"empty src", NewDense(1, 6, nil), NewDense(0, 6, nil), lists([]int32{0}), "out of range [0, 0)"},
		{"zero columns", NewDense(1, 0, nil), NewDense(4, 0, nil), lists([]int32{7}), "out of range"},
		{"dst rows", NewDense(3, 6, nil), src, lists([]int32{1}, nil), "destination 3x6, want 2x6"},
		{"dst cols", NewDense(2, 5, nil), src, lists([]int32{1}, nil), "destination 2x5, want 2x6"},
		{"nil lists", NewDense(1, 6, nil), src, nil, "destination 1x6, want 0x6"},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.HasPrefix(msg, "mat32: ") || !strings.Contains(msg, c.msg) {
					t.Errorf("panic %q, want mat32: ... %s", msg, c.msg)
				}
			}()
			SumRows(c.dst, c.src, c.lists)
		})
	}
}

func TestSumRowsNoAlloc(t *testing.T) {
	forEachSumRowsKernel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(7, 8))
		src := NewDense(100, 300, nil)
		ls := randomLists(r, 10, 100, 30)
		dst := NewDense(len(ls), 300, nil)
		var lists RowLists
		fill := func() {
			lists.Reset()
			for _, l := range ls {
				lists.Append(l)
			}
			SumRows(dst, src, &lists)
		}
		fill() // grow the capacity once
		if a := testing.AllocsPerRun(10, fill); a != 0 {
			t.Errorf("RowLists.Append and SumRows allocate %g times per call", a)
		}
	})
}

// sumRowsBench is the RBM trainer's task: W 784x500 and 28 rows of
// binarized-MNIST-like data (about 100 of 784 pixels on, sorted indices).
// Each of 16 tasks has its own lists, so that, as in training, consecutive
// calls read different rows.
func sumRowsBench() (w *Dense, tasks []RowLists, dst *Dense) {
	r := rand.New(rand.NewPCG(9, 10))
	w = NewDense(784, 500, nil)
	for i := range w.Data {
		w.Data[i] = float32(r.NormFloat64())
	}
	tasks = make([]RowLists, 16)
	for t := range tasks {
		for range 28 {
			tasks[t].Append(benchIdx(r, 784, 90+r.IntN(21)))
		}
	}
	return w, tasks, NewDense(28, 500, nil)
}

// BenchmarkSumRows is SumRows on the trainer's task (see sumRowsBench)
// with each kernel this machine has ("avx512/strips" is the AVX-512 kernel
// without blocks of rows, as for unsorted lists; "go" the blocked Go loop),
// against "addrows", the trainer's former loop: AddRows for every row on
// 128-column strips of W. The time per operation is one task of 28 rows.
func BenchmarkSumRows(b *testing.B) {
	w, tasks, dst := sumRowsBench()
	savedLevel, savedShift := addRowsLevel, sumRowsChunkShift
	defer func() { addRowsLevel, sumRowsChunkShift = savedLevel, savedShift }()
	run := func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			SumRows(dst, w, &tasks[i%len(tasks)])
		}
	}
	if addRowsMaxLevel == 2 {
		b.Run("avx512", run)
		sumRowsChunkShift = 30
		b.Run("avx512/strips", run)
		sumRowsChunkShift = savedShift
	}
	for level := min(addRowsMaxLevel, 1); level >= 0; level-- {
		addRowsLevel = level
		b.Run([]string{"go", "avx2"}[level], run)
	}
	addRowsLevel = savedLevel
	b.Run("addrows", func(b *testing.B) {
		var wv Dense
		for i := 0; i < b.N; i++ {
			l := &tasks[i%len(tasks)]
			for j0 := 0; j0 < w.Cols; j0 += 128 {
				j1 := min(w.Cols, j0+128)
				w.SliceInto(&wv, 0, w.Rows, j0, j1)
				for r := 0; r < l.Len(); r++ {
					AddRows(dst.Row(r)[j0:j1], 1, &wv, l.List(r), 0)
				}
			}
		}
	})
}

// ExampleSumRows multiplies a 0/1 matrix V by W through the lists of the
// ones of V's rows: row r of V*W is the sum of the rows of W listed for r.
func ExampleSumRows() {
	w := NewDense(4, 3, []float32{
		1, 2, 3,
		10, 20, 30,
		100, 200, 300,
		1000, 2000, 3000,
	})
	v := NewDense(2, 4, []float32{
		1, 0, 1, 0,
		0, 1, 1, 1,
	})
	var lists RowLists // reuse it (after Reset) for the next batch
	for i := 0; i < v.Rows; i++ {
		lists.AppendNonzeros(v.Row(i))
	}
	out := NewDense(lists.Len(), w.Cols, nil)
	SumRows(out, w, &lists)
	fmt.Println(lists.List(1), out.Row(0), out.Row(1))
	// Output: [1 2 3] [101 202 303] [1110 2220 3330]
}
