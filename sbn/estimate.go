package sbn

import (
	"fmt"
	"math"
	"runtime"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

// pass holds the buffers of one importance-sampling pass over up to
// cap examples with k samples each: row r = i*k + s of every matrix
// belongs to example i, sample s. Sampling and element-wise work are split
// across nw workers by row blocks, one random stream each; products are
// GEMMs. Once built, a pass allocates nothing.
type pass struct {
	n  *Net
	q  *Recognition
	k  int
	nw int

	pool    pool
	streams []*rng.Stream

	// x[l] (cap*k, n_l): states (x[0] the repeated visible rows); qz[l],
	// qp[l] (l >= 1): recognition logits and probabilities of layer l,
	// later overwritten by the weighted errors omega*(x - qp); pz[l]:
	// generative logits of layer l, later omega*(x - sigmoid(pz)).
	x, qz, qp, pz     []*mat32.Dense
	xv, qzv, qpv, pzv []mat32.Dense // views of the rows in use
	logq, logp        []float64     // per row
	omega             []float32     // per row: normalised importance weights
	lse, bound        []float64     // per example: log mean w, mean log w

	rows, m int          // rows and examples in use
	src     *mat32.Dense // examples are src rows perm[b0+i] (perm nil: b0+i)
	perm    []int
	b0      int
	layer   int
}

const (
	opGather = iota
	opQ
	opP
	opWeights
	opGenErr
	opQErr
	opDreamTop
	opDream
	opDreamQ
)

func newPass(n *Net, q *Recognition, examples, k, workers int) *pass {
	p := &pass{n: n, q: q, k: k, nw: workers}
	rows := examples * k
	L := len(n.Layers)
	p.x = make([]*mat32.Dense, L)
	p.qz = make([]*mat32.Dense, L)
	p.qp = make([]*mat32.Dense, L)
	p.pz = make([]*mat32.Dense, L)
	for l := range L {
		nl := n.size(l)
		p.x[l] = mat32.NewDense(rows, nl, nil)
		p.pz[l] = mat32.NewDense(rows, nl, nil)
		if l > 0 {
			p.qz[l] = mat32.NewDense(rows, nl, nil)
			p.qp[l] = mat32.NewDense(rows, nl, nil)
		}
	}
	p.xv, p.qzv, p.qpv, p.pzv = make([]mat32.Dense, L), make([]mat32.Dense, L), make([]mat32.Dense, L), make([]mat32.Dense, L)
	p.logq, p.logp = make([]float64, rows), make([]float64, rows)
	p.omega = make([]float32, rows)
	p.lse, p.bound = make([]float64, examples), make([]float64, examples)
	return p
}

// setRows makes the views cover m examples.
func (p *pass) setRows(m int) {
	p.m, p.rows = m, m*p.k
	for l := range p.x {
		nl := p.n.size(l)
		p.x[l].SliceInto(&p.xv[l], 0, p.rows, 0, nl)
		p.pz[l].SliceInto(&p.pzv[l], 0, p.rows, 0, nl)
		if l > 0 {
			p.qz[l].SliceInto(&p.qzv[l], 0, p.rows, 0, nl)
			p.qp[l].SliceInto(&p.qpv[l], 0, p.rows, 0, nl)
		}
	}
}

// forward samples k hidden configurations per example from q, computes
// log p(v, h) and log q(h | v) for each, the normalised weights omega and,
// per example, lse = log (1/k) sum_s w_s and bound = (1/k) sum_s log w_s.
// Call with the pool started.
func (p *pass) forward(src *mat32.Dense, perm []int, b0, m int) {
	p.src, p.perm, p.b0 = src, perm, b0
	p.setRows(m)
	p.pool.run(opGather)
	top := len(p.x) - 1
	for l := 0; l < top; l++ {
		mat32.Gemm(false, false, 1, &p.xv[l], p.q.W[l], 0, &p.qzv[l+1])
		p.layer = l + 1
		p.pool.run(opQ)
	}
	for l := 0; l < top; l++ {
		mat32.Gemm(false, false, 1, &p.xv[l+1], p.n.Layers[l].W, 0, &p.pzv[l])
	}
	p.pool.run(opP)
	p.pool.run(opWeights)
}

// work is the worker body for the pass's operations (trainer operations
// are handled by the trainer, which wraps it).
func (p *pass) work(w, op int) {
	r := p.streams[w]
	top := len(p.x) - 1
	switch op {
	case opGather:
		lo, hi := span(w, p.nw, p.m)
		for i := lo; i < hi; i++ {
			row := p.b0 + i
			if p.perm != nil {
				row = p.perm[row]
			}
			s := p.src.Row(row)
			for j := 0; j < p.k; j++ {
				copy(p.xv[0].Row(i*p.k+j), s)
			}
		}
	case opQ:
		l := p.layer
		lo, hi := span(w, p.nw, p.rows)
		b := p.q.Bias[l-1]
		for i := lo; i < hi; i++ {
			z, q, x := p.qzv[l].Row(i), p.qpv[l].Row(i), p.xv[l].Row(i)
			for j := range z {
				z[j] += b[j]
			}
			mat32.Sigmoid(q, z)
			r.Bernoulli(x, q)
			lq := bernLogProb(x, z)
			if l == 1 {
				p.logq[i] = lq
			} else {
				p.logq[i] += lq
			}
		}
	case opP:
		lo, hi := span(w, p.nw, p.rows)
		for i := lo; i < hi; i++ {
			var lp float64
			for l := 0; l <= top; l++ {
				z := p.pzv[l].Row(i)
				b := p.n.Layers[l].Bias
				if l == top {
					copy(z, b)
				} else {
					for j := range z {
						z[j] += b[j]
					}
				}
				lp += bernLogProb(p.xv[l].Row(i), z)
			}
			p.logp[i] = lp
		}
	case opWeights:
		lo, hi := span(w, p.nw, p.m)
		k := p.k
		for e := lo; e < hi; e++ {
			lw := p.logp[e*k : (e+1)*k]
			lq := p.logq[e*k : (e+1)*k]
			mx := math.Inf(-1)
			var sum float64
			for s := range lw {
				lw[s] -= lq[s] // logp becomes log w
				mx = math.Max(mx, lw[s])
				sum += lw[s]
			}
			var z float64
			for _, v := range lw {
				z += math.Exp(v - mx)
			}
			p.lse[e] = mx + math.Log(z/float64(k))
			p.bound[e] = sum / float64(k)
			for s, v := range lw {
				p.omega[e*k+s] = float32(math.Exp(v-mx) / z)
			}
		}
	}
}

// Estimate is an importance-sampled estimate of the average log-likelihood
// of a data set, with the recognition net as the proposal.
type Estimate struct {
	// LogLik is the mean over rows of log (1/K) sum_k p(v, h_k)/q(h_k | v),
	// h_k ~ q(h | v): a stochastic lower bound on log p(v) in expectation
	// (Jensen), which tightens as K grows and is exact for q = p(h | v).
	LogLik float64
	// StdErr is the standard error of LogLik over the rows (the standard
	// deviation of the per-row estimates over sqrt(rows)).
	StdErr float64
	// Bound is the mean of log p(v, h)/q(h | v) over rows and samples: an
	// unbiased estimate of the variational (K = 1) lower bound, with its
	// standard error over rows BoundStdErr.
	Bound, BoundStdErr float64
	// K is the number of samples per row.
	K int
}

// LogProbIS sets dst[r] to the importance-sampled estimate of log p(v_r)
// for each row of v (B, n_0): log (1/k) sum_k p(v, h_k) / q(h_k | v) with
// h_k drawn from the recognition net q. k = 1 gives a sample of the
// variational lower bound; the expectation never exceeds log p(v) and
// rises to it as k grows. The work is split across all cores.
func LogProbIS(dst []float64, n *Net, q *Recognition, v *mat32.Dense, k int, r *rng.Stream) {
	if len(dst) != v.Rows {
		panic(fmt.Sprintf("sbn: LogProbIS len(dst)=%d, want %d", len(dst), v.Rows))
	}
	evaluate(dst, nil, n, q, v, k, r)
}

// Evaluate returns the importance-sampled estimate of the average
// log-likelihood of the rows of data (B, n_0) with k samples per row
// (see Estimate), split across all cores.
func Evaluate(n *Net, q *Recognition, data *mat32.Dense, k int, r *rng.Stream) Estimate {
	lp := make([]float64, data.Rows)
	bd := make([]float64, data.Rows)
	evaluate(lp, bd, n, q, data, k, r)
	e := Estimate{K: k}
	e.LogLik, e.StdErr = meanStdErr(lp)
	e.Bound, e.BoundStdErr = meanStdErr(bd)
	return e
}

// meanStdErr returns the mean of x and its standard error.
func meanStdErr(x []float64) (mean, se float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	if len(x) < 2 {
		return mean, math.NaN()
	}
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x)-1) / float64(len(x)))
}

// evaluate fills lp (and bd if not nil) with the per-row log (1/k) sum w
// and mean log w.
func evaluate(lp, bd []float64, n *Net, q *Recognition, v *mat32.Dense, k int, r *rng.Stream) {
	n.check()
	q.checkFor(n)
	if k <= 0 {
		panic(fmt.Sprintf("sbn: importance sampling needs k > 0, got %d", k))
	}
	if v.Cols != n.size(0) {
		panic(fmt.Sprintf("sbn: data has %d columns, net has %d visible units", v.Cols, n.size(0)))
	}
	if v.Rows == 0 {
		return
	}
	chunk := max(1, min(v.Rows, 4096/k))
	nw := runtime.GOMAXPROCS(0)
	p := newPass(n, q, chunk, k, nw)
	p.streams = r.Split(nw)
	p.pool.start(nw, p.work)
	defer p.pool.stop()
	for b0 := 0; b0 < v.Rows; b0 += chunk {
		m := min(chunk, v.Rows-b0)
		p.forward(v, nil, b0, m)
		copy(lp[b0:b0+m], p.lse[:m])
		if bd != nil {
			copy(bd[b0:b0+m], p.bound[:m])
		}
	}
}
