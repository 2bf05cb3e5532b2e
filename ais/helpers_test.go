package ais

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/dataset"
	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// randomRBM returns an RBM with weights N(0, w^2) and biases N(0, 1).
func randomRBM(nv, nh int, units rbm.Units, w float32, seed uint64) *rbm.RBM {
	r := rng.New(seed)
	m := rbm.New(nv, nh, units)
	r.Normal(m.W.Flat(), 0, w)
	r.Normal(m.VBias, 0, 1)
	r.Normal(m.HBias, 0, 1)
	if units == rbm.Gaussian {
		for i := range m.Sigma {
			m.Sigma[i] = 0.5 + r.Float32()
		}
	}
	return m
}

func exactLogZ(t testing.TB, m *rbm.RBM) float64 {
	t.Helper()
	lz, err := m.LogZExact()
	if err != nil {
		t.Fatal(err)
	}
	return lz
}

// digits returns n 784-pixel binary images: MNIST training images
// binarised with a fixed seed if the data set is available, otherwise
// synthetic images with structure (noisy strokes of a few prototypes).
func digits(t testing.TB, n int, seed uint64) *mat32.Dense {
	t.Helper()
	if set, err := dataset.MNIST("train"); err == nil && set.X.Rows >= n {
		x := set.X.Slice(0, n, 0, 784).Clone()
		dataset.BinarizeStochastic(x, seed)
		return x
	} else if err != nil {
		t.Logf("MNIST not available (%v): using synthetic images", err)
	}
	r := rng.New(seed)
	protos := mat32.NewDense(10, 784, nil)
	for k := 0; k < 10; k++ {
		p := protos.Row(k)
		for s := 0; s < 3; s++ { // three random strokes
			x0, y0 := 4+r.IntN(20), 4+r.IntN(20)
			dx, dy := r.Float64()*2-1, r.Float64()*2-1
			for l := 0; l < 14; l++ {
				x, y := x0+int(math.Round(dx*float64(l))), y0+int(math.Round(dy*float64(l)))
				for ox := -1; ox <= 1; ox++ {
					for oy := -1; oy <= 1; oy++ {
						if xx, yy := x+ox, y+oy; xx >= 0 && xx < 28 && yy >= 0 && yy < 28 {
							p[yy*28+xx] = 0.9
						}
					}
				}
			}
		}
		for i := range p {
			if p[i] == 0 {
				p[i] = 0.01
			}
		}
	}
	x := mat32.NewDense(n, 784, nil)
	for i := 0; i < n; i++ {
		r.Bernoulli(x.Row(i), protos.Row(r.IntN(10)))
	}
	return x
}

// trainedRBM trains a 784-nh RBM by CD-1 on data for a few epochs.
func trainedRBM(t testing.TB, data *mat32.Dense, nh, epochs int, seed uint64) *rbm.RBM {
	t.Helper()
	r := rng.New(seed)
	m := rbm.New(784, nh, rbm.Bernoulli)
	m.Init(data, r)
	if _, err := rbm.Train(m, data, &rbm.Settings{Epochs: epochs, ExactLL: rbm.ExactNever}, r); err != nil {
		t.Fatal(err)
	}
	return m
}
