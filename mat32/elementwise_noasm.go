//go:build !amd64

package mat32

func sigmoidKernel(dst, src []float32)              { sigmoidGo(dst, src) }
func sigmoidBiasKernel(dst, src, bias []float32)    { sigmoidBiasGo(dst, src, bias) }
func softplusKernel(dst, src, bias []float32)       { softplusGo(dst, src, bias) }
func softplusSumKernel(src, bias []float32) float64 { return softplusSumGo(src, bias) }

func expSumKernel(dst, src []float32, shift float32) float64 { return expSumGo(dst, src, shift) }
func maxKernel(x []float32) (float32, bool)                  { return maxGo(x) }

func axpbyKernel(alpha float32, x []float32, beta float32, y []float32) { axpbyGo(alpha, x, beta, y) }
func axpyKernel(alpha float32, x, y []float32)                          { axpyGo(alpha, x, y) }
