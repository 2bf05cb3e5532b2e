package mat32

import "fmt"

//go:generate go run gemm_gen.go

// Gemm computes C = alpha*op(A)*op(B) + beta*C, where op(X) is X or its
// transpose X^T as transA and transB say. op(A) is m x k, op(B) is k x n and
// C is m x n. When beta is 0, C is not read (NaNs in C do not propagate).
// When alpha is 0 or k is 0, A and B are not read and C becomes beta*C.
// C must not overlap A or B.
//
// Gemm packs op(A) and op(B) into cache-blocked panels and runs a
// micro-kernel on them, split across GOMAXPROCS goroutines of a persistent
// pool (small products stay on the calling goroutine). On amd64 the
// micro-kernels are assembly: AVX-512 when the CPU has it, AVX2+FMA
// otherwise; other CPUs, other architectures and builds tagged purego use a
// blocked pure-Go kernel. GemmRef is the reference all are tested against.
// Gemm allocates nothing once its packing buffers exist.
func Gemm(transA, transB bool, alpha float32, a, b *Dense, beta float32, c *Dense) {
	m, n, k := gemmDims(transA, transB, a, b, c)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleDense(c, beta)
		return
	}
	gemmRun(gemmActive, transA, transB, alpha, a, b, beta, c, m, n, k)
}

// GemmRowBlock returns the number of rows of a product's result that the
// active micro-kernel computes at once (14 with AVX-512, 6 with AVX2): a
// caller that splits the rows of a product among workers keeps every
// kernel call full by splitting at multiples of it.
func GemmRowBlock() int { return gemmActive.mr }

// GemmSerial is Gemm computed on the calling goroutine alone, with the
// same results. It is for callers that split their work across their own
// goroutines (for example each computing a block of rows of C), so that
// Gemm's worker pool does not add a hand-off and a wait to every product.
func GemmSerial(transA, transB bool, alpha float32, a, b *Dense, beta float32, c *Dense) {
	m, n, k := gemmDims(transA, transB, a, b, c)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleDense(c, beta)
		return
	}
	set := gemmActive
	buf := gemmGetBuf(set)
	gemmBlocked(set, buf, transA, transB, alpha, a, b, nil, beta, c, 0, m, 0, n, k)
	gemmPutBuf(buf)
}

// scaleDense sets c to beta*c, without reading c when beta is 0.
func scaleDense(c *Dense, beta float32) {
	for i := 0; i < c.Rows; i++ {
		r := c.Row(i)
		if beta == 0 {
			clear(r)
			continue
		}
		for j := range r {
			r[j] *= beta
		}
	}
}

func gemmDims(transA, transB bool, a, b, c *Dense) (m, n, k int) {
	m, k = a.Rows, a.Cols
	if transA {
		m, k = k, m
	}
	kb, n := b.Rows, b.Cols
	if transB {
		kb, n = n, kb
	}
	if k != kb || c.Rows != m || c.Cols != n {
		panic(fmt.Sprintf("mat32: Gemm shape mismatch: op(A) %dx%d, op(B) %dx%d, C %dx%d", m, k, kb, n, c.Rows, c.Cols))
	}
	checkView("A", a)
	checkView("B", b)
	checkView("C", c)
	return m, n, k
}

// checkView panics unless x's window lies inside x.Data, which the assembly
// kernels rely on.
func checkView(name string, x *Dense) {
	if x.Rows == 0 || x.Cols == 0 {
		return
	}
	if x.Stride < x.Cols || len(x.Data) < (x.Rows-1)*x.Stride+x.Cols {
		panic(fmt.Sprintf("mat32: Gemm: %s is %dx%d with stride %d but has %d elements", name, x.Rows, x.Cols, x.Stride, len(x.Data)))
	}
}

// GemmRef is the pure-Go reference for Gemm:
//
//	for i := 0; i < m; i++ {
//		for j := 0; j < n; j++ {
//			var s float32
//			for l := 0; l < k; l++ {
//				s += opA(i, l) * opB(l, j)
//			}
//			C[i, j] = alpha*s + beta*C[i, j]   // C[i, j] not read if beta == 0
//		}
//	}
func GemmRef(transA, transB bool, alpha float32, a, b *Dense, beta float32, c *Dense) {
	m, n, k := gemmDims(transA, transB, a, b, c)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for l := 0; l < k; l++ {
				var x, y float32
				if transA {
					x = a.Data[l*a.Stride+i]
				} else {
					x = a.Data[i*a.Stride+l]
				}
				if transB {
					y = b.Data[j*b.Stride+l]
				} else {
					y = b.Data[l*b.Stride+j]
				}
				s += x * y
			}
			p := &c.Data[i*c.Stride+j]
			if beta == 0 {
				*p = alpha * s
			} else {
				*p = alpha*s + beta*(*p)
			}
		}
	}
}
