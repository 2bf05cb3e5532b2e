package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/modelfile"
	"github.com/belief-ml/belief/rbm"
)

func init() {
	registerFresh(&Command{
		Name:      "export",
		UsageLine: "export -model FILE [-o model.npz]",
		Short:     "export a model's parameters (rbm, sbn) as a NumPy .npz archive",
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
	model, net, err := loadModel(e.model)
	if err != nil {
		return err
	}
	if net != nil {
		arrays := sbnArrays(net.Net, net.Rec)
		if err := modelfile.WriteNPZ(e.out, arrays); err != nil {
			return err
		}
		names := make([]string, len(arrays))
		for i, a := range arrays {
			names[i] = a.Name
		}
		fmt.Fprintf(stdout, "wrote %s to %s\n", strings.Join(names, ", "), e.out)
		return nil
	}
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
