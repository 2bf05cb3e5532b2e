package mat32

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDecayStep compares DecayStep with the three lines it documents, in
// float64, for lengths around the vector width. Each line rounds once in
// float32 (the fused first line also once), so the error of inc is at most
// eps*|inc|+eps*|decay*w| and that of w and acc grows by a few eps of the
// magnitudes involved.
func TestDecayStep(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 7, 8, 9, 16, 31, 500} {
		w, inc, acc := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range w {
			w[i] = float32(r.NormFloat64())
			inc[i] = float32(r.NormFloat64())
			acc[i] = float32(r.NormFloat64())
		}
		const decay = 0.3
		wantInc, wantW, wantAcc := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range w {
			wantInc[i] = float64(inc[i]) - decay32(decay)*float64(w[i])
			wantW[i] = float64(w[i]) + wantInc[i]
			wantAcc[i] = float64(acc[i]) + wantW[i]
		}
		w0, inc0, acc0 := append([]float32(nil), w...), append([]float32(nil), inc...), append([]float32(nil), acc...)
		gw, ginc, gacc := append([]float32(nil), w...), append([]float32(nil), inc...), append([]float32(nil), acc...)
		DecayStep(w, inc, acc, decay)
		decayStepGo(gw, ginc, gacc, decay) // the pure-Go fallback
		const eps = 0x1p-24
		for i := range w {
			mag := math.Abs(float64(w0[i])) + math.Abs(float64(inc0[i])) + math.Abs(float64(acc0[i]))
			for _, c := range []struct {
				name      string
				got, want float64
			}{
				{"inc", float64(inc[i]), wantInc[i]}, {"w", float64(w[i]), wantW[i]}, {"acc", float64(acc[i]), wantAcc[i]},
				{"Go inc", float64(ginc[i]), wantInc[i]}, {"Go w", float64(gw[i]), wantW[i]}, {"Go acc", float64(gacc[i]), wantAcc[i]},
			} {
				if math.Abs(c.got-c.want) > 8*eps*mag {
					t.Errorf("n=%d: %s[%d] = %v, want %v", n, c.name, i, c.got, c.want)
				}
			}
		}
	}
	w := []float32{1, float32(math.NaN())}
	inc := []float32{0, 0}
	acc := []float32{0, 0}
	DecayStep(w, inc, acc, 0.1)
	if !math.IsNaN(float64(acc[1])) || math.IsNaN(float64(acc[0])) {
		t.Errorf("NaN weight gave acc %v", acc)
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic for mismatched lengths")
		}
	}()
	DecayStep(w, inc, acc[:1], 0.1)
}

func decay32(x float32) float64 { return float64(x) }
