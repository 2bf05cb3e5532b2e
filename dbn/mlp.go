package dbn

import (
	"fmt"
	"slices"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/nn"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// ToMLP returns a classifier for nClasses classes made of copies of d's
// recognition weights, for discriminative fine-tuning with nn.Train
// (Hinton & Salakhutdinov 2006); d is not changed. Its layers are:
//
//   - one Sigmoid layer per RBM, including the top one, with the RBM's W
//     and HBias (for the top RBM, only the rows of W that belong to the
//     penultimate units: the labels are not an input), so that the first
//     L-1 layers compute exactly Up;
//   - a Softmax output layer (n_top, nClasses). If d has Labels ==
//     nClasses it starts as the top RBM's conditional of the labels given
//     its hidden units, P(c | h) = softmax(a_c + (h W_lab^T)_c): W_lab^T
//     and the label visible biases. Otherwise its weights are drawn from
//     N(0, 0.01^2) with r and its biases are zero.
//
// A first layer of Gaussian units with Sigma != 1 has its rows of W
// divided by Sigma, so the network takes the raw data as the DBN does.
func ToMLP(d *DBN, nClasses int, r *rng.Stream) *nn.MLP {
	d.check()
	if nClasses < 2 {
		panic(fmt.Sprintf("dbn: ToMLP with %d classes", nClasses))
	}
	var ws []*mat32.Dense
	var bs [][]float32
	L := len(d.Layers)
	for l, m := range d.Layers {
		nv, nh := m.Dims()
		if l == L-1 {
			nv -= d.Labels
		}
		w := m.W.Slice(0, nv, 0, nh).Clone()
		if m.Visible == rbm.Gaussian {
			for i := 0; i < nv; i++ {
				mat32.Scal(1/m.Sigma[i], w.Row(i))
			}
		}
		ws = append(ws, w)
		bs = append(bs, slices.Clone(m.HBias))
	}
	t := d.Top()
	_, nh := t.Dims()
	out := mat32.NewDense(nh, nClasses, nil)
	ob := make([]float32, nClasses)
	if d.Labels == nClasses {
		p := d.Pen()
		for c := 0; c < nClasses; c++ {
			for j, v := range t.W.Row(p + c) {
				out.Set(j, c, v)
			}
			ob[c] = t.VBias[p+c]
		}
	} else {
		for j := 0; j < nh; j++ {
			r.Normal(out.Row(j), 0, 0.01)
		}
	}
	ws = append(ws, out)
	bs = append(bs, ob)
	return nn.FromLayers(ws, bs)
}
