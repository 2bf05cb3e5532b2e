package sbn

import "sync"

// pool is a small set of goroutines that run one function on worker ids
// 1..n-1 while the caller runs it as worker 0. Operations are small
// integers, so that handing one out allocates nothing.
type pool struct {
	n  int
	ch []chan int
	wg sync.WaitGroup
	fn func(w, op int)
}

func (p *pool) start(n int, fn func(w, op int)) {
	p.n, p.fn = n, fn
	p.ch = make([]chan int, n)
	for w := 1; w < n; w++ {
		p.ch[w] = make(chan int)
		go func(w int, ch chan int) {
			for op := range ch {
				fn(w, op)
				p.wg.Done()
			}
		}(w, p.ch[w])
	}
}

func (p *pool) run(op int) {
	p.wg.Add(p.n - 1)
	for w := 1; w < p.n; w++ {
		p.ch[w] <- op
	}
	p.fn(0, op)
	p.wg.Wait()
}

func (p *pool) stop() {
	for w := 1; w < p.n; w++ {
		close(p.ch[w])
	}
	p.ch = nil
}

// span returns worker w's share [lo, hi) of n items split over nw workers.
func span(w, nw, n int) (lo, hi int) {
	return w * n / nw, (w + 1) * n / nw
}
