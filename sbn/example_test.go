package sbn_test

import (
	"fmt"

	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
	"github.com/belief-ml/belief/sbn"
)

// Two rare causes of one effect: each cause is on with probability
// sigmoid(-3) = 0.05, and the effect is on with probability
// sigmoid(-6 + 6 c1 + 6 c2). A priori the causes are independent; once the
// effect is seen they compete to explain it.
func Example_explainingAway() {
	n := sbn.New(1, 2) // 1 visible unit (the effect), 2 causes on top
	n.Layers[0].Bias[0] = -6
	n.Layers[0].W.Set(0, 0, 6) // cause 1 -> effect
	n.Layers[0].W.Set(1, 0, 6) // cause 2 -> effect
	n.Layers[1].Bias[0], n.Layers[1].Bias[1] = -3, -3

	post, _, err := n.PosteriorExact([]float32{1}) // P(c1, c2 | e = 1), state bit j = cause j+1
	if err != nil {
		panic(err)
	}
	fmt.Println("c1 c2  P(c1,c2|e=1)")
	for s, p := range post {
		fmt.Printf(" %d  %d  %.4f\n", s&1, s>>1, p)
	}
	fmt.Printf("P(c1=1|e=1)      = %.3f\n", post[1]+post[3])
	fmt.Printf("P(c1=1|e=1,c2=1) = %.3f\n", post[3]/(post[2]+post[3]))
	fmt.Printf("multi-information = %.3f nats\n", sbn.MultiInformation(post))
	// Output:
	// c1 c2  P(c1,c2|e=1)
	//  0  0  0.0452
	//  1  0  0.4548
	//  0  1  0.4548
	//  1  1  0.0452
	// P(c1=1|e=1)      = 0.500
	// P(c1=1|e=1,c2=1) = 0.090
	// multi-information = 0.390 nats
}

// An RBM unrolled into a tied-weight belief net: as the net gets deeper its
// visible distribution approaches the RBM's, and the posterior of its
// first hidden layer becomes factorial (the complementary prior); with
// untied upper layers it stays dependent.
func ExampleUnrollCurve() {
	r := rng.New(1)
	m := rbm.New(8, 6, rbm.Bernoulli)
	r.Normal(m.W.Data, 0, 0.7)
	pts, err := sbn.UnrollCurve(m, 16, sbn.TopUniform, r)
	if err != nil {
		panic(err)
	}
	fmt.Println("depth  KL(p_RBM||p_K)  dependence: tied   untied")
	for _, p := range pts {
		if p.Depth == 1 || p.Depth%4 == 0 {
			fmt.Printf("%5d  %14.1e  %16.1e  %7.1e\n", p.Depth, p.KL, p.TiedDependence, p.UntiedDependence)
		}
	}
	// Output:
	// depth  KL(p_RBM||p_K)  dependence: tied   untied
	//     1         1.7e-01           1.1e-02  1.1e-02
	//     4         3.3e-03           1.1e-04  1.4e-02
	//     8         2.6e-05           3.7e-07  1.0e-02
	//    12         2.2e-07           2.7e-09  9.7e-03
	//    16         1.9e-09           2.2e-11  9.7e-03
}
