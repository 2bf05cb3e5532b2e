//go:build !purego

package rng

import "golang.org/x/sys/cpu"

// The kernels for the bulk fills. kernel is the fastest the processor
// supports; tests switch it to compare every available kernel with the
// pure-Go reference.
const (
	kernelGo = iota
	kernelAVX2
	kernelAVX512 // AVX-512 F and DQ
)

var kernel = bestKernel()

func bestKernel() int {
	switch {
	case cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ:
		return kernelAVX512
	case cpu.X86.HasAVX2:
		return kernelAVX2
	}
	return kernelGo
}

// availableKernels lists the kernels this processor can run.
func availableKernels() []int {
	k := []int{kernelGo}
	for _, c := range []int{kernelAVX2, kernelAVX512} {
		if c <= bestKernel() {
			k = append(k, c)
		}
	}
	return k
}

//go:noescape
func bernoulliAVX512(dst, p *float32, n int, ls *lanes)

//go:noescape
func uniformAVX512(dst *float32, n int, ls *lanes)

//go:noescape
func normalAVX512(dst *float32, n int, ls *lanes, raw *[256]uint64, rej *[32]uint8, mean, std float64)

//go:noescape
func bernoulliAVX2(dst, p *float32, n int, ls *lanes)

//go:noescape
func uniformAVX2(dst *float32, n int, ls *lanes)

// bernoulliBlocks fills len(dst)/16 whole blocks (len(dst) is a multiple
// of 16) as bernoulliGo does.
func bernoulliBlocks(dst, p []float32, ls *lanes) {
	if len(dst) == 0 {
		return
	}
	p = p[:len(dst)]
	switch kernel {
	case kernelAVX512:
		bernoulliAVX512(&dst[0], &p[0], len(dst), ls)
	case kernelAVX2:
		bernoulliAVX2(&dst[0], &p[0], len(dst), ls)
	default:
		bernoulliGo(dst, p, ls)
	}
}

// uniformBlocks fills len(dst)/16 whole blocks as uniformGo does.
func uniformBlocks(dst []float32, ls *lanes) {
	if len(dst) == 0 {
		return
	}
	switch kernel {
	case kernelAVX512:
		uniformAVX512(&dst[0], len(dst), ls)
	case kernelAVX2:
		uniformAVX2(&dst[0], len(dst), ls)
	default:
		uniformGo(dst, ls)
	}
}

// normalBlocks fills len(dst)/8 whole blocks (len(dst) is a multiple of 8,
// at most 256) as normalGo does.
func normalBlocks(dst []float32, ls *lanes, raw *[256]uint64, rej *[32]uint8, mean, std float64) {
	if len(dst) == 0 {
		return
	}
	if kernel != kernelAVX512 {
		normalGo(dst, ls, raw, rej, mean, std)
		return
	}
	if len(dst) > len(raw) {
		panic("rng: normalBlocks chunk too long")
	}
	normalAVX512(&dst[0], len(dst), ls, raw, rej, mean, std)
}
