//go:build !amd64 || purego

package mat32

// addRowsMaxLevel is 0: without assembly AddRows and Nonzeros run the
// portable Go loops.
const addRowsMaxLevel = 0

func addRowsKernel(dst []float32, alpha float32, src *Dense, idx []int32, beta float32) {
	addRowsGo(dst, alpha, src, idx, beta)
}

func nonzerosKernel(dst []int32, x []float32) int { return nonzerosGo(dst, x) }
