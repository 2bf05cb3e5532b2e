#include "textflag.h"

// Constants for sigmoidAVX512 (see elementwise_fast.go).
DATA sig512<>+0(SB)/4, $0x80000000  // sign bit
DATA sig512<>+4(SB)/4, $0xc2ad0000  // expLo = -86.5
DATA sig512<>+8(SB)/4, $0x42b00000  // expHi = 88
DATA sig512<>+12(SB)/4, $0x3fb8aa3b // log2(e)
DATA sig512<>+16(SB)/4, $0x3f318000 // ln2Hi
DATA sig512<>+20(SB)/4, $0xb95e8083 // ln2Lo
DATA sig512<>+24(SB)/4, $0x3ab57399 // c6
DATA sig512<>+28(SB)/4, $0x3c0933c1 // c5
DATA sig512<>+32(SB)/4, $0x3d2aac11 // c4
DATA sig512<>+36(SB)/4, $0x3e2aaa0d // c3
DATA sig512<>+40(SB)/4, $0x3efffffe // c2
DATA sig512<>+44(SB)/4, $0x3f800000 // 1 (= c1 = c0)
GLOBL sig512<>(SB), RODATA|NOPTR, $48

// SIGMOID16 computes Z2 = 1/(1+exp(-Z0)), clobbering Z0, Z1, Z3.
// Like SIGMOID8 in elementwise_amd64.s, but 2^n is applied with VSCALEFPS
// and 1/(1+e) is a 14-bit reciprocal estimate refined by one Newton step
// (error about 2^-28 before rounding) instead of a division.
#define SIGMOID16 \
	VXORPS       Z20, Z0, Z0 /* z = -x */ \
	VMAXPS       Z0, Z21, Z0 /* max(expLo, z); NaN in Z0 is kept */ \
	VMINPS       Z0, Z22, Z0 /* min(expHi, z) */ \
	VMULPS       Z23, Z0, Z1 \
	VRNDSCALEPS  $0, Z1, Z1 /* n = round(z*log2e) */ \
	VFNMADD231PS Z24, Z1, Z0 /* r = z - n*ln2Hi */ \
	VFNMADD231PS Z25, Z1, Z0 /* r -= n*ln2Lo */ \
	VMOVAPS      Z26, Z2 /* p = c6 */ \
	VFMADD213PS  Z27, Z0, Z2 /* p = p*r + c5 */ \
	VFMADD213PS  Z28, Z0, Z2 \
	VFMADD213PS  Z29, Z0, Z2 \
	VFMADD213PS  Z30, Z0, Z2 \
	VFMADD213PS  Z31, Z0, Z2 \
	VFMADD213PS  Z31, Z0, Z2 /* p = p*r + 1 */ \
	VSCALEFPS    Z1, Z2, Z2 /* e = p * 2^n */ \
	VADDPS       Z31, Z2, Z2 /* d = 1 + e */ \
	VRCP14PS     Z2, Z3 /* y0 ~ 1/d */ \
	VFNMADD213PS Z31, Z3, Z2 /* t = 1 - d*y0 */ \
	VFMADD213PS  Z3, Z3, Z2 /* y = y0 + t*y0 */

// func sigmoidAVX512(dst, x, b *float32, n int)
// The last n&15 elements are read and written with masked moves.
TEXT ·sigmoidAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), BX
	VBROADCASTSS sig512<>+0(SB), Z20
	VBROADCASTSS sig512<>+4(SB), Z21
	VBROADCASTSS sig512<>+8(SB), Z22
	VBROADCASTSS sig512<>+12(SB), Z23
	VBROADCASTSS sig512<>+16(SB), Z24
	VBROADCASTSS sig512<>+20(SB), Z25
	VBROADCASTSS sig512<>+24(SB), Z26
	VBROADCASTSS sig512<>+28(SB), Z27
	VBROADCASTSS sig512<>+32(SB), Z28
	VBROADCASTSS sig512<>+36(SB), Z29
	VBROADCASTSS sig512<>+40(SB), Z30
	VBROADCASTSS sig512<>+44(SB), Z31
	// K1 = mask of the last n&15 lanes.
	MOVQ  BX, CX
	ANDQ  $15, CX
	MOVL  $1, R9
	SHLL  CX, R9
	DECL  R9
	KMOVW R9, K1
	MOVQ  BX, CX
	ANDQ  $-16, CX // full vectors end here
	XORQ  AX, AX
	TESTQ DX, DX
	JZ    nobias
	CMPQ  AX, CX
	JGE   biastail

bias:
	VMOVUPS (SI)(AX*4), Z0
	VADDPS  (DX)(AX*4), Z0, Z0
	SIGMOID16
	VMOVUPS Z2, (DI)(AX*4)
	ADDQ    $16, AX
	CMPQ    AX, CX
	JL      bias

biastail:
	CMPQ      AX, BX
	JGE       done
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	VMOVUPS.Z (DX)(AX*4), K1, Z3
	VADDPS    Z3, Z0, Z0
	SIGMOID16
	VMOVUPS   Z2, K1, (DI)(AX*4)
	JMP       done

nobias:
	CMPQ AX, CX
	JGE  nobiastail

nobiasloop:
	VMOVUPS (SI)(AX*4), Z0
	SIGMOID16
	VMOVUPS Z2, (DI)(AX*4)
	ADDQ    $16, AX
	CMPQ    AX, CX
	JL      nobiasloop

nobiastail:
	CMPQ      AX, BX
	JGE       done
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	SIGMOID16
	VMOVUPS   Z2, K1, (DI)(AX*4)

done:
	VZEROUPPER
	RET
