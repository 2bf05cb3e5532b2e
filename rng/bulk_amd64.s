//go:build !purego

#include "textflag.h"

// 2^-24 and 1 as float32.
DATA scale24<>+0(SB)/4, $0x33800000
GLOBL scale24<>(SB), RODATA|NOPTR, $4
DATA one32<>+0(SB)/4, $0x3f800000
GLOBL one32<>(SB), RODATA|NOPTR, $4

// STEP advances the eight xoshiro256++ lanes held in Z0..Z3 (state words
// 0..3) and leaves their outputs in Z4, using Z5 as scratch.
#define STEP \
	VPADDQ Z3, Z0, Z4 \
	VPROLQ $23, Z4, Z4 \
	VPADDQ Z0, Z4, Z4 \
	VPSLLQ $17, Z1, Z5 \
	VPXORQ Z0, Z2, Z2 \
	VPXORQ Z1, Z3, Z3 \
	VPXORQ Z2, Z1, Z1 \
	VPXORQ Z3, Z0, Z0 \
	VPXORQ Z5, Z2, Z2 \
	VPROLQ $45, Z3, Z3

// UNIT turns the 16 32-bit halves in Z4 into uniforms (h >> 8) * 2^-24.
#define UNIT \
	VPSRLD $8, Z4, Z4 \
	VCVTDQ2PS Z4, Z4 \
	VMULPS Z8, Z4, Z4

// func bernoulliAVX512(dst, p *float32, n int, ls *lanes)
// n is a positive multiple of 16.
TEXT ·bernoulliAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ p+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ ls+24(FP), DX
	VMOVDQU64 0(DX), Z0
	VMOVDQU64 64(DX), Z1
	VMOVDQU64 128(DX), Z2
	VMOVDQU64 192(DX), Z3
	VBROADCASTSS scale24<>(SB), Z8
	VBROADCASTSS one32<>(SB), Z9
	SHRQ $4, CX

bloop:
	STEP
	UNIT
	// K1 = u < p, ordered and quiet: false when p is NaN.
	VCMPPS $0x11, (SI), Z4, K1
	VMOVAPS.Z Z9, K1, Z6
	VMOVUPS Z6, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ bloop

	VMOVDQU64 Z0, 0(DX)
	VMOVDQU64 Z1, 64(DX)
	VMOVDQU64 Z2, 128(DX)
	VMOVDQU64 Z3, 192(DX)
	VZEROUPPER
	RET

// func uniformAVX512(dst *float32, n int, ls *lanes)
// n is a positive multiple of 16.
TEXT ·uniformAVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ ls+16(FP), DX
	VMOVDQU64 0(DX), Z0
	VMOVDQU64 64(DX), Z1
	VMOVDQU64 128(DX), Z2
	VMOVDQU64 192(DX), Z3
	VBROADCASTSS scale24<>(SB), Z8
	SHRQ $4, CX

uloop:
	STEP
	UNIT
	VMOVUPS Z4, (DI)
	ADDQ $64, DI
	DECQ CX
	JNZ uloop

	VMOVDQU64 Z0, 0(DX)
	VMOVDQU64 Z1, 64(DX)
	VMOVDQU64 Z2, 128(DX)
	VMOVDQU64 Z3, 192(DX)
	VZEROUPPER
	RET

DATA scale53<>+0(SB)/8, $0x3ca0000000000000
GLOBL scale53<>(SB), RODATA|NOPTR, $8
// The ziggurat's layer mask and sign bit (zigMask and zigSign in normal.go).
DATA zigmask<>+0(SB)/8, $255
GLOBL zigmask<>(SB), RODATA|NOPTR, $8
DATA zigsign<>+0(SB)/8, $256
GLOBL zigsign<>(SB), RODATA|NOPTR, $8

// func normalAVX512(dst *float32, n int, ls *lanes, raw *[256]uint64, rej *[32]uint8, mean, std float64)
// n is a positive multiple of 8, at most 256. Needs AVX512F and AVX512DQ.
TEXT ·normalAVX512(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ ls+16(FP), DX
	MOVQ raw+24(FP), SI
	MOVQ rej+32(FP), BX
	VBROADCASTSD mean+40(FP), Z12
	VBROADCASTSD std+48(FP), Z13
	VMOVDQU64 0(DX), Z0
	VMOVDQU64 64(DX), Z1
	VMOVDQU64 128(DX), Z2
	VMOVDQU64 192(DX), Z3
	VPBROADCASTQ zigmask<>(SB), Z10
	VBROADCASTSD scale53<>(SB), Z11
	VPBROADCASTQ zigsign<>(SB), Z14
	LEAQ ·zigX(SB), R8
	LEAQ ·zigRatio(SB), R9
	SHRQ $3, CX

nloop:
	STEP
	VMOVDQU64 Z4, (SI)
	VPANDQ Z10, Z4, Z6       // layer k
	VPSRLQ $11, Z4, Z7
	VCVTQQ2PD Z7, Z7
	VMULPD Z11, Z7, Z7       // u
	KXNORW K2, K2, K2
	VGATHERQPD (R8)(Z6*8), K2, Z8   // zigX[k]
	KXNORW K3, K3, K3
	VGATHERQPD (R9)(Z6*8), K3, Z9   // zigRatio[k]
	VMULPD Z8, Z7, Z8        // x = u·zigX[k]
	VCMPPD $0x1d, Z9, Z7, K4 // rejected: u >= zigRatio[k]
	KMOVB K4, AX
	MOVB AX, (BX)
	VPANDQ Z14, Z4, Z6
	VPSLLQ $55, Z6, Z6
	VPORQ Z6, Z8, Z8         // sign from bit 8 of r
	VMULPD Z13, Z8, Z8
	VADDPD Z12, Z8, Z8       // mean + std·z, rounded twice as in Go
	VCVTPD2PS Z8, Y8
	VMOVUPS Y8, (DI)
	ADDQ $32, DI
	ADDQ $64, SI
	INCQ BX
	DECQ CX
	JNZ nloop

	VMOVDQU64 Z0, 0(DX)
	VMOVDQU64 Z1, 64(DX)
	VMOVDQU64 Z2, 128(DX)
	VMOVDQU64 Z3, 192(DX)
	VZEROUPPER
	RET

// STEP2 advances four xoshiro256++ lanes held in s0..s3 (state words 0..3)
// and leaves their outputs in r, using t as scratch. AVX2 has no 64-bit
// rotation, so rotations are two shifts and an or.
#define STEP2(s0, s1, s2, s3, r, t) \
	VPADDQ s3, s0, r \
	VPSLLQ $23, r, t \
	VPSRLQ $41, r, r \
	VPOR t, r, r \
	VPADDQ s0, r, r \
	VPSLLQ $17, s1, t \
	VPXOR s0, s2, s2 \
	VPXOR s1, s3, s3 \
	VPXOR s2, s1, s1 \
	VPXOR s3, s0, s0 \
	VPXOR t, s2, s2 \
	VPSLLQ $45, s3, t \
	VPSRLQ $19, s3, s3 \
	VPOR t, s3, s3

// UNIT2 turns the eight 32-bit halves in r into uniforms (h >> 8) * 2^-24.
#define UNIT2(r) \
	VPSRLD $8, r, r \
	VCVTDQ2PS r, r \
	VMULPS Y14, r, r

// LOAD2 and SAVE2 move the lanes between ls (in DX) and Y0..Y7: Y0..Y3 hold
// words 0..3 of lanes 0..3, Y4..Y7 those of lanes 4..7.
#define LOAD2 \
	VMOVDQU 0(DX), Y0 \
	VMOVDQU 64(DX), Y1 \
	VMOVDQU 128(DX), Y2 \
	VMOVDQU 192(DX), Y3 \
	VMOVDQU 32(DX), Y4 \
	VMOVDQU 96(DX), Y5 \
	VMOVDQU 160(DX), Y6 \
	VMOVDQU 224(DX), Y7

#define SAVE2 \
	VMOVDQU Y0, 0(DX) \
	VMOVDQU Y1, 64(DX) \
	VMOVDQU Y2, 128(DX) \
	VMOVDQU Y3, 192(DX) \
	VMOVDQU Y4, 32(DX) \
	VMOVDQU Y5, 96(DX) \
	VMOVDQU Y6, 160(DX) \
	VMOVDQU Y7, 224(DX)

// func bernoulliAVX2(dst, p *float32, n int, ls *lanes)
// n is a positive multiple of 16.
TEXT ·bernoulliAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ p+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ ls+24(FP), DX
	LOAD2
	VBROADCASTSS scale24<>(SB), Y14
	VBROADCASTSS one32<>(SB), Y15
	SHRQ $4, CX

b2loop:
	STEP2(Y0, Y1, Y2, Y3, Y8, Y9)
	STEP2(Y4, Y5, Y6, Y7, Y10, Y11)
	UNIT2(Y8)
	UNIT2(Y10)
	// All ones where u < p (ordered, quiet: false when p is NaN).
	VCMPPS $0x11, (SI), Y8, Y8
	VCMPPS $0x11, 32(SI), Y10, Y10
	VANDPS Y15, Y8, Y8
	VANDPS Y15, Y10, Y10
	VMOVUPS Y8, (DI)
	VMOVUPS Y10, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ b2loop

	SAVE2
	VZEROUPPER
	RET

// func uniformAVX2(dst *float32, n int, ls *lanes)
// n is a positive multiple of 16.
TEXT ·uniformAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ n+8(FP), CX
	MOVQ ls+16(FP), DX
	LOAD2
	VBROADCASTSS scale24<>(SB), Y14
	SHRQ $4, CX

u2loop:
	STEP2(Y0, Y1, Y2, Y3, Y8, Y9)
	STEP2(Y4, Y5, Y6, Y7, Y10, Y11)
	UNIT2(Y8)
	UNIT2(Y10)
	VMOVUPS Y8, (DI)
	VMOVUPS Y10, 32(DI)
	ADDQ $64, DI
	DECQ CX
	JNZ u2loop

	SAVE2
	VZEROUPPER
	RET
