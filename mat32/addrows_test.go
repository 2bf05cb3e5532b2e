package mat32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// forEachAddRowsKernel runs f with every AddRows/Nonzeros kernel this
// machine has: the pure Go loops, then AVX2 and AVX-512 where available.
func forEachAddRowsKernel(t *testing.T, f func(t *testing.T)) {
	saved := addRowsLevel
	defer func() { addRowsLevel = saved }()
	for level := 0; level <= addRowsMaxLevel; level++ {
		addRowsLevel = level
		t.Run([]string{"go", "avx2", "avx512"}[level], f)
	}
}

// guardedView returns a rows x cols view inside a larger matrix whose other
// elements (the border and the gap between Cols and Stride) are NaN, so a
// kernel that reads outside the view produces NaN.
func guardedView(r *rand.Rand, rows, cols int) *Dense {
	big := NewDense(rows+2, cols+5, nil)
	big.Fill(float32(math.NaN()))
	v := big.Slice(1, rows+1, 2, cols+2)
	for i := 0; i < rows; i++ {
		for j := range v.Row(i) {
			v.Row(i)[j] = float32(r.NormFloat64())
		}
	}
	return v
}

// TestAddRows compares AddRows with a float64 loop for every length of dst
// 0..70 (all block and mask tails) and 500, 784, on strided views bordered
// by NaN, with sentinels around dst, duplicate and unsorted indices, and
// several alpha, beta. A float32 sum of m terms differs from the exact one
// by at most about m*2^-24 times the sum of their magnitudes; the scaling
// adds two more roundings, so the tolerance is (m+3)*2^-24*S, with S the
// sum of the magnitudes of every term including beta*dst.
func TestAddRows(t *testing.T) {
	forEachAddRowsKernel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		sizes := []int{500, 784}
		for n := 0; n <= 70; n++ {
			sizes = append(sizes, n)
		}
		const sentinel = 12345
		for _, n := range sizes {
			for _, nidx := range []int{0, 1, 2, 3, 4, 5, 7, 17, 100} {
				rows := 1 + r.IntN(40)
				src := guardedView(r, rows, n)
				idx := make([]int32, nidx)
				for k := range idx {
					idx[k] = int32(r.IntN(rows)) // duplicates likely
				}
				for _, ab := range [][2]float32{{1, 0}, {1, 1}, {0.5, 1}, {-2, 0.25}, {3, 0}} {
					alpha, beta := ab[0], ab[1]
					buf := make([]float32, n+6)
					for i := range buf {
						buf[i] = sentinel
					}
					dst := buf[3 : 3+n]
					dst0 := make([]float32, n)
					for j := range dst {
						if beta == 0 {
							dst[j] = float32(math.NaN())
						} else {
							dst[j] = float32(r.NormFloat64())
						}
						dst0[j] = dst[j]
					}
					AddRows(dst, alpha, src, idx, beta)
					for i := range 3 {
						if buf[i] != sentinel || buf[len(buf)-1-i] != sentinel {
							t.Fatalf("n=%d nidx=%d: wrote outside dst: %v", n, nidx, buf)
						}
					}
					for j := range dst {
						var s, mag float64
						for _, i := range idx {
							v := float64(src.At(int(i), j))
							s += v
							mag += math.Abs(v)
						}
						want := float64(alpha) * s
						mag *= math.Abs(float64(alpha))
						if beta != 0 {
							bd := float64(beta) * float64(dst0[j])
							want += bd
							mag += math.Abs(bd)
						}
						tol := float64(nidx+3) * 0x1p-24 * mag
						if got := float64(dst[j]); !(math.Abs(got-want) <= tol) {
							t.Fatalf("n=%d nidx=%d alpha=%g beta=%g: dst[%d] = %g, want %g ± %g", n, nidx, alpha, beta, j, got, want, tol)
						}
					}
				}
			}
		}
	})
}

// TestAddRowsBinaryExact checks that sums of small integers (binary weights,
// counts) come out exactly, as the math says for sums below 2^24, and that
// every kernel agrees bit for bit there.
func TestAddRowsBinaryExact(t *testing.T) {
	forEachAddRowsKernel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(5, 6))
		src := NewDense(784, 500, nil)
		for i := range src.Data {
			src.Data[i] = float32(r.IntN(2))
		}
		idx := make([]int32, 200)
		for k := range idx {
			idx[k] = int32(r.IntN(784))
		}
		dst := make([]float32, 500)
		AddRows(dst, 1, src, idx, 0)
		for j := range dst {
			var want float32
			for _, i := range idx {
				want += src.At(int(i), j)
			}
			if dst[j] != want {
				t.Fatalf("dst[%d] = %g, want %g", j, dst[j], want)
			}
		}
	})
}

// TestAddRowsEmpty: no indices gives beta*dst, or zeros when beta == 0 even
// over NaN.
func TestAddRowsEmpty(t *testing.T) {
	forEachAddRowsKernel(t, func(t *testing.T) {
		src := NewDense(3, 5, nil)
		dst := []float32{float32(math.NaN()), 1, 2, 3, float32(math.Inf(1))}
		AddRows(dst, 1, src, nil, 0)
		if !slices.Equal(dst, make([]float32, 5)) {
			t.Errorf("beta 0: got %v, want zeros", dst)
		}
		dst = []float32{1, 2, 3, 4, 5}
		AddRows(dst, 7, src, []int32{}, 2)
		if !slices.Equal(dst, []float32{2, 4, 6, 8, 10}) {
			t.Errorf("beta 2: got %v", dst)
		}
		// Zero columns: nothing to do, indices still checked.
		AddRows(nil, 1, NewDense(4, 0, nil), []int32{3, 0}, 0)
	})
}

func TestAddRowsPanics(t *testing.T) {
	src := NewDense(4, 6, nil)
	for _, c := range []struct {
		name string
		dst  []float32
		idx  []int32
		msg  string
	}{
		{"negative", make([]float32, 6), []int32{0, -1}, "idx[1] = -1"},
		{"past end", make([]float32, 6), []int32{4}, "idx[0] = 4"},
		{"huge", make([]float32, 6), []int32{math.MaxInt32}, "out of range"},
		{"dst length", make([]float32, 5), []int32{1}, "destination length 5"},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.HasPrefix(msg, "mat32: ") || !strings.Contains(msg, c.msg) {
					t.Errorf("panic %q, want mat32: ... %s", msg, c.msg)
				}
			}()
			AddRows(c.dst, 1, src, c.idx, 0)
		})
	}
}

func TestAddRowsNoAlloc(t *testing.T) {
	src := NewDense(100, 500, nil)
	idx := []int32{1, 5, 7, 99}
	dst := make([]float32, 500)
	x := make([]float32, 784)
	x[3], x[700] = 1, 1
	nz := make([]int32, 0, 784)
	if a := testing.AllocsPerRun(10, func() {
		AddRows(dst, 1, src, idx, 0.5)
		nz = Nonzeros(nz[:0], x)
	}); a != 0 {
		t.Errorf("AddRows and Nonzeros allocate %g times per call", a)
	}
}

// TestNonzeros compares Nonzeros with append in a loop for lengths 0..100
// and 784 at several densities, with -0 (zero) and NaN (nonzero) mixed in,
// a prefix that must be kept, and sentinels in the spare capacity that must
// survive.
func TestNonzeros(t *testing.T) {
	forEachAddRowsKernel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(9, 10))
		lengths := []int{784, 1000}
		for n := 0; n <= 100; n++ {
			lengths = append(lengths, n)
		}
		negZero := float32(math.Copysign(0, -1))
		nan := float32(math.NaN())
		for _, n := range lengths {
			for _, p := range []float64{0, 0.13, 0.5, 1} {
				x := make([]float32, n)
				for j := range x {
					switch u := r.Float64(); {
					case u < p/10:
						x[j] = nan
					case u < p:
						x[j] = float32(r.NormFloat64())
					case u < p+(1-p)/2:
						x[j] = negZero
					}
				}
				var want []int32
				want = append(want, -7, -8)
				for j, v := range x {
					if v != 0 {
						want = append(want, int32(j))
					}
				}
				buf := make([]int32, 2, 2+n+3)
				buf[0], buf[1] = -7, -8
				full := buf[:cap(buf)]
				for i := 2; i < len(full); i++ {
					full[i] = -1
				}
				got := Nonzeros(buf, x)
				if !slices.Equal(got, want) {
					t.Fatalf("n=%d p=%g: got %v, want %v", n, p, got, want)
				}
				if &got[0] != &buf[0] {
					t.Fatalf("n=%d p=%g: reallocated with room to spare", n, p)
				}
				for i := len(got); i < len(full); i++ {
					if full[i] != -1 {
						t.Fatalf("n=%d p=%g: wrote %d at %d beyond the result (len %d)", n, p, full[i], i, len(got))
					}
				}
				// Without room: grows like append.
				if got := Nonzeros([]int32{-7, -8}, x); !slices.Equal(got, want) {
					t.Fatalf("n=%d p=%g, growing: got %v, want %v", n, p, got, want)
				}
			}
		}
	})
}

// benchIdx returns k distinct sorted indices in [0, n), as Nonzeros of a
// binary row gives them.
func benchIdx(r *rand.Rand, n, k int) []int32 {
	idx := make([]int32, 0, k)
	for _, i := range r.Perm(n)[:k] {
		idx = append(idx, int32(i))
	}
	slices.Sort(idx)
	return idx
}

// BenchmarkAddRows measures AddRows on the RBM shapes: a binarized MNIST
// row (about 100 of 784 pixels on) times W (784x500); a hidden sample
// (150 of 500 on) times W transposed (500x784); and 50 of a mini-batch's
// 100 rows of hidden samples H (100x500). The bytes counted are the rows
// read. Every call in a loop reads a different set of rows, as a mini-batch
// does; the last shape stays in L1 and shows the kernel's peak. Each
// kernel this machine has is measured.
func BenchmarkAddRows(b *testing.B) {
	saved := addRowsLevel
	defer func() { addRowsLevel = saved }()
	for level := addRowsMaxLevel; level >= 0; level-- {
		addRowsLevel = level
		b.Run([]string{"go", "avx2", "avx512"}[level], benchmarkAddRows)
	}
}

func benchmarkAddRows(b *testing.B) {
	for _, c := range []struct{ rows, cols, k int }{{784, 500, 100}, {500, 784, 150}, {100, 500, 50}, {20, 500, 20}} {
		b.Run(fmt.Sprintf("%dx%d/idx=%d", c.rows, c.cols, c.k), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 1))
			src := NewDense(c.rows, c.cols, nil)
			for i := range src.Data {
				src.Data[i] = float32(r.NormFloat64())
			}
			idxs := make([][]int32, 64)
			for i := range idxs {
				idxs[i] = benchIdx(r, c.rows, c.k)
			}
			dst := make([]float32, c.cols)
			b.SetBytes(int64(4 * c.k * c.cols))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				AddRows(dst, 1, src, idxs[i%len(idxs)], 0)
			}
		})
	}
}

// BenchmarkAddRowsBatch is the product V*W for a mini-batch of 100 binary
// rows (784 wide, 13% ones) and W 784x500, by AddRows row by row after
// Nonzeros, against GemmSerial on the dense V on one core.
func BenchmarkAddRowsBatch(b *testing.B) {
	r := rand.New(rand.NewPCG(2, 2))
	v := NewDense(100, 784, nil)
	for i := range v.Data {
		if r.Float64() < 0.13 {
			v.Data[i] = 1
		}
	}
	w := NewDense(784, 500, nil)
	for i := range w.Data {
		w.Data[i] = float32(r.NormFloat64())
	}
	out := NewDense(100, 500, nil)
	b.Run("sparse", func(b *testing.B) {
		idx := make([]int32, 0, 784)
		for i := 0; i < b.N; i++ {
			for row := 0; row < v.Rows; row++ {
				idx = Nonzeros(idx[:0], v.Row(row))
				AddRows(out.Row(row), 1, w, idx, 0)
			}
		}
	})
	b.Run("gemm", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			GemmSerial(false, false, 1, v, w, 0, out)
		}
	})
}

// BenchmarkNonzeros lists the ones of binarized-MNIST-like rows (784 wide,
// 13% ones).
func BenchmarkNonzeros(b *testing.B) {
	saved := addRowsLevel
	defer func() { addRowsLevel = saved }()
	for level := addRowsMaxLevel; level >= 0; level-- {
		addRowsLevel = level
		b.Run([]string{"go", "avx2", "avx512"}[level], benchmarkNonzeros)
	}
}

func benchmarkNonzeros(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 3))
	xs := make([][]float32, 64)
	for i := range xs {
		xs[i] = make([]float32, 784)
		for j := range xs[i] {
			if r.Float64() < 0.13 {
				xs[i][j] = 1
			}
		}
	}
	dst := make([]int32, 0, 784)
	b.SetBytes(4 * 784)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst = Nonzeros(dst[:0], xs[i%len(xs)])
	}
}

// Two binary visible vectors times a 3x2 weight matrix: each product row is
// the sum of the weight rows at the visible units that are on.
func ExampleAddRows() {
	w := NewDense(3, 2, []float32{
		1, -1,
		2, 0,
		-1, 1,
	})
	v := [][]float32{{1, 0, 1}, {0, 1, 1}}
	var idx []int32
	dst := make([]float32, 2)
	for _, row := range v {
		idx = Nonzeros(idx[:0], row)
		AddRows(dst, 1, w, idx, 0)
		fmt.Println(idx, dst)
	}
	// Output:
	// [0 2] [0 0]
	// [1 2] [1 1]
}
