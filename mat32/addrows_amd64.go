//go:build amd64 && !purego

package mat32

import "golang.org/x/sys/cpu"

// addRowsMaxLevel is the best AddRows kernel this CPU runs: 2 for AVX-512
// (with BMI2 and POPCNT, used for the masks), 1 for AVX2 with FMA (and BMI1
// for Nonzeros' bit loop), else 0.
var addRowsMaxLevel = func() int {
	switch {
	case cpu.X86.HasAVX512F && cpu.X86.HasBMI2 && cpu.X86.HasPOPCNT:
		return 2
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasBMI1:
		return 1
	}
	return 0
}()

// addRowsAVX512 sets dst[j] = alpha*s[j] + beta*dst[j] for j < n, where
// s[j] is the sum over k < nidx of src[idx[k]*stride+j]; when beta == 0
// dst is not read. It walks dst in blocks of 256, 128 and 64 columns held in
// zmm accumulators while it runs through idx, so that each selected row is
// read in runs of up to 1 KiB; the last block is masked. It touches no
// memory outside the n elements of dst and of each selected row. n and nidx
// must be > 0 and every idx[k] >= 0.
//
//go:noescape
func addRowsAVX512(dst *float32, n int, src *float32, stride int, idx *int32, nidx int, alpha, beta float32)

// addRowsAVX2 is addRowsAVX512 with ymm registers: blocks of 32 columns in
// eight accumulators (two indices per step), then blocks of 8 with masked
// loads and stores (VMASKMOVPS).
//
//go:noescape
func addRowsAVX2(dst *float32, n int, src *float32, stride int, idx *int32, nidx int, alpha, beta float32)

// nonzerosAVX512 writes the indices j < n with x[j] != 0 (NaN included) to
// dst and returns how many it wrote; dst must have room for n. Sixteen
// lanes at a time: a compare into a mask, a compress of the lane numbers,
// and a masked store of exactly the count, so nothing beyond it is written.
//
//go:noescape
func nonzerosAVX512(dst *int32, x *float32, n int) int

// nonzerosAVX2 is nonzerosAVX512 with eight lanes, writing the indices of
// each group one by one from its compare mask.
//
//go:noescape
func nonzerosAVX2(dst *int32, x *float32, n int) int

func addRowsKernel(dst []float32, alpha float32, src *Dense, idx []int32, beta float32) {
	switch addRowsLevel {
	case 2:
		addRowsAVX512(&dst[0], len(dst), &src.Data[0], src.Stride, &idx[0], len(idx), alpha, beta)
	case 1:
		addRowsAVX2(&dst[0], len(dst), &src.Data[0], src.Stride, &idx[0], len(idx), alpha, beta)
	default:
		addRowsGo(dst, alpha, src, idx, beta)
	}
}

func nonzerosKernel(dst []int32, x []float32) int {
	if len(x) == 0 {
		return 0
	}
	dst = dst[:len(x)]
	switch addRowsLevel {
	case 2:
		return nonzerosAVX512(&dst[0], &x[0], len(x))
	case 1:
		return nonzerosAVX2(&dst[0], &x[0], len(x))
	}
	return nonzerosGo(dst, x)
}
