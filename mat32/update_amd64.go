package mat32

// decayStepAVX2 is DecayStep on n elements, eight at a time.
//
//go:noescape
func decayStepAVX2(w, inc, acc *float32, n int, decay float32)

func decayStepKernel(w, inc, acc []float32, decay float32) {
	if useSigmoidAVX2 && len(w) > 0 {
		decayStepAVX2(&w[0], &inc[0], &acc[0], len(w), decay)
		return
	}
	decayStepGo(w, inc, acc, decay)
}
