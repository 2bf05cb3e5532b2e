//go:build amd64 && !purego

#include "textflag.h"

// ADD64(o, a, b, c, d) adds to a..d the 64 floats (K1..K4 masking the four
// vectors) of the src row whose element offset is at o(R12), read from the
// strip at R11.
#define ADD64(o, a, b, c, d) \
	MOVL   o(R12), AX \
	VADDPS (R11)(AX*4), a, K1, a \
	VADDPS 64(R11)(AX*4), b, K2, b \
	VADDPS 128(R11)(AX*4), c, K3, c \
	VADDPS 192(R11)(AX*4), d, K4, d

// func sumRowsAVX512(dst *float32, dstStride, rows, n int, src *float32, off *uint32, seg *int, chunks int)
//
// For each strip of 64 columns (the last one masked by K1..K4), for each
// chunk c, for each row r < rows, the offsets off[seg[2s]:seg[2s+1]], with
// s = c*rows + r, name the src rows whose strips are added to dst row r's
// strip; chunk 0 sets the strip, later chunks add to it (and skip empty
// segments). The strip of dst, rows*256 bytes, and the rows of the chunk's
// block of src stay in L1 while the rows go by.
//
// Registers: DI &dst[j0] (row 0 of the strip), DX the dst stride in bytes,
// CX the columns left, R11 &src[j0], R8 off, R9 seg; R13 walks seg, R14
// counts the chunks down, BX the rows, R10 walks the dst rows; R12 walks off,
// SI counts a segment down; AX holds one offset (zero-extended by MOVL).
TEXT ·sumRowsAVX512(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ dstStride+8(FP), DX
	SHLQ $2, DX
	MOVQ n+24(FP), CX
	MOVQ src+32(FP), R11
	MOVQ off+40(FP), R8
	MOVQ seg+48(FP), R9

strip:
	MOVQ  $-1, AX
	CMPQ  CX, $64
	JGE   masks
	BZHIQ CX, AX, AX // the low CX bits

masks:
	KMOVW AX, K1
	SHRQ  $16, AX
	KMOVW AX, K2
	SHRQ  $16, AX
	KMOVW AX, K3
	SHRQ  $16, AX
	KMOVW AX, K4
	MOVQ  R9, R13
	MOVQ  chunks+56(FP), R14

chunk:
	MOVQ rows+16(FP), BX
	MOVQ DI, R10

row:
	MOVQ (R13), R12
	MOVQ 8(R13), SI
	SUBQ R12, SI
	LEAQ (R8)(R12*4), R12
	CMPQ R14, chunks+56(FP)
	JEQ  first
	TESTQ SI, SI
	JZ   next
	VMOVUPS.Z (R10), K1, Z0
	VMOVUPS.Z 64(R10), K2, Z1
	VMOVUPS.Z 128(R10), K3, Z2
	VMOVUPS.Z 192(R10), K4, Z3
	JMP  acc

first:
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3

acc:
	// Two offsets per step into two sets of accumulators.
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	SUBQ   $2, SI
	JLT    tail

pair:
	ADD64(0, Z0, Z1, Z2, Z3)
	ADD64(4, Z4, Z5, Z6, Z7)
	ADDQ $8, R12
	SUBQ $2, SI
	JGE  pair

tail:
	ADDQ $2, SI
	JZ   store
	ADD64(0, Z0, Z1, Z2, Z3)

store:
	VADDPS  Z4, Z0, Z0
	VADDPS  Z5, Z1, Z1
	VADDPS  Z6, Z2, Z2
	VADDPS  Z7, Z3, Z3
	VMOVUPS Z0, K1, (R10)
	VMOVUPS Z1, K2, 64(R10)
	VMOVUPS Z2, K3, 128(R10)
	VMOVUPS Z3, K4, 192(R10)

next:
	ADDQ DX, R10
	ADDQ $16, R13
	DECQ BX
	JNZ  row
	DECQ R14
	JNZ  chunk
	ADDQ $256, DI
	ADDQ $256, R11
	SUBQ $64, CX
	JG   strip
	VZEROUPPER
	RET
