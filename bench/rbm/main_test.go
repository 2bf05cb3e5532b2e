package main

import (
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		x    []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{4, 1}, 2.5},
		{[]float64{5, 1, 3}, 3},
	} {
		if got := median(c.x); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.x, got, c.want)
		}
	}
}

func TestPythonEnv(t *testing.T) {
	t.Setenv("OPENBLAS_CORETYPE", "Haswell")
	t.Setenv("OMP_NUM_THREADS", "8")
	env, removed := pythonEnv(2)
	joined := "\n" + strings.Join(env, "\n") + "\n"
	for _, bad := range []string{"OPENBLAS_CORETYPE=", "OMP_NUM_THREADS=8"} {
		if strings.Contains(joined, "\n"+bad) {
			t.Errorf("environment keeps %s", bad)
		}
	}
	for _, good := range []string{"OMP_NUM_THREADS=2", "OPENBLAS_NUM_THREADS=2"} {
		if !strings.Contains(joined, "\n"+good+"\n") {
			t.Errorf("environment lacks %s", good)
		}
	}
	if !strings.Contains(strings.Join(removed, " "), "OPENBLAS_CORETYPE=Haswell") {
		t.Errorf("removed = %v, want OPENBLAS_CORETYPE listed", removed)
	}
}

// TestTable checks the ratios: each peer divided by the belief run of the
// same method, and the effective GFLOP/s of 10 N nv nh FLOP in the median time.
func TestTable(t *testing.T) {
	rs := []result{
		{Name: "belief CD-1", Times: []float64{1, 3, 2}, flopPerRow: 10, base: "belief CD-1"},
		{Name: "torch CD-1", Times: []float64{5}, CPU: []float64{7}, flopPerRow: 10, base: "belief CD-1"},
	}
	var b strings.Builder
	printTable(&b, rs, 1000, 100)
	out := b.String()
	for _, want := range []string{
		"| belief CD-1 | 2.00 | 1.00 3.00 2.00 | - | 0.5 | 0.2 | 1 |",
		"| torch CD-1 | 5.00 | 5.00 | 7.00 | 0.5 | 0.1 | 2.50x CD-1 |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
