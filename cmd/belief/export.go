package main

import (
	"flag"
	"fmt"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/modelfile"
	"github.com/belief-ml/belief/rbm"
)

func init() {
	registerFresh(&Command{
		Name:      "export",
		UsageLine: "export -model FILE [-o model.npz]",
		Short:     "export a model's parameters (rbm, sbn, dbn, mlp) as a NumPy .npz archive",
		Long: `Export writes the parameters of an RBM as a NumPy .npz archive of float32
arrays: W (nv, nh), vbias (nv), hbias (nh), and sigma (nv) for Gaussian
visible units; softmax (G, 2) holds the start and size of each one-of-K group
of visible units, when there are any. In Python:

  d = numpy.load("model.npz"); W, vbias, hbias = d["W"], d["vbias"], d["hbias"]
  p_h = 1 / (1 + numpy.exp(-(v @ W + hbias)))   # P(h = 1 | v), v (B, nv)

A sigmoid belief net (from "train sbn") with layers x_0 (visible, n_0
units), x_1, ..., x_T (top) is written as one W array per layer, W0 at the
bottom, and its biases:

  W0 (n_1, n_0), ..., W{T-1} (n_T, n_{T-1})  generative weights down to layer l
  b0 (n_0), ..., bT (n_T)                    biases; bT are the top prior's logits
  R0 (n_0, n_1), ..., R{T-1} (n_{T-1}, n_T)  recognition weights up from layer l
  c1 (n_1), ..., cT (n_T)                    recognition biases of layer l

so that P(x_l = 1 | x_{l+1}) = sigmoid(x_{l+1} @ Wl + bl) and
q(x_{l+1} = 1 | x_l) = sigmoid(x_l @ Rl + c{l+1}).

A deep belief net (from "train dbn") with RBMs l = 0..L-1 between layers
of n_0 (visible), n_1, ..., n_L units is written bottom-up:

  W0 (n_0, n_1), ..., W{L-1} (n_{L-1}, n_L)  RBM weights (recognition: up)
  b0 (n_1), ..., b{L-1} (n_L)                hidden biases of each RBM
  a0 (n_0), ..., a{L-1} (n_{L-1})            visible biases of each RBM
  Wlabel (K, n_L), blabel (K)                with K label units: the top
                                             RBM's label weights and biases
  sigma0 (n_0)                               Gaussian visible units only
  gen_W0 (n_0, n_1), gen_a0 (n_0), ...       after up-down: the untied
                                             generative weights, l < L-1

so that q(h_{l+1} = 1 | h_l) = sigmoid(h_l @ Wl + bl), p(h_l = 1 | h_{l+1}) =
sigmoid(h_{l+1} @ Wl.T + al) (gen_Wl, gen_al after up-down), and the top
RBM's visible layer is [h_{L-1}, labels] with weights
numpy.vstack([W{L-1}, Wlabel]) and biases numpy.concatenate([a{L-1}, blabel]).

A classifier (from "finetune") is written as W0 (n_0, n_1), b0 (n_1), ...,
W{L-1}, b{L-1}, bottom-up: x_{l+1} = sigmoid(x_l @ Wl + bl), the last layer
softmax instead of sigmoid.

The training state and history are not exported; "belief import" reads an
RBM's archive back.`,
	}, func() flagRunner { return &exportCmd{} })
}

type exportCmd struct {
	model, out string
}

func (e *exportCmd) define(fs *flag.FlagSet) {
	fs.StringVar(&e.model, "model", "model.rbm", "model `file`")
	fs.StringVar(&e.out, "o", "model.npz", "output .npz `file`")
}

// rbmArrays returns the arrays that export writes.
func rbmArrays(m *rbm.RBM) []modelfile.Array {
	nv, nh := m.Dims()
	a := []modelfile.Array{
		{Name: "W", Shape: []int{nv, nh}, Data: m.W.Clone().Data},
		{Name: "vbias", Shape: []int{nv}, Data: append([]float32(nil), m.VBias...)},
		{Name: "hbias", Shape: []int{nh}, Data: append([]float32(nil), m.HBias...)},
	}
	if m.Visible == rbm.Gaussian {
		a = append(a, modelfile.Array{Name: "sigma", Shape: []int{nv}, Data: append([]float32(nil), m.Sigma...)})
	}
	if len(m.Softmax) > 0 {
		g := mat32.NewDense(len(m.Softmax), 2, nil)
		for i, s := range m.Softmax {
			g.Set(i, 0, float32(s.Start))
			g.Set(i, 1, float32(s.Size))
		}
		a = append(a, modelfile.Array{Name: "softmax", Shape: []int{g.Rows, 2}, Data: g.Data})
	}
	return a
}

func (e *exportCmd) run(fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected arguments %q", args)
	}
	a, err := loadAny(e.model)
	if err != nil {
		return err
	}
	switch {
	case a.sbn != nil:
		return e.writeArrays(sbnArrays(a.sbn.Net, a.sbn.Rec))
	case a.dbn != nil:
		return e.writeArrays(dbnArrays(a.dbn.DBN))
	case a.mlp != nil:
		return e.writeArrays(mlpArrays(a.mlp.Net))
	}
	model := a.rbm
	if err := modelfile.WriteNPZ(e.out, rbmArrays(model.RBM)); err != nil {
		return err
	}
	nv, nh := model.RBM.Dims()
	fmt.Fprintf(stdout, "wrote W %dx%d, vbias, hbias", nv, nh)
	if model.RBM.Visible == rbm.Gaussian {
		fmt.Fprintf(stdout, ", sigma")
	}
	if len(model.RBM.Softmax) > 0 {
		fmt.Fprintf(stdout, ", softmax")
	}
	fmt.Fprintf(stdout, " to %s\n", e.out)
	return nil
}
