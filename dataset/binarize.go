package dataset

import (
	"runtime"
	"sync"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// DefaultBinarizeSeed is the seed of the stochastic binarization when none
// is given. With it, binarized MNIST is the same on every run and machine.
const DefaultBinarizeSeed = 1

// binarizeBlock is the number of rows that share one random stream in
// BinarizeStochastic, so that the result does not depend on the number of
// goroutines.
const binarizeBlock = 256

// Threshold sets every element of x to 1 if it is greater than t, else to 0.
// With t = 0.5 on MNIST this is "pixel > 127".
func Threshold(x *mat32.Dense, t float32) {
	for i := 0; i < x.Rows; i++ {
		row := x.Row(i)
		for j, v := range row {
			if v > t {
				row[j] = 1
			} else {
				row[j] = 0
			}
		}
	}
}

// BinarizeStochastic replaces every element p of x (an intensity in [0, 1])
// by a single Bernoulli(p) draw: 1 with probability p, else 0. This is the
// "binarized MNIST" of Salakhutdinov & Murray (2008). The draws depend only
// on seed and the shape of x, not on the number of goroutines: rows are cut
// into blocks of 256, and block b draws from the b-th stream of
// rng.New(seed).Split(blocks), row by row, element by element, each
// element 1 if Float32() < p.
func BinarizeStochastic(x *mat32.Dense, seed uint64) {
	nb := (x.Rows + binarizeBlock - 1) / binarizeBlock
	if nb == 0 {
		return
	}
	streams := rng.New(seed).Split(nb)
	workers := min(runtime.GOMAXPROCS(0), nb)
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var view mat32.Dense
			for {
				mu.Lock()
				b := next
				next++
				mu.Unlock()
				if b >= nb {
					return
				}
				x.SliceInto(&view, b*binarizeBlock, min((b+1)*binarizeBlock, x.Rows), 0, x.Cols)
				streams[b].BernoulliDense(&view, &view)
			}
		}()
	}
	wg.Wait()
}

// SplitSeed returns the seed with which Open binarizes the given split of
// a named data set: the first output of rng.New(seed) for "train", the
// second for "test", so that the two splits are binarized independently
// from one user seed.
func SplitSeed(seed uint64, split string) uint64 {
	r := rng.New(seed)
	s := r.Uint64()
	if split == "test" {
		s = r.Uint64()
	}
	return s
}
