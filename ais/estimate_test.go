package ais

import (
	"math"
	"testing"
)

func TestLogMeanInterval(t *testing.T) {
	// Weights 1, 2, 3, 4: mean 2.5, sample sd sqrt(5/3), se sqrt(5/3)/2.
	se := math.Sqrt(5.0/3) / 2
	for _, off := range []float64{0, -1000, 5000} {
		x := []float64{off, off + math.Log(2), off + math.Log(3), off + math.Log(4)}
		mean, low, high, ess := logMeanInterval(x, 3)
		near := func(name string, got, want float64) {
			if math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
				t.Errorf("offset %g: %s = %.15g, want %.15g", off, name, got, want)
			}
		}
		near("mean", mean, off+math.Log(2.5))
		near("high", high, off+math.Log(2.5+3*se))
		near("low", low, off+math.Log(2.5-3*se))
		near("ess", ess, 100.0/30)
	}
	// A dominant weight: the interval crosses zero, so Low is -Inf.
	mean, low, high, ess := logMeanInterval([]float64{0, -50, -50, -50}, 3)
	if !math.IsInf(low, -1) || !(high > mean) || math.Abs(mean-math.Log(0.25)) > 1e-12 || math.Abs(ess-1) > 1e-12 {
		t.Errorf("dominant weight: mean %g low %g high %g ess %g", mean, low, high, ess)
	}
	// Equal weights: a zero-width interval and ESS = n.
	mean, low, high, ess = logMeanInterval([]float64{7, 7, 7}, 3)
	if mean != 7 || low != 7 || high != 7 || ess != 3 {
		t.Errorf("equal weights: %g %g %g %g", mean, low, high, ess)
	}
	if m, _, _, _ := logMeanInterval([]float64{1, math.NaN()}, 3); !math.IsNaN(m) {
		t.Errorf("NaN weight gave %g", m)
	}
}
