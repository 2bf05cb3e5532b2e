#include "textflag.h"

// Constants for sigmoidAVX2, one float32 each (see elementwise_fast.go).
DATA sigconst<>+0(SB)/4, $0x80000000  // sign bit
DATA sigconst<>+4(SB)/4, $0xc2ad0000  // expLo = -86.5
DATA sigconst<>+8(SB)/4, $0x42b00000  // expHi = 88
DATA sigconst<>+12(SB)/4, $0x3fb8aa3b // log2(e)
DATA sigconst<>+16(SB)/4, $0x3f318000 // ln2Hi
DATA sigconst<>+20(SB)/4, $0xb95e8083 // ln2Lo
DATA sigconst<>+24(SB)/4, $0x3ab57399 // c6
DATA sigconst<>+28(SB)/4, $0x3c0933c1 // c5
DATA sigconst<>+32(SB)/4, $0x3d2aac11 // c4
DATA sigconst<>+36(SB)/4, $0x3e2aaa0d // c3
DATA sigconst<>+40(SB)/4, $0x3efffffe // c2
DATA sigconst<>+44(SB)/4, $0x3f800000 // 1 (= c1 = c0)
GLOBL sigconst<>(SB), RODATA|NOPTR, $48

// tailmask<>+4*(8-r) holds r all-ones lanes followed by 8-r zero lanes:
// the mask for the last r < 8 elements of a slice.
DATA tailmask<>+0(SB)/8, $-1
DATA tailmask<>+8(SB)/8, $-1
DATA tailmask<>+16(SB)/8, $-1
DATA tailmask<>+24(SB)/8, $-1
DATA tailmask<>+32(SB)/8, $0
DATA tailmask<>+40(SB)/8, $0
DATA tailmask<>+48(SB)/8, $0
DATA tailmask<>+56(SB)/8, $0
GLOBL tailmask<>(SB), RODATA|NOPTR, $64

// TAILMASK sets R9 to the address of the mask for the last CX&7 elements,
// clobbering R10.
#define TAILMASK \
	MOVQ CX, R9 \
	ANDQ $7, R9 \
	NEGQ R9 \
	LEAQ tailmask<>+32(SB), R10 \
	LEAQ (R10)(R9*4), R9

// SIGMOID8 computes Y2 = 1/(1+exp(-Y0)), clobbering Y0, Y1, Y3.
#define SIGMOID8 \
	VXORPS       Y4, Y0, Y0 /* z = -x */ \
	VMAXPS       Y0, Y5, Y0 /* max(expLo, z); NaN in Y0 is kept */ \
	VMINPS       Y0, Y6, Y0 /* min(expHi, z) */ \
	VMULPS       Y7, Y0, Y1  \
	VROUNDPS     $0, Y1, Y1 /* n = round(z*log2e) */ \
	VFNMADD231PS Y8, Y1, Y0 /* r = z - n*ln2Hi */ \
	VFNMADD231PS Y9, Y1, Y0 /* r -= n*ln2Lo */ \
	VMOVAPS      Y10, Y2 /* p = c6 */ \
	VFMADD213PS  Y11, Y0, Y2 /* p = p*r + c5 */ \
	VFMADD213PS  Y12, Y0, Y2 \
	VFMADD213PS  Y13, Y0, Y2 \
	VFMADD213PS  Y14, Y0, Y2 \
	VFMADD213PS  Y15, Y0, Y2 \
	VFMADD213PS  Y15, Y0, Y2 /* p = p*r + 1 */ \
	VCVTPS2DQ    Y1, Y3 /* NaN gives 0x80000000, shifted out below */ \
	VPSLLD       $23, Y3, Y3 \
	VPADDD       Y3, Y2, Y2 /* e = p * 2^n */ \
	VADDPS       Y15, Y2, Y2 \
	VDIVPS       Y2, Y15, Y2 /* 1/(1+e) */

// func sigmoidAVX2(dst, x, b *float32, n int)
// The last n&7 elements are read and written with masked moves.
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSS sigconst<>+0(SB), Y4
	VBROADCASTSS sigconst<>+4(SB), Y5
	VBROADCASTSS sigconst<>+8(SB), Y6
	VBROADCASTSS sigconst<>+12(SB), Y7
	VBROADCASTSS sigconst<>+16(SB), Y8
	VBROADCASTSS sigconst<>+20(SB), Y9
	VBROADCASTSS sigconst<>+24(SB), Y10
	VBROADCASTSS sigconst<>+28(SB), Y11
	VBROADCASTSS sigconst<>+32(SB), Y12
	VBROADCASTSS sigconst<>+36(SB), Y13
	VBROADCASTSS sigconst<>+40(SB), Y14
	VBROADCASTSS sigconst<>+44(SB), Y15
	TAILMASK
	MOVQ CX, BX
	ANDQ $-8, BX // full vectors end here
	XORQ AX, AX
	TESTQ DX, DX
	JZ   nobias
	CMPQ AX, BX
	JGE  biastail

bias:
	VMOVUPS (SI)(AX*4), Y0
	VADDPS  (DX)(AX*4), Y0, Y0
	SIGMOID8
	VMOVUPS Y2, (DI)(AX*4)
	ADDQ    $8, AX
	CMPQ    AX, BX
	JL      bias

biastail:
	CMPQ       AX, CX
	JGE        done
	VMOVUPS    (R9), Y1
	VMASKMOVPS (SI)(AX*4), Y1, Y0
	VMASKMOVPS (DX)(AX*4), Y1, Y3
	VADDPS     Y3, Y0, Y0
	SIGMOID8
	VMOVUPS    (R9), Y1
	VMASKMOVPS Y2, Y1, (DI)(AX*4)
	JMP        done

nobias:
	CMPQ AX, BX
	JGE  nobiastail

nobiasloop:
	VMOVUPS (SI)(AX*4), Y0
	SIGMOID8
	VMOVUPS Y2, (DI)(AX*4)
	ADDQ    $8, AX
	CMPQ    AX, BX
	JL      nobiasloop

nobiastail:
	CMPQ       AX, CX
	JGE        done
	VMOVUPS    (R9), Y1
	VMASKMOVPS (SI)(AX*4), Y1, Y0
	SIGMOID8
	VMOVUPS    (R9), Y1
	VMASKMOVPS Y2, Y1, (DI)(AX*4)

done:
	VZEROUPPER
	RET

// Constants for the softplus kernels (see softplus32 and expWide in
// elementwise_fast.go).
DATA spconst<>+0(SB)/4, $0x3f800000  // 1
DATA spconst<>+4(SB)/4, $0x80000000  // sign bit
DATA spconst<>+8(SB)/4, $0x3fb8aa3b  // log2(e)
DATA spconst<>+12(SB)/4, $0x3f318000 // ln2Hi
DATA spconst<>+16(SB)/4, $0xb95e8083 // ln2Lo
DATA spconst<>+20(SB)/4, $0xc2d00000 // -104
DATA spconst<>+24(SB)/4, $0x0000007f // 127 (int32)
DATA spconst<>+28(SB)/4, $0x3ab57399 // c6
DATA spconst<>+32(SB)/4, $0x3c0933c1 // c5
DATA spconst<>+36(SB)/4, $0x3d2aac11 // c4
DATA spconst<>+40(SB)/4, $0x3e2aaa0d // c3
DATA spconst<>+44(SB)/4, $0x3efffffe // c2
DATA spconst<>+48(SB)/4, $0x3ed413cd // sqrt(2)-1
DATA spconst<>+52(SB)/4, $0x40000000 // 2
DATA spconst<>+56(SB)/4, $0x3de38e39 // 1/9
DATA spconst<>+60(SB)/4, $0x3e124925 // 1/7
DATA spconst<>+64(SB)/4, $0x3e4ccccd // 1/5
DATA spconst<>+68(SB)/4, $0x3eaaaaab // 1/3
DATA spconst<>+72(SB)/4, $0x3f317218 // ln2
GLOBL spconst<>(SB), RODATA|NOPTR, $76

// Eight zeros, the bias when there is none.
DATA zero8<>+0(SB)/8, $0
DATA zero8<>+8(SB)/8, $0
DATA zero8<>+16(SB)/8, $0
DATA zero8<>+24(SB)/8, $0
GLOBL zero8<>(SB), RODATA|NOPTR, $32

#define SPLOAD \
	VBROADCASTSS spconst<>+0(SB), Y15  \
	VBROADCASTSS spconst<>+4(SB), Y14  \
	VBROADCASTSS spconst<>+8(SB), Y13  \
	VBROADCASTSS spconst<>+12(SB), Y12 \
	VBROADCASTSS spconst<>+16(SB), Y11 \
	VBROADCASTSS spconst<>+20(SB), Y10 \
	VPBROADCASTD spconst<>+24(SB), Y8

// SOFTPLUS8 computes Y2 = log(1+exp(Y0)) for the eight lanes of Y0,
// clobbering Y1..Y6 and keeping Y0, Y7, Y9 and the constants in Y8, Y10..Y15.
// EXPWIDE8 computes Y3 = exp(Y1) for Y1 <= 0 as expWide does: clamped at
// -104, the power of two applied in two halves so that denormal results come
// out right. It clobbers Y1, Y2, Y4 and keeps everything else.
#define EXPWIDE8 \
	VMAXPS       Y1, Y10, Y1 /* max(-104, z); NaN kept */ \
	VMULPS       Y13, Y1, Y2 \
	VROUNDPS     $0, Y2, Y2 /* n = round(z*log2e) */ \
	VFNMADD231PS Y12, Y2, Y1 /* r = z - n*ln2Hi */ \
	VFNMADD231PS Y11, Y2, Y1 /* r -= n*ln2Lo */ \
	VBROADCASTSS spconst<>+28(SB), Y3 /* p = c6 */ \
	VBROADCASTSS spconst<>+32(SB), Y4 \
	VFMADD213PS  Y4, Y1, Y3 \
	VBROADCASTSS spconst<>+36(SB), Y4 \
	VFMADD213PS  Y4, Y1, Y3 \
	VBROADCASTSS spconst<>+40(SB), Y4 \
	VFMADD213PS  Y4, Y1, Y3 \
	VBROADCASTSS spconst<>+44(SB), Y4 \
	VFMADD213PS  Y4, Y1, Y3 \
	VFMADD213PS  Y15, Y1, Y3 \
	VFMADD213PS  Y15, Y1, Y3 /* p = p*r + 1 */ \
	VCVTPS2DQ    Y2, Y2 /* n */ \
	VPSRAD       $1, Y2, Y4 /* n1 = n>>1 */ \
	VPSUBD       Y4, Y2, Y2 /* n2 = n - n1 */ \
	VPADDD       Y8, Y4, Y4 \
	VPSLLD       $23, Y4, Y4 /* 2^n1 */ \
	VPADDD       Y8, Y2, Y2 \
	VPSLLD       $23, Y2, Y2 /* 2^n2 */ \
	VMULPS       Y4, Y3, Y3 \
	VMULPS       Y2, Y3, Y3 /* p*2^n1*2^n2 */

// SOFTPLUS8 computes Y2 = log(1+exp(Y0)) for the eight lanes of Y0,
// clobbering Y1..Y6 and keeping Y0, Y7, Y9 and the constants in Y8, Y10..Y15.
#define SOFTPLUS8 \
	VORPS        Y14, Y0, Y1 /* z = -|y| */ \
	EXPWIDE8 /* Y3 = e = exp(-|y|) */ \
	VBROADCASTSS spconst<>+48(SB), Y4 \
	VCMPPS       $0x1e, Y4, Y3, Y4 /* e > sqrt(2)-1 */ \
	VANDPS       Y15, Y4, Y4 /* k = 1 or 0 */ \
	VSUBPS       Y4, Y3, Y5 /* e - k */ \
	VBROADCASTSS spconst<>+52(SB), Y6 \
	VADDPS       Y4, Y6, Y6 \
	VADDPS       Y3, Y6, Y6 /* 2 + k + e */ \
	VDIVPS       Y6, Y5, Y5 /* s */ \
	VMULPS       Y5, Y5, Y6 /* s² */ \
	VBROADCASTSS spconst<>+56(SB), Y1 \
	VBROADCASTSS spconst<>+60(SB), Y3 \
	VFMADD213PS  Y3, Y6, Y1 \
	VBROADCASTSS spconst<>+64(SB), Y3 \
	VFMADD213PS  Y3, Y6, Y1 \
	VBROADCASTSS spconst<>+68(SB), Y3 \
	VFMADD213PS  Y3, Y6, Y1 \
	VFMADD213PS  Y15, Y6, Y1 /* q */ \
	VADDPS       Y5, Y5, Y5 \
	VMULPS       Y1, Y5, Y5 /* 2s*q */ \
	VBROADCASTSS spconst<>+72(SB), Y3 \
	VFMADD231PS  Y3, Y4, Y5 /* l = k*ln2 + 2s*q */ \
	VXORPS       Y6, Y6, Y6 \
	VMAXPS       Y6, Y0, Y6 /* max(y, 0) */ \
	VADDPS       Y6, Y5, Y2

// func softplusAVX2(dst, x, b *float32, n int)
// The last n&7 elements are read and written with masked moves.
TEXT ·softplusAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	SPLOAD
	TAILMASK
	MOVQ CX, BX
	ANDQ $-8, BX
	MOVQ $32, R8
	TESTQ DX, DX
	JNZ  spstart
	LEAQ zero8<>(SB), DX
	XORQ R8, R8

spstart:
	XORQ AX, AX
	CMPQ AX, BX
	JGE  sptail

sploop:
	VMOVUPS (SI)(AX*4), Y0
	VADDPS  (DX), Y0, Y0
	SOFTPLUS8
	VMOVUPS Y2, (DI)(AX*4)
	ADDQ    R8, DX
	ADDQ    $8, AX
	CMPQ    AX, BX
	JL      sploop

sptail:
	CMPQ       AX, CX
	JGE        spdone
	VMOVUPS    (R9), Y1
	VMASKMOVPS (SI)(AX*4), Y1, Y0
	VMASKMOVPS (DX), Y1, Y3
	VADDPS     Y3, Y0, Y0
	SOFTPLUS8
	VMOVUPS    (R9), Y1
	VMASKMOVPS Y2, Y1, (DI)(AX*4)

spdone:
	VZEROUPPER
	RET

// func softplusSumAVX2(x, b *float32, n int) float64
// The last n&7 elements are read with masked moves and the other lanes
// zeroed before they are added.
TEXT ·softplusSumAVX2(SB), NOSPLIT, $0-32
	MOVQ x+0(FP), SI
	MOVQ b+8(FP), DX
	MOVQ n+16(FP), CX
	SPLOAD
	TAILMASK
	MOVQ CX, BX
	ANDQ $-8, BX
	VXORPD Y7, Y7, Y7
	VXORPD Y9, Y9, Y9
	MOVQ $32, R8
	TESTQ DX, DX
	JNZ  ssstart
	LEAQ zero8<>(SB), DX
	XORQ R8, R8

ssstart:
	XORQ AX, AX
	CMPQ AX, BX
	JGE  sstail

ssloop:
	VMOVUPS      (SI)(AX*4), Y0
	VADDPS       (DX), Y0, Y0
	SOFTPLUS8
	VCVTPS2PD    X2, Y3
	VEXTRACTF128 $1, Y2, X2
	VCVTPS2PD    X2, Y2
	VADDPD       Y3, Y7, Y7
	VADDPD       Y2, Y9, Y9
	ADDQ         R8, DX
	ADDQ         $8, AX
	CMPQ         AX, BX
	JL           ssloop

sstail:
	CMPQ         AX, CX
	JGE          ssdone
	VMOVUPS      (R9), Y1
	VMASKMOVPS   (SI)(AX*4), Y1, Y0
	VMASKMOVPS   (DX), Y1, Y3
	VADDPS       Y3, Y0, Y0
	SOFTPLUS8
	VANDPS       (R9), Y2, Y2
	VCVTPS2PD    X2, Y3
	VEXTRACTF128 $1, Y2, X2
	VCVTPS2PD    X2, Y2
	VADDPD       Y3, Y7, Y7
	VADDPD       Y2, Y9, Y9

ssdone:
	VADDPD       Y9, Y7, Y7
	VEXTRACTF128 $1, Y7, X9
	VADDPD       X9, X7, X7
	VHADDPD      X7, X7, X7
	MOVSD        X7, ret+24(FP)
	VZEROUPPER
	RET

// func expSumAVX2(dst, x *float32, shift float32, n int) float64
// The last n&7 elements are read and written with masked moves and the other
// lanes zeroed before they are added.
TEXT ·expSumAVX2(SB), NOSPLIT, $32-40
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	VBROADCASTSS shift+16(FP), Y0
	MOVQ         n+24(FP), CX
	SPLOAD
	TAILMASK
	MOVQ         CX, BX
	ANDQ         $-8, BX
	VXORPD       Y7, Y7, Y7
	VXORPD       Y9, Y9, Y9
	MOVQ         $32, R8
	TESTQ        DI, DI
	JNZ          esstart
	MOVQ         SP, DI // nowhere to write: use the frame, without advancing
	XORQ         R8, R8

esstart:
	XORQ AX, AX
	CMPQ AX, BX
	JGE  estail

esloop:
	VMOVUPS      (SI)(AX*4), Y1
	VSUBPS       Y0, Y1, Y1
	EXPWIDE8
	VMOVUPS      Y3, (DI)
	VCVTPS2PD    X3, Y2
	VEXTRACTF128 $1, Y3, X3
	VCVTPS2PD    X3, Y3
	VADDPD       Y2, Y7, Y7
	VADDPD       Y3, Y9, Y9
	ADDQ         R8, DI
	ADDQ         $8, AX
	CMPQ         AX, BX
	JL           esloop

estail:
	CMPQ         AX, CX
	JGE          esdone
	VMOVUPS      (R9), Y5
	VMASKMOVPS   (SI)(AX*4), Y5, Y1
	VSUBPS       Y0, Y1, Y1
	EXPWIDE8
	VANDPS       Y5, Y3, Y3
	VMASKMOVPS   Y3, Y5, (DI)
	VCVTPS2PD    X3, Y2
	VEXTRACTF128 $1, Y3, X3
	VCVTPS2PD    X3, Y3
	VADDPD       Y2, Y7, Y7
	VADDPD       Y3, Y9, Y9

esdone:
	VADDPD       Y9, Y7, Y7
	VEXTRACTF128 $1, Y7, X9
	VADDPD       X9, X7, X7
	VHADDPD      X7, X7, X7
	MOVSD        X7, ret+32(FP)
	VZEROUPPER
	RET

// func maxAVX2(x *float32, n int) (m float32, nan bool)
// The last n&7 elements are read with a masked move, the other lanes
// replaced by -Inf.
TEXT ·maxAVX2(SB), NOSPLIT, $0-21
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	TAILMASK
	MOVQ         CX, BX
	ANDQ         $-8, BX
	MOVL         $0xff800000, AX // -Inf
	MOVL         AX, X0
	VBROADCASTSS X0, Y0 // running max
	VMOVAPS      Y0, Y7 // -Inf
	VXORPS       Y2, Y2, Y2 // NaN lanes
	XORQ         AX, AX
	CMPQ         AX, BX
	JGE          mxtail

mxloop:
	VMOVUPS (SI)(AX*4), Y3
	VMAXPS  Y0, Y3, Y0 // a NaN in Y3 is not taken
	VCMPPS  $3, Y3, Y3, Y5 // unordered: NaN
	VORPS   Y5, Y2, Y2
	ADDQ    $8, AX
	CMPQ    AX, BX
	JL      mxloop

mxtail:
	CMPQ       AX, CX
	JGE        mxdone
	VMOVUPS    (R9), Y4
	VMASKMOVPS (SI)(AX*4), Y4, Y3
	VBLENDVPS  Y4, Y3, Y7, Y3 // masked-off lanes: -Inf
	VMAXPS     Y0, Y3, Y0
	VCMPPS     $3, Y3, Y3, Y5
	VORPS      Y5, Y2, Y2

mxdone:
	VEXTRACTF128 $1, Y0, X1
	VMAXPS       X1, X0, X0
	VPERMILPS    $0x4e, X0, X1
	VMAXPS       X1, X0, X0
	VPERMILPS    $0xb1, X0, X1
	VMAXPS       X1, X0, X0
	MOVSS        X0, m+16(FP)
	VMOVMSKPS    Y2, AX
	TESTL        AX, AX
	SETNE        nan+20(FP)
	VZEROUPPER
	RET

// func axpbyAVX2(alpha, beta float32, x, y *float32, n int)
// y[i] = alpha*x[i] + beta*y[i]; the last n&7 elements use masked moves.
TEXT ·axpbyAVX2(SB), NOSPLIT, $0-32
	VBROADCASTSS alpha+0(FP), Y0
	VBROADCASTSS beta+4(FP), Y1
	MOVQ         x+8(FP), SI
	MOVQ         y+16(FP), DI
	MOVQ         n+24(FP), CX
	TAILMASK
	MOVQ         CX, BX
	ANDQ         $-8, BX
	XORQ         AX, AX
	CMPQ         AX, BX
	JGE          axtail

axloop:
	VMULPS      (DI)(AX*4), Y1, Y2
	VFMADD231PS (SI)(AX*4), Y0, Y2
	VMOVUPS     Y2, (DI)(AX*4)
	ADDQ        $8, AX
	CMPQ        AX, BX
	JL          axloop

axtail:
	CMPQ        AX, CX
	JGE         axdone
	VMOVUPS     (R9), Y5
	VMASKMOVPS  (DI)(AX*4), Y5, Y3
	VMASKMOVPS  (SI)(AX*4), Y5, Y4
	VMULPS      Y3, Y1, Y2
	VFMADD231PS Y4, Y0, Y2
	VMASKMOVPS  Y2, Y5, (DI)(AX*4)

axdone:
	VZEROUPPER
	RET
