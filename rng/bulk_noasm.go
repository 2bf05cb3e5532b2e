//go:build !amd64 || purego

package rng

const kernelGo = 0

// kernel is always the pure-Go one without the assembly kernels.
var kernel = kernelGo

func availableKernels() []int { return []int{kernelGo} }

func bernoulliBlocks(dst, p []float32, ls *lanes) { bernoulliGo(dst, p, ls) }

func uniformBlocks(dst []float32, ls *lanes) { uniformGo(dst, ls) }

func normalBlocks(dst []float32, ls *lanes, raw *[256]uint64, rej *[32]uint8, mean, std float64) {
	normalGo(dst, ls, raw, rej, mean, std)
}
