package ais

import (
	"fmt"
	"math"
)

// The three segments of Salakhutdinov & Murray's schedule: inverse
// temperatures from 0 to 0.5 in steps of 0.001, from 0.5 to 0.9 in steps
// of 0.0001 and from 0.9 to 1 in steps of 0.00001 (500, 4000 and 10,000
// steps). The spacing shrinks where the distributions change fastest, near
// the target.
var smSegments = [3]struct {
	end   float64
	steps int
}{{0.5, 500}, {0.9, 4000}, {1, 10000}}

// SMSteps is the number of steps (transitions between neighbouring
// distributions) of Salakhutdinov & Murray's schedule; SMSchedule returns
// SMSteps+1 inverse temperatures.
const SMSteps = 14500

// SMSchedule returns Salakhutdinov & Murray's schedule: the 14,501 inverse
// temperatures 0:0.001:0.5, 0.5:0.0001:0.9, 0.9:0.00001:1 (the values 0.5
// and 0.9 that their code lists twice appear once). It equals
// Schedule(SMSteps + 1).
func SMSchedule() []float64 { return Schedule(SMSteps + 1) }

// Schedule returns n inverse temperatures from 0 to 1 (both included)
// spaced like SMSchedule: the n-1 steps are shared among the segments
// [0, 0.5], [0.5, 0.9] and [0.9, 1] in the proportions 500 : 4000 : 10000
// (each segment getting at least one step), evenly within each segment.
// Schedule(14501) is SMSchedule(). It panics if n < 2; for n < 4 it
// returns LinearSchedule(n).
func Schedule(n int) []float64 {
	if n < 2 {
		panic(fmt.Sprintf("ais: Schedule(%d): need at least 2 inverse temperatures", n))
	}
	if n < 4 {
		return LinearSchedule(n)
	}
	k := n - 1
	var steps [3]int
	left := k
	for i := 0; i < 2; i++ {
		s := int(math.Round(float64(k) * float64(smSegments[i].steps) / SMSteps))
		steps[i] = max(1, min(s, left-(2-i)))
		left -= steps[i]
	}
	steps[2] = left
	b := make([]float64, 0, n)
	b = append(b, 0)
	start := 0.0
	for i, seg := range smSegments {
		for j := 1; j <= steps[i]; j++ {
			// start + j*(end-start)/steps, as a weighted mean so that the
			// segment ends exactly at its end value and no rounding
			// accumulates along it.
			b = append(b, (start*float64(steps[i]-j)+seg.end*float64(j))/float64(steps[i]))
		}
		start = seg.end
	}
	b[len(b)-1] = 1
	return b
}

// LinearSchedule returns n inverse temperatures evenly spaced from 0 to 1
// (both included). It panics if n < 2.
func LinearSchedule(n int) []float64 {
	if n < 2 {
		panic(fmt.Sprintf("ais: LinearSchedule(%d): need at least 2 inverse temperatures", n))
	}
	b := make([]float64, n)
	for i := range b {
		b[i] = float64(i) / float64(n-1)
	}
	return b
}

// checkSchedule returns an error unless b runs from 0 to 1 without
// decreasing.
func checkSchedule(b []float64) error {
	if len(b) < 2 {
		return fmt.Errorf("ais: schedule has %d inverse temperatures, need at least 2", len(b))
	}
	if b[0] != 0 || b[len(b)-1] != 1 {
		return fmt.Errorf("ais: schedule must start at 0 and end at 1, have %g and %g", b[0], b[len(b)-1])
	}
	for i := 1; i < len(b); i++ {
		if !(b[i] >= b[i-1]) {
			return fmt.Errorf("ais: schedule decreases at %d: %g after %g", i, b[i], b[i-1])
		}
	}
	return nil
}
