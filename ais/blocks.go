package ais

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/belief-ml/belief/rng"
)

// BlockRows is the number of chains (rows) in each block of a Blocks.
// Blocks are fixed by the number of chains alone, so that results depend
// on the seed and not on the number of workers.
const BlockRows = 4

// BlockFunc is the work done on the rows [lo, hi) of a block, drawing its
// random numbers from r, the block's own stream.
type BlockFunc func(lo, hi int, r *rng.Stream)

// Blocks splits n chains into fixed blocks of BlockRows rows, each with its
// own random stream, and runs work on all blocks in parallel on a pool of
// worker goroutines. A State does its element-wise work and sampling
// through Run; its matrix products (mat32.Gemm) it calls directly, on all
// rows at once, from the goroutine that called the State's method (Gemm
// is parallel itself).
//
// Because block i always draws from stream i, the random draws do not
// depend on the number of workers or on scheduling. Run does not
// allocate: a State should create its BlockFunc values (method values)
// once, when it is made, and pass parameters through its own fields.
type Blocks struct {
	n       int
	streams []*rng.Stream
	workers int

	fn    BlockFunc
	next  atomic.Int64
	wg    sync.WaitGroup
	start chan struct{}
}

// NewBlocks returns Blocks for n chains whose block i draws from
// rng.Derive(seed, i), run by the given number of goroutines (0 means
// runtime.GOMAXPROCS(0)). Call Close when done.
func NewBlocks(n int, seed uint64, workers int) *Blocks {
	if n < 0 {
		panic(fmt.Sprintf("ais: NewBlocks(%d): negative number of chains", n))
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	nb := (n + BlockRows - 1) / BlockRows
	b := &Blocks{n: n, streams: make([]*rng.Stream, nb), workers: max(1, min(workers, nb))}
	for i := range b.streams {
		b.streams[i] = rng.Derive(seed, uint64(i))
	}
	b.start = make(chan struct{})
	for w := 1; w < b.workers; w++ {
		go func() {
			for range b.start {
				b.work()
				b.wg.Done()
			}
		}()
	}
	return b
}

// Len returns the number of chains.
func (b *Blocks) Len() int { return b.n }

// Run calls fn(lo, hi, r) once for each block of rows [lo, hi), with the
// block's stream r, in parallel, and returns when all calls have returned.
func (b *Blocks) Run(fn BlockFunc) {
	b.fn = fn
	b.next.Store(0)
	b.wg.Add(b.workers - 1)
	for w := 1; w < b.workers; w++ {
		b.start <- struct{}{}
	}
	b.work()
	b.wg.Wait()
	b.fn = nil
}

func (b *Blocks) work() {
	for {
		i := int(b.next.Add(1) - 1)
		if i >= len(b.streams) {
			return
		}
		lo := i * BlockRows
		b.fn(lo, min(lo+BlockRows, b.n), b.streams[i])
	}
}

// Close stops the worker goroutines. b must not be used afterwards.
func (b *Blocks) Close() { close(b.start) }
