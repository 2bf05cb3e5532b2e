package sbn

import (
	"fmt"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// Gibbs runs sweeps sweeps of single-site Gibbs sampling of the hidden
// units given the visible ones, on each row independently: states[0]
// (B, n_0) is clamped, states[1:] (B, n_l) hold the starting hidden states
// (from the recognition net, a prior sample, or anything binary) and
// receive the last sample. A sweep visits the hidden layers bottom-up and
// their units in order, and draws each unit from its exact conditional
//
//	P(x_lj = 1 | rest) = sigmoid(z_lj + sum_i [x_{l-1,i} (z1_i - z0_i) - softplus(z1_i) + softplus(z0_i)])
//
// where z_lj is the unit's own logit from its parents (its bias for the top
// layer) and z1, z0 are the logits of its children in layer l-1 with
// x_lj = 1 and 0. The sum over the children, whose logits also depend on
// their other parents, is what makes the causes of an observed effect
// compete: explaining away. The chain's stationary distribution is the
// exact posterior p(h | v). The logits of every layer are kept up to date
// incrementally within a sweep and recomputed at its start; Gibbs
// allocates them once per call. It panics if a hidden state is not binary.
func (n *Net) Gibbs(states []*mat32.Dense, sweeps int, r *rng.Stream) {
	n.check()
	b := checkStates("Gibbs", states, n.Sizes())
	top := len(n.Layers) - 1
	// z[l] (B, n_l): logits of layer l from its parents, l < top.
	z := make([]*mat32.Dense, top)
	for l := range z {
		z[l] = mat32.NewDense(b, n.size(l), nil)
	}
	checkBinary("Gibbs", states)
	for s := 0; s < sweeps; s++ {
		// recomputed every sweep so that float32 rounding does not drift
		for l := range z {
			n.logits(z[l], l, states[l+1])
		}
		for i := 0; i < b; i++ {
			for l := 1; l <= top; l++ {
				x := states[l].Row(i)
				c := l - 1
				zc, xc := z[c].Row(i), states[c].Row(i)
				W := n.Layers[c].W
				for j := range x {
					var a float64
					if l < top {
						a = float64(z[l].At(i, j))
					} else {
						a = float64(n.Layers[top].Bias[j])
					}
					cur := float64(x[j])
					w := W.Row(j)
					for k, wk := range w {
						z0 := float64(zc[k]) - cur*float64(wk)
						z1 := z0 + float64(wk)
						a += float64(xc[k])*float64(wk) - softplus64(z1) + softplus64(z0)
					}
					var nv float32
					if r.Float64() < sigmoid64(a) {
						nv = 1
					}
					if d := nv - x[j]; d != 0 {
						x[j] = nv
						mat32.Axpy(d, w, zc)
					}
				}
			}
		}
	}
}

// checkBinary panics unless every entry of states[1:] is 0 or 1.
func checkBinary(op string, states []*mat32.Dense) {
	for l := 1; l < len(states); l++ {
		s := states[l]
		for i := 0; i < s.Rows; i++ {
			for j, x := range s.Row(i) {
				if x != 0 && x != 1 {
					panic(fmt.Sprintf("sbn: %s layer %d state (%d, %d) = %g is not binary", op, l, i, j, x))
				}
			}
		}
	}
}
