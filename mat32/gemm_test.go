package mat32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

const gemmSentinel = float32(-12345.5)

// gemmView returns a rows x cols view with random elements inside a larger
// matrix whose other elements are gemmSentinel, with a stride larger than
// cols when padded is true.
func gemmView(r *rand.Rand, rows, cols int, padded bool) (view, parent *Dense) {
	pr, pc, i0, j0 := rows, cols, 0, 0
	if padded {
		pr, pc, i0, j0 = rows+3, cols+5, 2, 3
	}
	parent = NewDense(pr, pc, nil)
	parent.Fill(gemmSentinel)
	view = parent.Slice(i0, i0+rows, j0, j0+cols)
	for i := 0; i < rows; i++ {
		row := view.Row(i)
		for j := range row {
			row[j] = float32(r.NormFloat64())
		}
	}
	return view, parent
}

// checkGemm runs Gemm on a fresh problem and compares it with GemmRef.
// The tolerance is the float32 rounding bound of both sums:
// 2*(k+2)*eps*(|alpha|*sum_l |a_il||b_lj| + |beta||c_ij|).
func checkGemm(t *testing.T, r *rand.Rand, transA, transB bool, m, n, k int, alpha, beta float32, padded bool) {
	t.Helper()
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	a, _ := gemmView(r, ar, ac, padded)
	b, _ := gemmView(r, br, bc, padded)
	c, cp := gemmView(r, m, n, padded)
	want := c.Clone()
	if beta == 0 {
		c.Fill(float32(math.NaN())) // must not be read
	}
	GemmRef(transA, transB, alpha, a, b, beta, want)
	Gemm(transA, transB, alpha, a, b, beta, c)

	// Rows of op(A) and columns of op(B), contiguous, for the tolerance.
	rowsA, colsB := make([]float64, m*k), make([]float64, n*k)
	for i := 0; i < m; i++ {
		for l := 0; l < k; l++ {
			if transA {
				rowsA[i*k+l] = math.Abs(float64(a.At(l, i)))
			} else {
				rowsA[i*k+l] = math.Abs(float64(a.At(i, l)))
			}
		}
	}
	for j := 0; j < n; j++ {
		for l := 0; l < k; l++ {
			if transB {
				colsB[j*k+l] = math.Abs(float64(b.At(j, l)))
			} else {
				colsB[j*k+l] = math.Abs(float64(b.At(l, j)))
			}
		}
	}
	const eps = 1.0 / (1 << 24)
	name := fmt.Sprintf("%s: transA=%v transB=%v m=%d n=%d k=%d alpha=%v beta=%v padded=%v", gemmActive.name, transA, transB, m, n, k, alpha, beta, padded)
	for i := 0; i < m; i++ {
		ra := rowsA[i*k : i*k+k]
		for j := 0; j < n; j++ {
			var s float64
			for l, y := range colsB[j*k : j*k+k] {
				s += ra[l] * y
			}
			old := 0.0
			if beta != 0 {
				old = math.Abs(float64(beta * want.At(i, j)))
			}
			tol := 2*float64(k+2)*eps*(math.Abs(float64(alpha))*s+old) + 1e-30
			got, w := c.At(i, j), want.At(i, j)
			if d := math.Abs(float64(got - w)); !(d <= tol) {
				t.Fatalf("%s: C[%d,%d] = %v, want %v (tolerance %v)", name, i, j, got, w, tol)
			}
		}
	}
	// Everything outside C's window is untouched.
	i0, j0 := 0, 0
	if padded {
		i0, j0 = 2, 3
	}
	for i := 0; i < cp.Rows; i++ {
		for j := 0; j < cp.Cols; j++ {
			if i >= i0 && i < i0+m && j >= j0 && j < j0+n {
				continue
			}
			if v := cp.At(i, j); v != gemmSentinel {
				t.Fatalf("%s: element (%d, %d) of C's parent outside the window changed to %v", name, i, j, v)
			}
		}
	}
}

// forEachKernelSet runs f with each kernel set this CPU can run forced.
func forEachKernelSet(t *testing.T, f func(t *testing.T)) {
	for _, s := range gemmAvailable() {
		t.Run(s.name, func(t *testing.T) {
			restore, ok := gemmSetKernels(s.name)
			if !ok {
				t.Fatalf("cannot select kernel set %s", s.name)
			}
			defer restore()
			f(t)
		})
	}
}

func TestGemmKernelSets(t *testing.T) {
	names := []string{}
	for _, s := range gemmAvailable() {
		names = append(names, s.name)
	}
	t.Logf("kernel sets on this CPU: %v; Gemm uses %s", names, gemmActive.name)
	if _, ok := gemmSetKernels("no such set"); ok {
		t.Error("gemmSetKernels accepted an unknown name")
	}
}

func TestGemmSmall(t *testing.T) {
	dims := []int{0, 1, 2, 3, 5, 6, 7, 13, 14, 15, 17, 31, 32, 33, 45, 70}
	ks := []int{0, 1, 3, 16, 29, 70}
	scalars := [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}, {2.5, 0}, {0, 0.5}, {1, -1}}
	forEachKernelSet(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		v := 0
		for _, m := range dims {
			for _, n := range dims {
				for _, k := range ks {
					for tr := 0; tr < 4; tr++ {
						ab := scalars[v%len(scalars)]
						checkGemm(t, r, tr&1 != 0, tr&2 != 0, m, n, k, ab[0], ab[1], v%3 != 0)
						v++
					}
				}
			}
		}
	})
}

func TestGemmLarge(t *testing.T) {
	shapes := [][3]int{
		{300, 517, 263},
		{37, 45, 800},   // several K blocks: beta applies once
		{1000, 64, 70},  // several M blocks, split over M
		{20, 1500, 40},  // several N blocks, split over N
		{100, 500, 784}, // the RBM shapes
		{784, 500, 100},
	}
	if testing.Short() {
		shapes = shapes[:2]
	}
	forEachKernelSet(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(3, 4))
		for i, s := range shapes {
			tr := i % 4
			alpha, beta := float32(0.75), float32(0.25)
			if i%2 == 1 {
				alpha, beta = 1, 0
			}
			checkGemm(t, r, tr&1 != 0, tr&2 != 0, s[0], s[1], s[2], alpha, beta, i%3 != 2)
		}
	})
}

func TestGemmShapePanics(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		if !strings.HasPrefix(msg, "mat32: Gemm shape mismatch") {
			t.Errorf("panic %q, want a mat32 shape mismatch", msg)
		}
	}()
	Gemm(false, false, 1, NewDense(2, 3, nil), NewDense(4, 5, nil), 0, NewDense(2, 5, nil))
}

func TestGemmShortDataPanics(t *testing.T) {
	defer func() {
		msg, _ := recover().(string)
		if !strings.HasPrefix(msg, "mat32: Gemm: C is 2x5 with stride 5 but has 9 elements") {
			t.Errorf("panic %q, want a mat32 message about C's data", msg)
		}
	}()
	c := &Dense{Rows: 2, Cols: 5, Stride: 5, Data: make([]float32, 9)}
	Gemm(false, false, 1, NewDense(2, 3, nil), NewDense(3, 5, nil), 0, c)
}

func TestGemmAllocs(t *testing.T) {
	forEachKernelSet(t, func(t *testing.T) {
		for _, s := range [][3]int{{7, 9, 11}, {64, 200, 300}} { // one product on the calling goroutine, one split
			a, b, c := NewDense(s[0], s[2], nil), NewDense(s[1], s[2], nil), NewDense(s[0], s[1], nil)
			Gemm(false, true, 1, a, b, 0, c)
			allocs := testing.AllocsPerRun(5, func() { Gemm(false, true, 1, a, b, 1, c) })
			if allocs != 0 {
				t.Errorf("Gemm %v allocates %v times per call, want 0", s, allocs)
			}
		}
	})
}
