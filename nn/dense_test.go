package nn

import (
	"math"
	"strings"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// checkLayerGrads checks dW, db and dx of one layer against finite
// differences of the float64 loss f (computed from the ref and the float64
// input x64).
func checkLayerGrads(g *gradChecker, l *Dense, dx *mat32.Dense, rf *ref, x64 [][]float64, f func() float64) {
	in, out := l.Dims()
	for i := 0; i < in; i++ {
		for j := 0; j < out; j++ {
			g.check("dW", i*out+j, l.DW.At(i, j), &rf.w[0][i*out+j], f)
		}
	}
	for j := 0; j < out; j++ {
		g.check("db", j, l.DB[j], &rf.b[0][j], f)
	}
	if dx != nil {
		for i := range x64 {
			for k := range x64[i] {
				g.check("dx", i*in+k, dx.At(i, k), &x64[i][k], f)
			}
		}
	}
}

// TestDenseGradients checks Backward of every activation against central
// finite differences of the float64 computation, for the loss
// sum_ij c_ij y_ij (so dy = c), and for Softmax the mean cross-entropy.
func TestDenseGradients(t *testing.T) {
	const b, in, out = 5, 7, 4
	for _, act := range []Activation{Sigmoid, ReLU, Identity, Softmax} {
		r := rng.New(uint64(10 + act))
		l := NewDense(in, out, act)
		l.Init(r)
		r.Normal(l.B, 0, 0.5)
		x := randDense(r, b, in, 1)
		y := mat32.NewDense(b, out, nil)
		l.Forward(y, x)

		rf := refOf([]*Dense{l})
		x64 := to64(x)
		// the float32 forward pass agrees with the float64 one
		y64 := rf.forward(x64)
		for i := range y64 {
			for j, v := range y64[i] {
				if d := math.Abs(float64(y.At(i, j)) - v); d > 1e-6 {
					t.Errorf("%v: y[%d,%d] = %g, float64 %g", act, i, j, y.At(i, j), v)
				}
			}
		}

		dy := mat32.NewDense(b, out, nil)
		var f func() float64
		if act == Softmax {
			labels := randLabels(r, b, out)
			SoftmaxCrossEntropy(dy, y, labels)
			f = func() float64 { return crossEntropy(rf.forward(x64), labels) }
		} else {
			c := randDense(r, b, out, 1)
			dy.Copy(c)
			f = func() float64 { return weighted(rf.forward(x64), c) }
		}
		dx := mat32.NewDense(b, in, nil)
		l.Backward(dx, dy, x, y)
		g := &gradChecker{t: t, name: act.String()}
		checkLayerGrads(g, l, dx, rf, x64, f)
		t.Logf("%v: %d gradients, largest error %.2g", act, g.n, g.maxErr)
	}
}

// TestDenseAccumulates checks that Backward adds to DW and DB (a second
// identical call doubles them, up to float32 rounding of the sums) and
// that a nil dx is allowed.
func TestDenseAccumulates(t *testing.T) {
	r := rng.New(3)
	l := NewDense(6, 3, Sigmoid)
	l.Init(r)
	x := randDense(r, 4, 6, 1)
	y := mat32.NewDense(4, 3, nil)
	l.Forward(y, x)
	c := randDense(r, 4, 3, 1)
	dy := c.Clone()
	l.Backward(nil, dy, x, y)
	dw1, db1 := l.DW.Clone(), append([]float32(nil), l.DB...)
	dy.Copy(c)
	l.Backward(nil, dy, x, y)
	for i, v := range l.DW.Data {
		if math.Abs(float64(v-2*dw1.Data[i])) > 1e-6*math.Max(1, math.Abs(float64(v))) {
			t.Fatalf("DW[%d] = %g after two calls, want 2*%g", i, v, dw1.Data[i])
		}
	}
	for j, v := range l.DB {
		if math.Abs(float64(v-2*db1[j])) > 1e-6*math.Max(1, math.Abs(float64(v))) {
			t.Fatalf("DB[%d] = %g after two calls, want 2*%g", j, v, db1[j])
		}
	}
	l.ZeroGrad()
	for _, v := range l.DW.Data {
		if v != 0 {
			t.Fatal("ZeroGrad left DW non-zero")
		}
	}
}

// TestDenseViews runs Forward and Backward on strided views and checks
// that the results equal those on contiguous copies and that nothing
// outside the views changes.
func TestDenseViews(t *testing.T) {
	r := rng.New(4)
	l := NewDense(5, 3, Sigmoid)
	l.Init(r)
	bigX := randDense(r, 6, 9, 1)
	bigY := mat32.NewDense(6, 7, nil)
	bigY.Fill(42)
	x, y := bigX.Slice(1, 5, 2, 7), bigY.Slice(1, 5, 2, 5)
	l.Forward(y, x)
	y2 := mat32.NewDense(4, 3, nil)
	l.Forward(y2, x.Clone())
	for i := 0; i < 4; i++ {
		for j := 0; j < 3; j++ {
			if y.At(i, j) != y2.At(i, j) {
				t.Fatalf("view y[%d,%d] = %g, contiguous %g", i, j, y.At(i, j), y2.At(i, j))
			}
		}
	}
	for i := 0; i < 6; i++ {
		for j := 0; j < 7; j++ {
			if (i < 1 || i >= 5 || j < 2 || j >= 5) && bigY.At(i, j) != 42 {
				t.Fatalf("Forward wrote outside its view at (%d, %d)", i, j)
			}
		}
	}
}

func TestDensePanics(t *testing.T) {
	l := NewDense(4, 3, Sigmoid)
	for name, f := range map[string]func(){
		"forward x": func() { l.Forward(mat32.NewDense(2, 3, nil), mat32.NewDense(2, 5, nil)) },
		"forward y": func() { l.Forward(mat32.NewDense(3, 3, nil), mat32.NewDense(2, 4, nil)) },
		"backward": func() {
			l.Backward(mat32.NewDense(2, 3, nil), mat32.NewDense(2, 3, nil), mat32.NewDense(2, 4, nil), mat32.NewDense(2, 3, nil))
		},
		"mlp acts": func() { NewMLP([]int{2, 3, 4}, Sigmoid, Sigmoid, Softmax) },
		"labels":   func() { SoftmaxCrossEntropy(nil, mat32.NewDense(1, 3, nil), []int{3}) },
	} {
		func() {
			defer func() {
				e := recover()
				if s, ok := e.(string); !ok || !strings.HasPrefix(s, "nn: ") {
					t.Errorf("%s: panic %v, want a message starting with nn:", name, e)
				}
			}()
			f()
		}()
	}
}
