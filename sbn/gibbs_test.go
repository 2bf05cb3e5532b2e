package sbn

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// explainNet is two rare causes (bias -3) of one effect (bias -6, weight
// +6 from each cause).
func explainNet() *Net {
	n := New(1, 2)
	n.Layers[0].Bias[0] = -6
	n.Layers[0].W.Set(0, 0, 6)
	n.Layers[0].W.Set(1, 0, 6)
	n.Layers[1].Bias[0], n.Layers[1].Bias[1] = -3, -3
	return n
}

// gibbsCounts runs N chains clamped at v from a prior sample, burn sweeps
// of Gibbs sampling, and counts the states of layer 1.
func gibbsCounts(n *Net, v []float32, N, burn int, r *rng.Stream) []int {
	states := n.newStates(N)
	n.SampleLayers(states, r)
	for i := 0; i < N; i++ {
		copy(states[0].Row(i), v)
	}
	n.Gibbs(states, burn, r)
	counts := make([]int, 1<<n.size(1))
	for i := 0; i < N; i++ {
		counts[stateIndex(states[1].Row(i))]++
	}
	return counts
}

func TestExplainingAway(t *testing.T) {
	n := explainNet()
	post, _, err := n.PosteriorExact([]float32{1})
	if err != nil {
		t.Fatal(err)
	}
	// By hand: prior s = sigmoid(-3) per cause, P(e|c) = sigmoid(-6 + 6(c1+c2)).
	s := sigmoid64(-3)
	joint := []float64{
		(1 - s) * (1 - s) * sigmoid64(-6),
		s * (1 - s) * 0.5,
		(1 - s) * s * 0.5,
		s * s * sigmoid64(6),
	}
	z := joint[0] + joint[1] + joint[2] + joint[3]
	for c := range joint {
		if math.Abs(post[c]-joint[c]/z) > 1e-12 {
			t.Errorf("P(c=%d|e=1) = %.12f, want %.12f", c, post[c], joint[c]/z)
		}
	}
	pc1 := post[1] + post[3]
	pc1c2 := post[3] / (post[2] + post[3])
	// a priori the causes are independent; given the effect, the second
	// cause explains it away: P(c1|e,c2) is far below P(c1|e).
	if !(pc1c2 < pc1/4) {
		t.Errorf("P(c1=1|e=1,c2=1) = %.4f is not << P(c1=1|e=1) = %.4f", pc1c2, pc1)
	}
	if mi := MultiInformation(post); mi < 0.1 {
		t.Errorf("posterior multi-information %.4f: causes should be dependent", mi)
	}
	const N = 20000
	counts := gibbsCounts(n, []float32{1}, N, 20, rng.New(4))
	checkCounts(t, "Gibbs P(c|e=1)", counts, post, N)
}

func TestGibbsPosteriorDeep(t *testing.T) {
	r := rng.New(5)
	n := randomNet(r, 2, 5, 3, 2, 2)
	v := []float32{1, 0, 1, 1, 0}
	post, _, err := n.PosteriorExact(v)
	if err != nil {
		t.Fatal(err)
	}
	const N = 20000
	counts := gibbsCounts(n, v, N, 30, r)
	checkCounts(t, "Gibbs P(h1|v), 4 layers", counts, post, N)
}

func TestGibbsKeepsVisible(t *testing.T) {
	r := rng.New(6)
	n := randomNet(r, 1, 3, 2)
	states := n.newStates(4)
	n.SampleLayers(states, r)
	v := states[0].Clone()
	n.Gibbs(states, 3, r)
	for i := range v.Data {
		if v.Data[i] != states[0].Data[i] {
			t.Fatal("Gibbs changed the visible units")
		}
	}
	_ = mat32.Dense{}
}
