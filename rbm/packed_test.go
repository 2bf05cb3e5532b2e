package rbm

import (
	"math"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// One CD or PCD update with the products on AMX (bfloat16 parts) moves the
// weights by the float32 update to within the products' accuracy: each
// entry of the gradient is a mean over the batch of terms of magnitude at
// most 1, and the split products are accurate to about 2^-16 of the sum of
// their terms' magnitudes, as are the probabilities they feed (to about
// 2^-16 of |W| summed over a row, below 1 here), so the two updates differ
// by well under 1e-4 times the learning rate. With the same seed the
// random draws agree unless a uniform falls within ~1e-5 of a probability,
// which these seeds avoid (the test would show it as one large
// difference).
func TestAMXProducts(t *testing.T) {
	if !mat32.AMX() {
		t.Skip("no AMX on this machine")
	}
	data := sparseData(64, 230, 0.3, 5)
	for _, c := range []struct {
		name string
		s    Settings
	}{
		{"CD-1 dense", Settings{DenseProducts: true}},
		{"CD-1 sparse", Settings{}},
		{"PCD-2 dense", Settings{Method: PCD, K: 2, Chains: 20, DenseProducts: true}},
	} {
		var ws [2]*mat32.Dense
		for i, f32 := range []bool{true, false} {
			m := New(230, 40, Bernoulli)
			m.Init(data, rng.New(2))
			for j := range m.W.Data {
				m.W.Data[j] = float32(0.02 * rng.New(uint64(j)).NormFloat64())
			}
			s := c.s
			s.BatchSize, s.Epochs, s.LearningRate, s.Workers = 64, 1, 0.1, 2
			s.MonitorRows, s.ExactLL = -1, ExactNever
			s.Products = ProductsBF16
			if f32 {
				s.Products = ProductsFloat32
			}
			w0 := m.W.Clone()
			if _, err := Train(m, data, &s, rng.New(3)); err != nil {
				t.Fatal(err)
			}
			for j := range w0.Data {
				w0.Data[j] = m.W.Data[j] - w0.Data[j]
			}
			ws[i] = w0
		}
		var worst, size float64
		for j := range ws[0].Data {
			worst = math.Max(worst, math.Abs(float64(ws[0].Data[j]-ws[1].Data[j])))
			size = math.Max(size, math.Abs(float64(ws[0].Data[j])))
		}
		t.Logf("%s: largest update %.3g, largest difference %.3g", c.name, size, worst)
		if worst > 1e-4*0.1 {
			t.Errorf("%s: AMX and float32 updates differ by %.3g (largest update %.3g)", c.name, worst, size)
		}
		if worst == 0 {
			t.Errorf("%s: AMX and float32 updates are identical: was AMX used?", c.name)
		}
	}
}
