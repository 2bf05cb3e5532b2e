#include "textflag.h"

// func decayStepAVX2(w, inc, acc *float32, n int, decay float32)
// inc -= decay*w (fused); w += inc; acc += w. Eight lanes at a time, then
// one element at a time; touches no memory outside the n elements.
TEXT ·decayStepAVX2(SB), NOSPLIT, $0-36
	MOVQ         w+0(FP), DI
	MOVQ         inc+8(FP), SI
	MOVQ         acc+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSS decay+32(FP), Y0
	MOVQ         CX, BX
	ANDQ         $-8, BX
	XORQ         AX, AX
	CMPQ         AX, BX
	JGE          dstail

dsloop:
	VMOVUPS      (DI)(AX*4), Y1
	VMOVUPS      (SI)(AX*4), Y2
	VFNMADD231PS Y1, Y0, Y2
	VMOVUPS      Y2, (SI)(AX*4)
	VADDPS       Y2, Y1, Y1
	VMOVUPS      Y1, (DI)(AX*4)
	VADDPS       (DX)(AX*4), Y1, Y3
	VMOVUPS      Y3, (DX)(AX*4)
	ADDQ         $8, AX
	CMPQ         AX, BX
	JL           dsloop

dstail:
	CMPQ         AX, CX
	JGE          dsdone
	VMOVSS       (DI)(AX*4), X1
	VMOVSS       (SI)(AX*4), X2
	VFNMADD231SS X1, X0, X2
	VMOVSS       X2, (SI)(AX*4)
	VADDSS       X2, X1, X1
	VMOVSS       X1, (DI)(AX*4)
	VADDSS       (DX)(AX*4), X1, X3
	VMOVSS       X3, (DX)(AX*4)
	INCQ         AX
	JMP          dstail

dsdone:
	VZEROUPPER
	RET
