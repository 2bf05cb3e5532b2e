package mat32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestGemmPacked checks GemmPacked and GemmSerial against GemmRef for every
// kernel set, both layouts of B, and B packed whole or in row blocks that
// do and do not start at panel boundaries. The tolerance is the float32
// rounding bound 2*(k+2)*eps*sum_l |a_il||b_lj| (entries are N(0, 1), so
// the sum is at most k*max|a|*max|b|; we use the exact sum).
func TestGemmPacked(t *testing.T) {
	for _, set := range gemmAvailable() {
		restore, ok := gemmSetKernels(set.name)
		if !ok {
			continue
		}
		r := rand.New(rand.NewPCG(1, 2))
		for _, dims := range [][3]int{{1, 1, 1}, {20, 100, 300}, {7, 33, 5}, {9, 70, 400}, {14, 64, 17}} {
			m, n, k := dims[0], dims[1], dims[2]
			for _, transB := range []bool{false, true} {
				for _, cuts := range [][]int{nil, {64}, {13, 40}, {1, 2, 3}} {
					name := fmt.Sprintf("%s/%dx%dx%d/transB=%v/cuts=%v", set.name, m, n, k, transB, cuts)
					br, bc := k, n
					if transB {
						br, bc = n, k
					}
					a, _ := gemmView(r, m, k, true)
					b, _ := gemmView(r, br, bc, true)
					want := NewDense(m, n, nil)
					GemmRef(false, transB, 1.5, a, b, 0, want)
					p := NewPackedB(k, n, transB)
					for i := range p.data {
						p.data[i] = float32(math.NaN()) // every element must be written
					}
					lo := 0
					for _, c := range cuts {
						if c < b.Rows {
							p.PackRows(b, lo, c)
							lo = c
						}
					}
					p.PackRows(b, lo, b.Rows)
					got := NewDense(m, n, nil)
					got.Fill(float32(math.NaN()))
					GemmPacked(false, 1.5, a, p, 0, got)
					ser := NewDense(m, n, nil)
					GemmSerial(false, transB, 1.5, a, b, 0, ser)
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							var s float64
							for l := 0; l < k; l++ {
								var bl float32
								if transB {
									bl = b.At(j, l)
								} else {
									bl = b.At(l, j)
								}
								s += math.Abs(float64(a.At(i, l)) * float64(bl))
							}
							tol := 2 * float64(k+2) * 0x1p-24 * 1.5 * s
							for _, x := range []*Dense{got, ser} {
								if d := math.Abs(float64(x.At(i, j) - want.At(i, j))); !(d <= tol) {
									t.Fatalf("%s: C[%d,%d] = %v, want %v +- %.3g", name, i, j, x.At(i, j), want.At(i, j), tol)
								}
							}
						}
					}
				}
			}
		}
		restore()
	}
}

func TestGemmPackedPanics(t *testing.T) {
	p := NewPackedB(3, 4, false)
	for name, f := range map[string]func(){
		"pack shape": func() { p.Pack(NewDense(4, 3, nil)) },
		"rows range": func() { p.PackRows(NewDense(3, 4, nil), 2, 4) },
		"gemm shape": func() { GemmPacked(false, 1, NewDense(2, 2, nil), p, 0, NewDense(2, 4, nil)) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("%s: no panic", name)
				} else if s, _ := r.(string); len(s) < 6 || s[:6] != "mat32:" {
					t.Errorf("%s: panic %v", name, r)
				}
			}()
			f()
		}()
	}
}
