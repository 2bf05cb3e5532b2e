package ais_test

import (
	"fmt"

	"github.com/belief-ml/belief/ais"
	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// Estimate log Z of a small RBM by AIS and compare it with the exact value
// from enumeration.
func Example() {
	r := rng.New(1)
	m := rbm.New(20, 10, rbm.Bernoulli)
	r.Normal(m.W.Flat(), 0, 0.5)
	r.Normal(m.VBias, 0, 1)
	r.Normal(m.HBias, 0, 1)

	exact, err := m.LogZExact()
	if err != nil {
		panic(err)
	}
	est, err := ais.LogZ(ais.NewRBM(m, nil), &ais.Settings{Betas: ais.Schedule(1000), Seed: 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("exact log Z %.1f\n", exact)
	fmt.Printf("AIS   log Z %.1f, inside the interval: %v\n", est.LogZ, est.Low <= exact && exact <= est.High)
	// Output:
	// exact log Z 31.7
	// AIS   log Z 31.7, inside the interval: true
}

// Bracket the mean log-likelihood of some data between a conservative
// reverse (RAISE) estimate and an optimistic forward (AIS) one. A short
// schedule leaves a visible gap; the default schedule closes it.
func ExampleReverseLogLikelihood() {
	r := rng.New(2)
	m := rbm.New(20, 10, rbm.Bernoulli)
	r.Normal(m.W.Flat(), 0, 1)
	r.Normal(m.VBias, 0, 1)
	r.Normal(m.HBias, 0, 1)
	data := mat32.NewDense(200, 20, nil)
	r.Uniform(data.Flat())
	m.Gibbs(data, nil, 100, r) // samples of the model, as test data

	model := ais.NewRBM(m, nil)
	s := &ais.Settings{Betas: ais.Schedule(30), Seed: 1}
	est, err := ais.LogZ(model, s)
	if err != nil {
		panic(err)
	}
	rev, err := ais.ReverseLogLikelihood(model, data, s)
	if err != nil {
		panic(err)
	}
	exact, err := m.LogLikelihoodExact(data)
	if err != nil {
		panic(err)
	}
	fwd := ais.LogLikelihood(m, data, est)
	fmt.Printf("reverse %.1f <= exact %.1f <= forward %.1f\n", rev.LogLikelihood, exact, fwd)
	// Output:
	// reverse -10.2 <= exact -7.3 <= forward -6.6
}
