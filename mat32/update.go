package mat32

// DecayStep finishes one step of a weight update with L2 weight decay, in
// a single pass over the three slices:
//
//	inc[i] -= decay * w[i]
//	w[i] += inc[i]
//	acc[i] += w[i]
//
// inc holds the step before decay (for example the momentum-smoothed
// gradient step) and becomes the step taken; acc collects sums of the new
// weights, so that a caller can check once, on acc, that no weight became
// NaN or infinite. The slices must have the same length and must not
// overlap. On amd64 with AVX2 the first line is a fused multiply-add.
func DecayStep(w, inc, acc []float32, decay float32) {
	checkLen("DecayStep", len(inc), len(w))
	checkLen("DecayStep", len(acc), len(w))
	decayStepKernel(w, inc, acc, decay)
}

func decayStepGo(w, inc, acc []float32, decay float32) {
	inc, acc = inc[:len(w)], acc[:len(w)]
	for i, x := range w {
		d := inc[i] - decay*x
		inc[i] = d
		x += d
		w[i] = x
		acc[i] += x
	}
}
