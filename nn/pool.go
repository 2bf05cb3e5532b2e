package nn

import "sync"

// pool runs one function on worker ids 1..n-1 in goroutines that live
// between start and stop, while the caller runs it as worker 0; run
// allocates nothing.
type pool struct {
	n  int
	fn func(w int)
	ch []chan struct{}
	wg sync.WaitGroup
}

func (p *pool) start(n int, fn func(w int)) {
	p.n, p.fn = n, fn
	p.ch = make([]chan struct{}, n)
	for w := 1; w < n; w++ {
		p.ch[w] = make(chan struct{})
		go func(w int, ch chan struct{}) {
			for range ch {
				fn(w)
				p.wg.Done()
			}
		}(w, p.ch[w])
	}
}

// run calls fn(w) for every worker w and waits for all of them.
func (p *pool) run() {
	p.wg.Add(p.n - 1)
	for w := 1; w < p.n; w++ {
		p.ch[w] <- struct{}{}
	}
	p.fn(0)
	p.wg.Wait()
}

func (p *pool) stop() {
	for w := 1; w < p.n; w++ {
		close(p.ch[w])
	}
	p.ch = nil
}
