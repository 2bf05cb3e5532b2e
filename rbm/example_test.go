package rbm_test

import (
	"fmt"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// bars returns the 30 4x4 bars-and-stripes patterns, each 10 times.
func bars() *mat32.Dense {
	var rows [][]float32
	for x := 0; x < 16; x++ {
		for _, vertical := range []bool{false, true} {
			if vertical && (x == 0 || x == 15) {
				continue // all-off and all-on are both bars and stripes
			}
			row := make([]float32, 16)
			for i := 0; i < 16; i++ {
				line := i / 4
				if vertical {
					line = i % 4
				}
				row[i] = float32(x >> line & 1)
			}
			rows = append(rows, row)
		}
	}
	d := mat32.NewDense(10*len(rows), 16, nil)
	for i := 0; i < d.Rows; i++ {
		copy(d.Row(i), rows[i%len(rows)])
	}
	return d
}

// Train an RBM on bars-and-stripes and measure its exact log-likelihood;
// the best possible is log(1/30) = -3.40 nats.
func Example() {
	data := bars()
	r := rng.New(20)
	m := rbm.New(16, 16, rbm.Bernoulli)
	m.Init(data, r)
	before, _ := m.LogLikelihoodExact(data)
	_, err := rbm.Train(m, data, &rbm.Settings{K: 5, BatchSize: 10, LearningRate: 0.05, Momentum: 0.5, Epochs: 300, ExactLL: rbm.ExactNever}, r)
	if err != nil {
		fmt.Println(err)
		return
	}
	after, _ := m.LogLikelihoodExact(data)
	fmt.Printf("exact log-likelihood per pattern: %.0f before, %.0f after\n", before, after)
	fmt.Println("within 1 nat of the optimum:", after > -3.40-1)
	// Output:
	// exact log-likelihood per pattern: -11 before, -4 after
	// within 1 nat of the optimum: true
}
