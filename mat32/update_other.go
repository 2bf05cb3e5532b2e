//go:build !amd64

package mat32

func decayStepKernel(w, inc, acc []float32, decay float32) { decayStepGo(w, inc, acc, decay) }
