package ais

import (
	"math"
	"testing"
)

func TestSMSchedule(t *testing.T) {
	b := SMSchedule()
	if len(b) != SMSteps+1 {
		t.Fatalf("len = %d, want %d", len(b), SMSteps+1)
	}
	// The points of 0:0.001:0.5, 0.5:0.0001:0.9, 0.9:0.00001:1, each once.
	var want []float64
	for i := 0; i <= 500; i++ {
		want = append(want, float64(i)/1000)
	}
	for i := 5001; i <= 9000; i++ {
		want = append(want, float64(i)/10000)
	}
	for i := 90001; i <= 100000; i++ {
		want = append(want, float64(i)/100000)
	}
	if len(want) != len(b) {
		t.Fatalf("reference has %d points", len(want))
	}
	for i := range b {
		if math.Abs(b[i]-want[i]) > 1e-15 {
			t.Fatalf("b[%d] = %.17g, want %.17g", i, b[i], want[i])
		}
	}
	if err := checkSchedule(b); err != nil {
		t.Fatal(err)
	}
}

func TestSchedule(t *testing.T) {
	for _, n := range []int{2, 3, 4, 5, 10, 100, 1000, 1001, 14501} {
		b := Schedule(n)
		if len(b) != n {
			t.Fatalf("Schedule(%d) has %d points", n, len(b))
		}
		if err := checkSchedule(b); err != nil {
			t.Fatalf("Schedule(%d): %v", n, err)
		}
		for i := 1; i < n; i++ {
			if b[i] <= b[i-1] {
				t.Fatalf("Schedule(%d) not increasing at %d", n, i)
			}
		}
	}
	// The steps in each segment are in the proportions 500 : 4000 : 10000.
	b := Schedule(1451)
	count := func(lo, hi float64) int {
		c := 0
		for i := 1; i < len(b); i++ {
			if b[i] > lo && b[i] <= hi {
				c++
			}
		}
		return c
	}
	if c := [3]int{count(0, 0.5), count(0.5, 0.9), count(0.9, 1)}; c != [3]int{50, 400, 1000} {
		t.Errorf("Schedule(1451) steps per segment %v, want [50 400 1000]", c)
	}
	l := LinearSchedule(5)
	for i, want := range []float64{0, 0.25, 0.5, 0.75, 1} {
		if l[i] != want {
			t.Errorf("LinearSchedule(5) = %v", l)
		}
	}
}

func TestBadSettings(t *testing.T) {
	m := NewRBM(randomRBM(4, 3, 0, 0.5, 1), nil)
	for _, s := range []*Settings{
		{Betas: []float64{0}},
		{Betas: []float64{0.1, 1}},
		{Betas: []float64{0, 0.9}},
		{Betas: []float64{0, 0.6, 0.5, 1}},
		{Betas: []float64{0, math.NaN(), 1}},
		{Runs: -1},
		{ReverseRuns: -2},
	} {
		if _, err := LogZ(m, s); err == nil {
			t.Errorf("LogZ with %+v: no error", s)
		}
	}
}
