package sbn

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// LogJoint and SampleUp's log q agree with direct float64 sums.
func TestLogJointAndSampleUp(t *testing.T) {
	r := rng.New(30)
	n := randomNet(r, 1.5, 6, 4, 3)
	q := randomRec(r, n, 1)
	states := n.newStates(20)
	n.SampleLayers(states, r)
	lq := make([]float64, 20)
	q.SampleUp(n, lq, states, r)
	lp := make([]float64, 20)
	n.LogJoint(lp, states)
	for i := 0; i < 20; i++ {
		x := [][]float32{states[0].Row(i), states[1].Row(i), states[2].Row(i)}
		if d := math.Abs(lp[i] - logJoint64(n, x)); d > 1e-5 {
			t.Errorf("row %d: LogJoint off by %g", i, d)
		}
		if d := math.Abs(lq[i] - logQ64(q, x)); d > 1e-5 {
			t.Errorf("row %d: SampleUp log q off by %g", i, d)
		}
	}
}

func TestShapesPanic(t *testing.T) {
	n := New(3, 2)
	defer func() {
		if e := recover(); e == nil {
			t.Error("no panic on a wrong shape")
		}
	}()
	n.Sample(mat32.NewDense(2, 4, nil), rng.New(1))
}
