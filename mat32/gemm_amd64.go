//go:build amd64 && !purego

package mat32

import (
	"math"

	"golang.org/x/sys/cpu"
)

// gemmAVX512 uses 14x32 tiles: 28 zmm accumulators, two zmm of packed B and
// two broadcasts of packed A per k step. kc is chosen so that an A panel
// (14 x kc) stays in the 48 KiB L1d, nc so that the B block (kc x nc) stays
// in the 2 MiB L2.
var gemmAVX512 = &gemmKernels{
	name: "avx512", mr: 14, nr: 32, mc: 14 * 64, kc: 384, nc: 32 * 24,
	packA: packA512, packB: packB512,
	kern: []gemmKernFunc{nil, gemmKern512x1, gemmKern512x2, gemmKern512x3, gemmKern512x4, gemmKern512x5, gemmKern512x6, gemmKern512x7, gemmKern512x8, gemmKern512x9, gemmKern512x10, gemmKern512x11, gemmKern512x12, gemmKern512x13, gemmKern512x14},
}

// gemmAVX2 uses 6x16 tiles: 12 ymm accumulators, two ymm of packed B and two
// broadcasts of packed A.
var gemmAVX2 = &gemmKernels{
	name: "avx2", mr: 6, nr: 16, mc: 6 * 128, kc: 384, nc: 16 * 48,
	packA: packA, packB: packB,
	kern: []gemmKernFunc{nil, gemmKern256x1, gemmKern256x2, gemmKern256x3, gemmKern256x4, gemmKern256x5, gemmKern256x6},
}

func init() {
	gemmActive = gemmBest()
}

func gemmBest() *gemmKernels {
	switch {
	case cpu.X86.HasAVX512F:
		return gemmAVX512
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return gemmAVX2
	}
	return gemmGo
}

// gemmAvailable returns the kernel sets this CPU can run.
func gemmAvailable() []*gemmKernels {
	sets := []*gemmKernels{gemmGo}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		sets = append(sets, gemmAVX2)
	}
	if cpu.X86.HasAVX512F {
		sets = append(sets, gemmAVX512)
	}
	return sets
}

// lanes returns a mask of the n lowest of 32 lanes.
func lanes(n int) uint32 { return uint32(uint64(1)<<n - 1) }

// packA512 is packA with AVX-512 masked copies, in-register transposes
// and gathers.
func packA512(dst []float32, a *Dense, trans bool, i0, mc, p0, kc, mr int) {
	lda := a.Stride
	if mr > 32 || (!trans && 31*lda > math.MaxInt32) {
		packA(dst, a, trans, i0, mc, p0, kc, mr)
		return
	}
	var idx [32]int32
	for i := range idx {
		idx[i] = int32(i * lda)
	}
	for ir := 0; ir < mc; ir += mr {
		rows := min(mr, mc-ir)
		d := dst[ir*kc : ir*kc+rows*kc]
		m := lanes(rows)
		if trans {
			_ = a.Data[(p0+kc-1)*lda+i0+ir+rows-1]
			packCopy512(&d[0], &a.Data[p0*lda+i0+ir], lda, kc, m, m, rows)
		} else {
			_ = a.Data[(i0+ir+rows-1)*lda+p0+kc-1]
			src := (i0+ir)*lda + p0
			done := 0
			if rows <= 16 && kc >= 16 {
				// Transpose 16x16 blocks in registers; rows past the panel
				// repeat its last row and are not stored.
				var idx16 [16]int32
				for i := range idx16 {
					idx16[i] = int32(min(i, rows-1) * lda)
				}
				done = kc / 16 * 16
				packTrans16(&d[0], &a.Data[src], &idx16[0], kc/16, m, rows)
			}
			if done < kc {
				packGather512(&d[done*rows], &a.Data[src+done], &idx, kc-done, m, m, rows)
			}
		}
	}
}

// packB512 is packB with AVX-512 masked copies, in-register transposes
// and gathers.
func packB512(dst []float32, b *Dense, trans bool, p0, kc, j0, nc, nr int) {
	ldb := b.Stride
	if nr > 32 || (trans && 31*ldb > math.MaxInt32) {
		packB(dst, b, trans, p0, kc, j0, nc, nr)
		return
	}
	var idx [32]int32
	for i := range idx {
		idx[i] = int32(i * ldb)
	}
	for jr := 0; jr < nc; jr += nr {
		cols := min(nr, nc-jr)
		d := dst[jr*kc : jr*kc+nr*kc]
		if trans {
			_ = b.Data[(j0+jr+cols-1)*ldb+p0+kc-1]
			src := (j0+jr)*ldb + p0
			done := 0
			if cols == 32 && nr == 32 && kc >= 16 {
				done = kc / 16 * 16
				packTrans16(&d[0], &b.Data[src], &idx[0], kc/16, 0xffff, nr)
				packTrans16(&d[16], &b.Data[src], &idx[16], kc/16, 0xffff, nr)
			}
			if done < kc {
				packGather512(&d[done*nr], &b.Data[src+done], &idx, kc-done, lanes(cols), lanes(nr), nr)
			}
		} else {
			_ = b.Data[(p0+kc-1)*ldb+j0+jr+cols-1]
			packCopy512(&d[0], &b.Data[p0*ldb+j0+jr], ldb, kc, lanes(cols), lanes(nr), nr)
		}
	}
}

//go:noescape
func packCopy512(dst, src *float32, lds, kc int, lmask, smask uint32, width int)

//go:noescape
func packTrans16(dst, src *float32, idx *int32, nblk int, smask uint32, width int)

//go:noescape
func packGather512(dst, src *float32, idx *[32]int32, kc int, lmask, smask uint32, width int)

//go:noescape
func gemmKern512x1(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern512x2(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern512x3(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern512x4(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern512x5(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern512x6(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern512x7(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern512x8(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern512x9(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern512x10(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern512x11(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern512x12(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern512x13(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern512x14(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern256x1(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern256x2(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern256x3(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern256x4(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern256x5(kc int, a, b, c *float32, ldc int, alpha, beta float32)

//go:noescape
func gemmKern256x6(kc int, a, b, c *float32, ldc int, alpha, beta float32)
