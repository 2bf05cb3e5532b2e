package dbn_test

import (
	"fmt"

	"github.com/belief-ml/belief/dbn"
	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// Example trains a small DBN with two label units on two noisy patterns,
// classifies them by the labels' free energy, computes the exact
// variational bound and draws label-clamped samples.
func Example() {
	r := rng.New(1)
	protos := [][]float32{{1, 1, 1, 1, 0, 0, 0, 0}, {0, 0, 0, 0, 1, 1, 1, 1}}
	x := mat32.NewDense(400, 8, nil)
	labels := make([]int, 400)
	for i := range labels {
		labels[i] = i % 2
		for j, p := range protos[labels[i]] {
			if r.Float32() < 0.05 {
				p = 1 - p
			}
			x.Set(i, j, p)
		}
	}
	d := dbn.New([]int{8, 6, 10}, 2, rbm.Bernoulli) // 8-6-(6+2)-10
	s := &dbn.Settings{Layers: []rbm.Settings{{Epochs: 20, ExactLL: rbm.ExactNever}}}
	if _, err := dbn.Greedy(d, x, labels, s, r); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("training error: %.2f\n", d.ErrorRate(x, labels))

	lz, _ := d.Top().LogZExact()
	b, _ := dbn.BoundExact(d, x, lz)
	fmt.Println("bound below 0 nats:", b < 0)

	v := mat32.NewDense(2, 8, nil)
	d.Sample(v, &dbn.SampleSettings{Steps: 100, Labels: []int{0, 1}}, r)
	fmt.Println("class 0 sample looks like pattern 0:", v.At(0, 0) > v.At(0, 7))
	fmt.Println("class 1 sample looks like pattern 1:", v.At(1, 7) > v.At(1, 0))
	// Output:
	// training error: 0.00
	// bound below 0 nats: true
	// class 0 sample looks like pattern 0: true
	// class 1 sample looks like pattern 1: true
}
