package rng

import (
	"math"
	"testing"
)

// checkNear fails t if got is more than 5 standard errors from want.
func checkNear(t *testing.T, what string, got, want, se float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > 5*se {
		t.Errorf("%s = %.6g, want %.6g ± %.3g (5 standard errors)", what, got, want, 5*se)
	}
}

// checkChi2 fails t if the chi-square statistic of counts against the
// expected counts exceeds its mean (the degrees of freedom, df) by more than
// 5 of its standard deviations sqrt(2 df). Cells with zero expectation must
// have zero counts.
func checkChi2(t *testing.T, what string, counts []int, expected []float64) {
	t.Helper()
	var chi2 float64
	df := -1
	for i, c := range counts {
		e := expected[i]
		if e == 0 {
			if c != 0 {
				t.Errorf("%s: cell %d has %d draws, want none", what, i, c)
			}
			continue
		}
		d := float64(c) - e
		chi2 += d * d / e
		df++
	}
	if lim := float64(df) + 5*math.Sqrt(2*float64(df)); chi2 > lim {
		t.Errorf("%s: chi-square %.1f with %d degrees of freedom, want below %.1f", what, chi2, df, lim)
	}
}

// withKernel runs f with the bulk fills using kernel k, then restores the
// fastest.
func withKernel(k int, f func()) {
	old := kernel
	kernel = k
	defer func() { kernel = old }()
	f()
}

// withGo runs f with the pure-Go kernels.
func withGo(f func()) { withKernel(kernelGo, f) }

func kernelName(k int) string { return [...]string{"Go", "AVX2", "AVX-512"}[k] }

// moments32 returns the mean of x and its second and fourth moments about
// centre.
func moments32(x []float32, centre float64) (mean, m2, m4 float64) {
	for _, v := range x {
		d := float64(v) - centre
		mean += float64(v)
		m2 += d * d
		m4 += d * d * d * d
	}
	n := float64(len(x))
	return mean / n, m2 / n, m4 / n
}
