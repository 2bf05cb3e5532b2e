package rng_test

import (
	"fmt"
	"sync"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// Each goroutine draws from its own stream, derived from one seed and the
// goroutine's index, so the results do not depend on the scheduling.
func Example() {
	const seed, workers = 42, 4
	p := mat32.NewDense(100, 500, nil) // probabilities, e.g. P(h=1|v)
	for i := range p.Data {
		p.Data[i] = 0.25
	}
	h := mat32.NewDense(100, 500, nil) // the sample
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := rng.Derive(seed, uint64(w))
			rows := p.Rows / workers
			s.BernoulliDense(h.Slice(w*rows, (w+1)*rows, 0, h.Cols), p.Slice(w*rows, (w+1)*rows, 0, p.Cols))
		}()
	}
	wg.Wait()

	var ones float32
	for _, v := range h.Data {
		ones += v
	}
	fmt.Printf("fraction of ones: %.2f\n", ones/float32(len(h.Data)))
	// Output: fraction of ones: 0.25
}

func ExampleStream_Normal() {
	s := rng.New(1)
	x := make([]float32, 100000)
	s.Normal(x, 3, 2)
	var sum float64
	for _, v := range x {
		sum += float64(v)
	}
	fmt.Printf("mean %.1f\n", sum/float64(len(x)))
	// Output: mean 3.0
}

// Checkpoint a stream and resume it later with the same draws.
func ExampleStream_MarshalBinary() {
	s := rng.New(7)
	saved, _ := s.MarshalBinary()
	a := s.Uint64()

	var resumed rng.Stream
	if err := resumed.UnmarshalBinary(saved); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resumed.Uint64() == a)
	// Output: true
}
