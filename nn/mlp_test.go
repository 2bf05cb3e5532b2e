package nn

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// TestMLPGradient checks the gradient of the mean cross-entropy of a
// network with every hidden activation against central finite
// differences of the float64 loss, for every weight and bias.
func TestMLPGradient(t *testing.T) {
	r := rng.New(21)
	net := NewMLP([]int{6, 5, 4, 4, 3}, Sigmoid, ReLU, Identity, Softmax)
	net.Init(r)
	for _, l := range net.Layers {
		r.Normal(l.B, 0, 0.3)
	}
	const b = 7
	x := randDense(r, b, 6, 1)
	labels := randLabels(r, b, 3)
	net.ZeroGrad()
	loss := net.Backward(x, labels)

	rf := refOf(net.Layers)
	x64 := to64(x)
	f := func() float64 { return crossEntropy(rf.forward(x64), labels) }
	if want := f(); math.Abs(loss-want) > 1e-6 {
		t.Errorf("loss %.9g, float64 %.9g", loss, want)
	}
	g := &gradChecker{t: t, name: "MLP"}
	for l, ly := range net.Layers {
		in, out := ly.Dims()
		for i := 0; i < in; i++ {
			for j := 0; j < out; j++ {
				g.check("dW", l*1000+i*out+j, ly.DW.At(i, j), &rf.w[l][i*out+j], f)
			}
		}
		for j := 0; j < out; j++ {
			g.check("db", l*1000+j, ly.DB[j], &rf.b[l][j], f)
		}
	}
	t.Logf("%d gradients, largest error %.2g", g.n, g.maxErr)
}

// TestUniformLogits: with zero weights every class has probability 1/K,
// so the cross-entropy is log K and its gradient (1/K - t)/B.
func TestUniformLogits(t *testing.T) {
	for _, k := range []int{2, 10, 1000} {
		net := NewMLP([]int{3, k})
		x := randDense(rng.New(1), 4, 3, 1)
		labels := []int{0, k - 1, k / 2, 1}
		net.ZeroGrad()
		loss := net.Backward(x, labels)
		if d := math.Abs(loss - math.Log(float64(k))); d > 1e-6 {
			t.Errorf("K=%d: loss %.9g, want log K = %.9g", k, loss, math.Log(float64(k)))
		}
		if l := net.Loss(x, labels); math.Abs(l-loss) > 1e-12 {
			t.Errorf("K=%d: Loss %.9g, Backward %.9g", k, l, loss)
		}
		for j := 0; j < k; j++ {
			want := float32(4) / float32(k) / 4
			for _, c := range labels {
				if c == j {
					want -= 0.25
				}
			}
			if got := net.Layers[0].DB[j]; math.Abs(float64(got-want)) > 1e-6 {
				t.Errorf("K=%d: db[%d] = %g, want %g", k, j, got, want)
			}
		}
	}
}

// TestSoftmaxUnderflow: a true class whose probability underflows costs
// log(1/minProb) = 103.3 nats, not +Inf.
func TestSoftmaxUnderflow(t *testing.T) {
	p := mat32.NewDense(1, 2, []float32{1, 0})
	got := SoftmaxCrossEntropy(nil, p, []int{1})
	if want := -math.Log(minProb); got != want || math.Abs(want-103.28) > 0.01 {
		t.Errorf("loss %g, want %g", got, want)
	}
}

// TestFromLayers checks that FromLayers uses the given weights in place
// and computes sigmoid(x W + b) as an RBM's hidden probabilities.
func TestFromLayers(t *testing.T) {
	r := rng.New(5)
	w1, w2 := randDense(r, 4, 3, 1), randDense(r, 3, 2, 1)
	b1, b2 := []float32{0.1, -0.2, 0.3}, []float32{0.5, -0.5}
	net := FromLayers([]*mat32.Dense{w1, w2}, [][]float32{b1, b2})
	if net.Layers[0].W != w1 || &net.Layers[1].B[0] != &b2[0] || net.Layers[0].Act != Sigmoid || net.Layers[1].Act != Softmax {
		t.Fatal("FromLayers did not use the weights in place with sigmoid then softmax")
	}
	x := randDense(r, 3, 4, 1)
	h := mat32.NewDense(3, 3, nil)
	mat32.Gemm(false, false, 1, x, w1, 0, h)
	mat32.SigmoidBias(h, b1)
	p := mat32.NewDense(3, 2, nil)
	mat32.Gemm(false, false, 1, h, w2, 0, p)
	mat32.AddRowVec(p, b2)
	mat32.SoftmaxRows(p)
	out := net.Forward(x)
	for i := 0; i < 3; i++ {
		for j := 0; j < 2; j++ {
			if d := math.Abs(float64(out.At(i, j) - p.At(i, j))); d > 1e-6 {
				t.Errorf("out[%d,%d] = %g, want %g", i, j, out.At(i, j), p.At(i, j))
			}
		}
	}
}

// TestPredictChunks checks Predict, ErrorRate and Loss on more rows than
// one evaluation chunk against row-by-row Forward.
func TestPredictChunks(t *testing.T) {
	r := rng.New(6)
	net := NewMLP([]int{5, 8, 4})
	net.Init(r)
	n := 2*evalRows + 17
	x := randDense(r, n, 5, 2)
	labels := randLabels(r, n, 4)
	pred := make([]int, n)
	net.Predict(pred, x)
	wrong := 0
	var loss float64
	one := make([]int, 1)
	for i := 0; i < n; i++ {
		xi := x.Slice(i, i+1, 0, 5)
		Argmax(one, net.Forward(xi))
		if one[0] != pred[i] {
			t.Fatalf("row %d: Predict %d, Forward %d", i, pred[i], one[0])
		}
		if pred[i] != labels[i] {
			wrong++
		}
		loss += SoftmaxCrossEntropy(nil, net.Forward(xi), labels[i:i+1])
	}
	if got, want := net.ErrorRate(x, labels), float64(wrong)/float64(n); got != want {
		t.Errorf("ErrorRate %g, want %g", got, want)
	}
	if got, want := net.Loss(x, labels), loss/float64(n); math.Abs(got-want) > 1e-6*want {
		t.Errorf("Loss %.9g, row by row %.9g", got, want)
	}
}

// TestSigmoidOutputGradient checks BackwardFrom with the gradient of
// SigmoidCrossEntropy (soft targets in [0, 1]) through a network with
// a sigmoid output, against finite differences of the float64 loss.
func TestSigmoidOutputGradient(t *testing.T) {
	r := rng.New(22)
	net := NewMLP([]int{5, 6, 4}, Sigmoid, Sigmoid)
	net.Init(r)
	const b = 6
	x := randDense(r, b, 5, 1)
	tg := mat32.NewDense(b, 4, nil)
	r.Uniform(tg.Data)
	tg.Set(0, 0, 0)
	tg.Set(1, 1, 1)
	net.ZeroGrad()
	y := net.Forward(x)
	dz := mat32.NewDense(b, 4, nil)
	loss := SigmoidCrossEntropy(dz, y, tg)
	net.BackwardFrom(x, dz)

	rf := refOf(net.Layers)
	x64, t64 := to64(x), to64(tg)
	f := func() float64 {
		var s float64
		for i, row := range rf.forward(x64) {
			for j, v := range row {
				s -= t64[i][j]*math.Log(v) + (1-t64[i][j])*math.Log(1-v)
			}
		}
		return s / b
	}
	if want := f(); math.Abs(loss-want) > 1e-6 {
		t.Errorf("loss %.9g, float64 %.9g", loss, want)
	}
	g := &gradChecker{t: t, name: "sigmoid output"}
	for l, ly := range net.Layers {
		in, out := ly.Dims()
		for i := 0; i < in; i++ {
			for j := 0; j < out; j++ {
				g.check("dW", l*1000+i*out+j, ly.DW.At(i, j), &rf.w[l][i*out+j], f)
			}
		}
		for j := 0; j < out; j++ {
			g.check("db", l*1000+j, ly.DB[j], &rf.b[l][j], f)
		}
	}
	t.Logf("%d gradients, largest error %.2g", g.n, g.maxErr)
}
