package mat32

import "unsafe"

// gemmGo is the portable kernel set: a 4x4 register tile in plain Go.
var gemmGo = &gemmKernels{
	name: "go", mr: 4, nr: 4, mc: 256, kc: 256, nc: 1024,
	kern:  []gemmKernFunc{nil, gemmKernGo1, gemmKernGo2, gemmKernGo3, gemmKernGo4},
	packA: packA, packB: packB,
}

// gemmKernGo4 is the Go micro-kernel for full panels of 4 rows and 4 columns.
func gemmKernGo4(kc int, a, b, c *float32, ldc int, alpha, beta float32) {
	ap := unsafe.Slice(a, 4*kc)
	bp := unsafe.Slice(b, 4*kc)
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	var c20, c21, c22, c23, c30, c31, c32, c33 float32
	for p := 0; p < kc; p++ {
		av := ap[4*p : 4*p+4 : 4*p+4]
		bv := bp[4*p : 4*p+4 : 4*p+4]
		a0, a1, a2, a3 := av[0], av[1], av[2], av[3]
		b0, b1, b2, b3 := bv[0], bv[1], bv[2], bv[3]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	cs := unsafe.Slice(c, 3*ldc+4)
	store4(cs[0:4:4], c00, c01, c02, c03, alpha, beta)
	store4(cs[ldc:ldc+4:ldc+4], c10, c11, c12, c13, alpha, beta)
	store4(cs[2*ldc:2*ldc+4:2*ldc+4], c20, c21, c22, c23, alpha, beta)
	store4(cs[3*ldc:3*ldc+4:3*ldc+4], c30, c31, c32, c33, alpha, beta)
}

func store4(d []float32, s0, s1, s2, s3, alpha, beta float32) {
	if beta == 0 {
		d[0], d[1], d[2], d[3] = alpha*s0, alpha*s1, alpha*s2, alpha*s3
		return
	}
	d[0] = alpha*s0 + beta*d[0]
	d[1] = alpha*s1 + beta*d[1]
	d[2] = alpha*s2 + beta*d[2]
	d[3] = alpha*s3 + beta*d[3]
}

// gemmKernGoRows is the Go micro-kernel for the last panel of an A block,
// with rows < 4 rows.
func gemmKernGoRows(rows, kc int, a, b, c *float32, ldc int, alpha, beta float32) {
	ap := unsafe.Slice(a, rows*kc)
	bp := unsafe.Slice(b, 4*kc)
	cs := unsafe.Slice(c, (rows-1)*ldc+4)
	for i := 0; i < rows; i++ {
		var s0, s1, s2, s3 float32
		for p := 0; p < kc; p++ {
			x := ap[p*rows+i]
			bv := bp[4*p : 4*p+4 : 4*p+4]
			s0 += x * bv[0]
			s1 += x * bv[1]
			s2 += x * bv[2]
			s3 += x * bv[3]
		}
		store4(cs[i*ldc:i*ldc+4:i*ldc+4], s0, s1, s2, s3, alpha, beta)
	}
}

func gemmKernGo1(kc int, a, b, c *float32, ldc int, alpha, beta float32) {
	gemmKernGoRows(1, kc, a, b, c, ldc, alpha, beta)
}

func gemmKernGo2(kc int, a, b, c *float32, ldc int, alpha, beta float32) {
	gemmKernGoRows(2, kc, a, b, c, ldc, alpha, beta)
}

func gemmKernGo3(kc int, a, b, c *float32, ldc int, alpha, beta float32) {
	gemmKernGoRows(3, kc, a, b, c, ldc, alpha, beta)
}
