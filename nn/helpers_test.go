package nn

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// ref is a float64 copy of a network: the oracle the float32 gradients are
// checked against by central finite differences.
type ref struct {
	w    [][]float64 // (in, out) row-major
	b    [][]float64
	dims [][2]int
	acts []Activation
}

func refOf(layers []*Dense) *ref {
	r := &ref{}
	for _, l := range layers {
		in, out := l.Dims()
		w := make([]float64, in*out)
		for i := 0; i < in; i++ {
			for j := 0; j < out; j++ {
				w[i*out+j] = float64(l.W.At(i, j))
			}
		}
		b := make([]float64, out)
		for j := range b {
			b[j] = float64(l.B[j])
		}
		r.w = append(r.w, w)
		r.b = append(r.b, b)
		r.dims = append(r.dims, [2]int{in, out})
		r.acts = append(r.acts, l.Act)
	}
	return r
}

func to64(m *mat32.Dense) [][]float64 {
	x := make([][]float64, m.Rows)
	for i := range x {
		x[i] = make([]float64, m.Cols)
		for j := range x[i] {
			x[i][j] = float64(m.At(i, j))
		}
	}
	return x
}

// forward returns the output rows of the float64 network for input rows x.
func (r *ref) forward(x [][]float64) [][]float64 {
	for l, w := range r.w {
		in, out := r.dims[l][0], r.dims[l][1]
		y := make([][]float64, len(x))
		for i, xr := range x {
			z := make([]float64, out)
			for j := range z {
				s := r.b[l][j]
				for k := 0; k < in; k++ {
					s += xr[k] * w[k*out+j]
				}
				z[j] = s
			}
			switch r.acts[l] {
			case Sigmoid:
				for j := range z {
					z[j] = 1 / (1 + math.Exp(-z[j]))
				}
			case ReLU:
				for j := range z {
					z[j] = math.Max(z[j], 0)
				}
			case Softmax:
				m := math.Inf(-1)
				for _, v := range z {
					m = math.Max(m, v)
				}
				var s float64
				for j := range z {
					z[j] = math.Exp(z[j] - m)
					s += z[j]
				}
				for j := range z {
					z[j] /= s
				}
			}
			y[i] = z
		}
		x = y
	}
	return x
}

// crossEntropy is the mean -log p[i][labels[i]].
func crossEntropy(p [][]float64, labels []int) float64 {
	var s float64
	for i, c := range labels {
		s -= math.Log(p[i][c])
	}
	return s / float64(len(labels))
}

// weighted is sum_ij c[i][j] y[i][j], a loss whose gradient dy is c.
func weighted(y [][]float64, c *mat32.Dense) float64 {
	var s float64
	for i := range y {
		for j, v := range y[i] {
			s += float64(c.At(i, j)) * v
		}
	}
	return s
}

// fdEps is the step of the central differences in float64: truncation
// error ~eps^2 f”' and rounding ~1e-16/eps are both below 1e-9.
const fdEps = 1e-5

// diff returns the central difference of f with respect to *p.
func diff(p *float64, f func() float64) float64 {
	v := *p
	*p = v + fdEps
	fp := f()
	*p = v - fdEps
	fm := f()
	*p = v
	return (fp - fm) / (2 * fdEps)
}

// gradTol is the tolerance of a float32 gradient g against a float64
// finite difference fd: the float32 forward and backward passes round
// every activation and product to a relative 6e-8 (the sigmoid to an
// absolute 2e-7), which over the few terms of the small test networks
// gives errors of a few 1e-7 (the tests log the largest); the tolerance
// leaves a factor of 10.
func gradTol(fd float64) float64 { return 2e-6 + 1e-5*math.Abs(fd) }

// gradChecker compares analytic gradients with finite differences and
// records the largest error.
type gradChecker struct {
	t      *testing.T
	name   string
	maxErr float64
	n      int
}

func (g *gradChecker) check(what string, i int, got float32, p *float64, f func() float64) {
	g.t.Helper()
	fd := diff(p, f)
	e := math.Abs(float64(got) - fd)
	g.maxErr = math.Max(g.maxErr, e)
	g.n++
	if e > gradTol(fd) {
		g.t.Errorf("%s: %s[%d] = %.8g, finite difference %.8g (error %.3g > %.3g)", g.name, what, i, got, fd, e, gradTol(fd))
	}
}

func randDense(r *rng.Stream, rows, cols int, std float32) *mat32.Dense {
	m := mat32.NewDense(rows, cols, nil)
	r.Normal(m.Data, 0, std)
	return m
}

func randLabels(r *rng.Stream, n, k int) []int {
	l := make([]int, n)
	for i := range l {
		l[i] = r.IntN(k)
	}
	return l
}
