//go:build amd64 && !purego

#include "textflag.h"

// Lane numbers 0..15 as int32: nonzerosAVX512 compresses them (plus the
// position of the group) into the indices it stores; addRowsAVX2 compares
// the first eight with the number of columns left to build tail masks.
DATA addrowsiota<>+0(SB)/4, $0
DATA addrowsiota<>+4(SB)/4, $1
DATA addrowsiota<>+8(SB)/4, $2
DATA addrowsiota<>+12(SB)/4, $3
DATA addrowsiota<>+16(SB)/4, $4
DATA addrowsiota<>+20(SB)/4, $5
DATA addrowsiota<>+24(SB)/4, $6
DATA addrowsiota<>+28(SB)/4, $7
DATA addrowsiota<>+32(SB)/4, $8
DATA addrowsiota<>+36(SB)/4, $9
DATA addrowsiota<>+40(SB)/4, $10
DATA addrowsiota<>+44(SB)/4, $11
DATA addrowsiota<>+48(SB)/4, $12
DATA addrowsiota<>+52(SB)/4, $13
DATA addrowsiota<>+56(SB)/4, $14
DATA addrowsiota<>+60(SB)/4, $15
GLOBL addrowsiota<>(SB), RODATA|NOPTR, $64

// ROW(off, r) sets r to the address of column AX of row idx[k] of src, where
// off(R12) is &idx[k]: r = R11 + idx[k]*DX, with R11 = &src[AX] and DX the
// row stride in bytes.
#define ROW(off, r) \
	MOVL  off(R12), r \
	IMULQ DX, r \
	ADDQ  R11, r

// ZERO8 clears eight zmm accumulators.
#define ZERO8(a, b, c, d, e, f, g, h) \
	VPXORD a, a, a \
	VPXORD b, b, b \
	VPXORD c, c, c \
	VPXORD d, d, d \
	VPXORD e, e, e \
	VPXORD f, f, f \
	VPXORD g, g, g \
	VPXORD h, h, h

// ADD8 adds the 128 floats at off(r) to eight accumulators.
#define ADD8(off, r, a, b, c, d, e, f, g, h) \
	VADDPS off+0(r), a, a \
	VADDPS off+64(r), b, b \
	VADDPS off+128(r), c, c \
	VADDPS off+192(r), d, d \
	VADDPS off+256(r), e, e \
	VADDPS off+320(r), f, f \
	VADDPS off+384(r), g, g \
	VADDPS off+448(r), h, h

// STBETA1 sets the 16 floats at off(R14) to alpha*Z(acc) + beta*themselves.
#define STBETA1(off, acc) \
	VMULPS      off(R14), Z31, Z16 \
	VFMADD231PS Z30, acc, Z16 \
	VMOVUPS     Z16, off(R14)

#define STBETA8(off, a, b, c, d, e, f, g, h) \
	STBETA1(off+0, a) \
	STBETA1(off+64, b) \
	STBETA1(off+128, c) \
	STBETA1(off+192, d) \
	STBETA1(off+256, e) \
	STBETA1(off+320, f) \
	STBETA1(off+384, g) \
	STBETA1(off+448, h)

// STORE1 sets the 16 floats at off(R14) to alpha*Z(acc) without reading them.
#define STORE1(off, acc) \
	VMULPS  Z30, acc, acc \
	VMOVUPS acc, off(R14)

#define STORE8(off, a, b, c, d, e, f, g, h) \
	STORE1(off+0, a) \
	STORE1(off+64, b) \
	STORE1(off+128, c) \
	STORE1(off+192, d) \
	STORE1(off+256, e) \
	STORE1(off+320, f) \
	STORE1(off+384, g) \
	STORE1(off+448, h)

// func addRowsAVX512(dst *float32, n int, src *float32, stride int, idx *int32, nidx int, alpha, beta float32)
//
// Columns are taken in blocks of 256 (sixteen accumulators), then one of
// 128 (eight), then blocks of 64 (eight accumulators, two indices per step,
// K1..K4 masking the last block) or, when at most 16 columns are left, one
// masked vector with four accumulators. Each block sums its columns of every
// selected row, then stores alpha*sum (+ beta*dst when beta != 0).
//
// Registers: DI dst, CX n, SI src, DX stride in bytes, R8 idx, R9 nidx,
// AX the first column of the current block, R11 &src[AX], R12 and R13 walk
// idx, BX and R14 hold row addresses. Z30 = alpha, Z31 = beta.
TEXT ·addRowsAVX512(SB), NOSPLIT, $0-56
	MOVQ         dst+0(FP), DI
	MOVQ         n+8(FP), CX
	MOVQ         src+16(FP), SI
	MOVQ         stride+24(FP), DX
	SHLQ         $2, DX
	MOVQ         idx+32(FP), R8
	MOVQ         nidx+40(FP), R9
	VBROADCASTSS alpha+48(FP), Z30
	VBROADCASTSS beta+52(FP), Z31
	XORQ         AX, AX

blk256:
	// Blocks of 256 columns in sixteen accumulators, one index per step:
	// each selected row is read in 1 KiB runs, which the prefetchers follow.
	MOVQ   CX, BX
	SUBQ   AX, BX
	CMPQ   BX, $256
	JLT    blk128
	ZERO8(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	ZERO8(Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	LEAQ   (SI)(AX*4), R11
	MOVQ   R8, R12
	MOVQ   R9, R13

one256:
	ROW(0, R14)
	ADD8(0, R14, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	ADD8(512, R14, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ADDQ   $4, R12
	DECQ   R13
	JNZ    one256
	LEAQ   (DI)(AX*4), R14
	MOVL   beta+52(FP), R10
	TESTL  $0x7fffffff, R10
	JZ     store256
	STBETA8(0, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	STBETA8(512, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ADDQ   $256, AX
	JMP    blk256

store256:
	STORE8(0, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	STORE8(512, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)
	ADDQ   $256, AX
	JMP    blk256

blk128:
	// 128..255 columns left: one block of 128 in eight accumulators.
	CMPQ   BX, $128
	JLT    blk64
	ZERO8(Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	LEAQ   (SI)(AX*4), R11
	MOVQ   R8, R12
	MOVQ   R9, R13

one128:
	ROW(0, R14)
	ADD8(0, R14, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	ADDQ   $4, R12
	DECQ   R13
	JNZ    one128
	LEAQ   (DI)(AX*4), R14
	MOVL   beta+52(FP), R10
	TESTL  $0x7fffffff, R10
	JZ     store128
	STBETA8(0, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	ADDQ   $128, AX
	JMP    blk64

store128:
	STORE8(0, Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7)
	ADDQ   $128, AX

blk64:
	MOVQ CX, BX
	SUBQ AX, BX        // BX = columns left
	JLE  done
	MOVQ $-1, R10
	CMPQ BX, $64
	JGE  masks64
	CMPQ BX, $16
	JLE  blk16
	BZHIQ BX, R10, R10 // the low BX bits

masks64:
	KMOVW R10, K1
	SHRQ  $16, R10
	KMOVW R10, K2
	SHRQ  $16, R10
	KMOVW R10, K3
	SHRQ  $16, R10
	KMOVW R10, K4
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	LEAQ  (SI)(AX*4), R11
	MOVQ  R8, R12
	MOVQ  R9, R13
	CMPQ  R13, $2
	JLT   odd64

pair64:
	ROW(0, R14)
	ROW(4, BX)
	VADDPS (R14), Z0, K1, Z0
	VADDPS 64(R14), Z1, K2, Z1
	VADDPS 128(R14), Z2, K3, Z2
	VADDPS 192(R14), Z3, K4, Z3
	VADDPS (BX), Z4, K1, Z4
	VADDPS 64(BX), Z5, K2, Z5
	VADDPS 128(BX), Z6, K3, Z6
	VADDPS 192(BX), Z7, K4, Z7
	ADDQ   $8, R12
	SUBQ   $2, R13
	CMPQ   R13, $2
	JGE    pair64

odd64:
	TESTQ  R13, R13
	JZ     sum64
	ROW(0, R14)
	VADDPS (R14), Z0, K1, Z0
	VADDPS 64(R14), Z1, K2, Z1
	VADDPS 128(R14), Z2, K3, Z2
	VADDPS 192(R14), Z3, K4, Z3

sum64:
	VADDPS Z4, Z0, Z0
	VADDPS Z5, Z1, Z1
	VADDPS Z6, Z2, Z2
	VADDPS Z7, Z3, Z3
	LEAQ   (DI)(AX*4), R14
	MOVL   beta+52(FP), R10
	TESTL  $0x7fffffff, R10
	JZ     store64

	// dst = alpha*sum + beta*dst
	VMOVUPS.Z   (R14), K1, Z4
	VMOVUPS.Z   64(R14), K2, Z5
	VMOVUPS.Z   128(R14), K3, Z6
	VMOVUPS.Z   192(R14), K4, Z7
	VMULPS      Z31, Z4, Z4
	VMULPS      Z31, Z5, Z5
	VMULPS      Z31, Z6, Z6
	VMULPS      Z31, Z7, Z7
	VFMADD231PS Z30, Z0, Z4
	VFMADD231PS Z30, Z1, Z5
	VFMADD231PS Z30, Z2, Z6
	VFMADD231PS Z30, Z3, Z7
	VMOVUPS     Z4, K1, (R14)
	VMOVUPS     Z5, K2, 64(R14)
	VMOVUPS     Z6, K3, 128(R14)
	VMOVUPS     Z7, K4, 192(R14)
	ADDQ        $64, AX
	JMP         blk64

store64:
	// beta == 0: dst = alpha*sum, dst not read.
	VMULPS  Z30, Z0, Z0
	VMULPS  Z30, Z1, Z1
	VMULPS  Z30, Z2, Z2
	VMULPS  Z30, Z3, Z3
	VMOVUPS Z0, K1, (R14)
	VMOVUPS Z1, K2, 64(R14)
	VMOVUPS Z2, K3, 128(R14)
	VMOVUPS Z3, K4, 192(R14)
	ADDQ    $64, AX
	JMP     blk64

blk16:
	// 1..16 columns left: one masked vector, four indices per step into
	// four accumulators.
	BZHIQ  BX, R10, R10
	KMOVW  R10, K1
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	LEAQ   (SI)(AX*4), R11
	MOVQ   R8, R12
	MOVQ   R9, R13
	CMPQ   R13, $4
	JLT    one16

quad16:
	ROW(0, R14)
	ROW(4, BX)
	VADDPS (R14), Z0, K1, Z0
	VADDPS (BX), Z1, K1, Z1
	ROW(8, R14)
	ROW(12, BX)
	VADDPS (R14), Z2, K1, Z2
	VADDPS (BX), Z3, K1, Z3
	ADDQ   $16, R12
	SUBQ   $4, R13
	CMPQ   R13, $4
	JGE    quad16

one16:
	TESTQ  R13, R13
	JZ     sum16
	ROW(0, R14)
	VADDPS (R14), Z0, K1, Z0
	ADDQ   $4, R12
	DECQ   R13
	JMP    one16

sum16:
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z2, Z0, Z0
	LEAQ   (DI)(AX*4), R14
	MOVL   beta+52(FP), R10
	TESTL  $0x7fffffff, R10
	JZ     store16
	VMOVUPS.Z   (R14), K1, Z4
	VMULPS      Z31, Z4, Z4
	VFMADD231PS Z30, Z0, Z4
	VMOVUPS     Z4, K1, (R14)
	JMP         done

store16:
	VMULPS  Z30, Z0, Z0
	VMOVUPS Z0, K1, (R14)

done:
	VZEROUPPER
	RET

// func nonzerosAVX512(dst *int32, x *float32, n int) int
//
// Registers: DI dst, SI x, CX n, AX count written, BX next element,
// Z0 zeros, Z1 the lane numbers BX..BX+15, Z2 sixteen 16s.
TEXT ·nonzerosAVX512(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	XORQ         AX, AX
	XORQ         BX, BX
	MOVQ         $-1, R9
	VPXORD       Z0, Z0, Z0
	VMOVDQU32    addrowsiota<>(SB), Z1
	MOVL         $16, R8
	VPBROADCASTD R8, Z2
	MOVQ         CX, DX
	ANDQ         $-16, DX

nzloop:
	CMPQ        BX, DX
	JGE         nztail
	VCMPPS      $4, (SI)(BX*4), Z0, K1 // x != 0 or NaN (NEQ_UQ)
	VPCOMPRESSD Z1, K1, Z3
	KMOVW       K1, R8
	POPCNTL     R8, R8
	BZHIQ       R8, R9, R10
	KMOVW       R10, K2
	VMOVDQU32   Z3, K2, (DI)(AX*4)
	ADDQ        R8, AX
	VPADDD      Z2, Z1, Z1
	ADDQ        $16, BX
	JMP         nzloop

nztail:
	MOVQ        CX, R8
	SUBQ        BX, R8
	JZ          nzdone
	BZHIQ       R8, R9, R10
	KMOVW       R10, K3
	VMOVUPS.Z   (SI)(BX*4), K3, Z4
	VCMPPS      $4, Z4, Z0, K1
	VPCOMPRESSD Z1, K1, Z3
	KMOVW       K1, R8
	POPCNTL     R8, R8
	BZHIQ       R8, R9, R10
	KMOVW       R10, K2
	VMOVDQU32   Z3, K2, (DI)(AX*4)
	ADDQ        R8, AX

nzdone:
	MOVQ AX, ret+24(FP)
	VZEROUPPER
	RET

// func addRowsAVX2(dst *float32, n int, src *float32, stride int, idx *int32, nidx int, alpha, beta float32)
//
// Registers as in addRowsAVX512; Y11 = beta, Y12 = alpha, Y14 = 0..7, and
// in the blocks of 8 Y15 masks the columns left (VMASKMOVPS).
TEXT ·addRowsAVX2(SB), NOSPLIT, $0-56
	MOVQ         dst+0(FP), DI
	MOVQ         n+8(FP), CX
	MOVQ         src+16(FP), SI
	MOVQ         stride+24(FP), DX
	SHLQ         $2, DX
	MOVQ         idx+32(FP), R8
	MOVQ         nidx+40(FP), R9
	VBROADCASTSS alpha+48(FP), Y12
	VBROADCASTSS beta+52(FP), Y11
	VMOVDQU      addrowsiota<>(SB), Y14
	XORQ         AX, AX

blk32:
	MOVQ   CX, BX
	SUBQ   AX, BX
	CMPQ   BX, $32
	JLT    blk8
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	LEAQ   (SI)(AX*4), R11
	MOVQ   R8, R12
	MOVQ   R9, R13
	CMPQ   R13, $2
	JLT    odd32

pair32:
	ROW(0, R14)
	ROW(4, BX)
	VADDPS (R14), Y0, Y0
	VADDPS 32(R14), Y1, Y1
	VADDPS 64(R14), Y2, Y2
	VADDPS 96(R14), Y3, Y3
	VADDPS (BX), Y4, Y4
	VADDPS 32(BX), Y5, Y5
	VADDPS 64(BX), Y6, Y6
	VADDPS 96(BX), Y7, Y7
	ADDQ   $8, R12
	SUBQ   $2, R13
	CMPQ   R13, $2
	JGE    pair32

odd32:
	TESTQ  R13, R13
	JZ     sum32
	ROW(0, R14)
	VADDPS (R14), Y0, Y0
	VADDPS 32(R14), Y1, Y1
	VADDPS 64(R14), Y2, Y2
	VADDPS 96(R14), Y3, Y3

sum32:
	VADDPS Y4, Y0, Y0
	VADDPS Y5, Y1, Y1
	VADDPS Y6, Y2, Y2
	VADDPS Y7, Y3, Y3
	LEAQ   (DI)(AX*4), R14
	MOVL   beta+52(FP), R10
	TESTL  $0x7fffffff, R10
	JZ     store32
	VMULPS      (R14), Y11, Y4
	VMULPS      32(R14), Y11, Y5
	VMULPS      64(R14), Y11, Y6
	VMULPS      96(R14), Y11, Y7
	VFMADD231PS Y12, Y0, Y4
	VFMADD231PS Y12, Y1, Y5
	VFMADD231PS Y12, Y2, Y6
	VFMADD231PS Y12, Y3, Y7
	VMOVUPS     Y4, (R14)
	VMOVUPS     Y5, 32(R14)
	VMOVUPS     Y6, 64(R14)
	VMOVUPS     Y7, 96(R14)
	ADDQ        $32, AX
	JMP         blk32

store32:
	VMULPS  Y12, Y0, Y0
	VMULPS  Y12, Y1, Y1
	VMULPS  Y12, Y2, Y2
	VMULPS  Y12, Y3, Y3
	VMOVUPS Y0, (R14)
	VMOVUPS Y1, 32(R14)
	VMOVUPS Y2, 64(R14)
	VMOVUPS Y3, 96(R14)
	ADDQ    $32, AX
	JMP     blk32

blk8:
	// 0..31 columns left, eight at a time with masked loads and stores:
	// Y15 lane i is all ones if i < BX.
	MOVQ   CX, BX
	SUBQ   AX, BX
	JLE    done2
	MOVQ   BX, X13
	VPBROADCASTD X13, Y13
	VPCMPGTD Y14, Y13, Y15
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	LEAQ   (SI)(AX*4), R11
	MOVQ   R8, R12
	MOVQ   R9, R13
	CMPQ   R13, $4
	JLT    one8

quad8:
	ROW(0, R14)
	ROW(4, BX)
	VMASKMOVPS (R14), Y15, Y8
	VMASKMOVPS (BX), Y15, Y9
	VADDPS     Y8, Y0, Y0
	VADDPS     Y9, Y1, Y1
	ROW(8, R14)
	ROW(12, BX)
	VMASKMOVPS (R14), Y15, Y8
	VMASKMOVPS (BX), Y15, Y9
	VADDPS     Y8, Y2, Y2
	VADDPS     Y9, Y3, Y3
	ADDQ       $16, R12
	SUBQ       $4, R13
	CMPQ       R13, $4
	JGE        quad8

one8:
	TESTQ      R13, R13
	JZ         sum8
	ROW(0, R14)
	VMASKMOVPS (R14), Y15, Y8
	VADDPS     Y8, Y0, Y0
	ADDQ       $4, R12
	DECQ       R13
	JMP        one8

sum8:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	LEAQ   (DI)(AX*4), R14
	MOVL   beta+52(FP), R10
	TESTL  $0x7fffffff, R10
	JZ     store8
	VMASKMOVPS  (R14), Y15, Y4
	VMULPS      Y11, Y4, Y4
	VFMADD231PS Y12, Y0, Y4
	VMASKMOVPS  Y4, Y15, (R14)
	ADDQ        $8, AX
	JMP         blk8

store8:
	VMULPS     Y12, Y0, Y0
	VMASKMOVPS Y0, Y15, (R14)
	ADDQ       $8, AX
	JMP        blk8

done2:
	VZEROUPPER
	RET

// func nonzerosAVX2(dst *int32, x *float32, n int) int
//
// Eight lanes at a time: a compare, its sign mask, and a loop over the set
// bits (TZCNT, BLSR); the last n%8 elements one at a time. Registers: DI
// dst, SI x, CX n, AX count written, BX next element, Y0 zeros.
TEXT ·nonzerosAVX2(SB), NOSPLIT, $0-32
	MOVQ   dst+0(FP), DI
	MOVQ   x+8(FP), SI
	MOVQ   n+16(FP), CX
	XORQ   AX, AX
	XORQ   BX, BX
	VXORPS Y0, Y0, Y0
	MOVQ   CX, DX
	ANDQ   $-8, DX

nz2loop:
	CMPQ      BX, DX
	JGE       nz2tail
	VCMPPS    $4, (SI)(BX*4), Y0, Y1 // x != 0 or NaN (NEQ_UQ)
	VMOVMSKPS Y1, R8
	TESTL     R8, R8
	JZ        nz2next

nz2bits:
	TZCNTL R8, R9
	ADDL   BX, R9
	MOVL   R9, (DI)(AX*4)
	INCQ   AX
	BLSRL  R8, R8
	JNZ    nz2bits

nz2next:
	ADDQ $8, BX
	JMP  nz2loop

nz2tail:
	CMPQ     BX, CX
	JGE      nz2done
	VMOVSS   (SI)(BX*4), X1
	VUCOMISS X0, X1
	JNE      nz2store
	JPS      nz2store // unordered: NaN
	INCQ     BX
	JMP      nz2tail

nz2store:
	MOVL BX, (DI)(AX*4)
	INCQ AX
	INCQ BX
	JMP  nz2tail

nz2done:
	MOVQ AX, ret+24(FP)
	VZEROUPPER
	RET
