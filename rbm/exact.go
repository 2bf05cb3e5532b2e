package rbm

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/belief-ml/belief/mat32"
)

// MaxExactStates is the largest number of states LogZExact enumerates
// (2^26): beyond it LogZExact returns ErrTooLarge.
const MaxExactStates = 1 << 26

// ErrTooLarge is returned by LogZExact and LogLikelihoodExact when neither
// layer of the model is small enough to enumerate.
var ErrTooLarge = errors.New("rbm: model too large for exact log Z")

// exactPlan says which layer LogZExact enumerates and how much work it is:
// states is the number of configurations of the enumerated layer, and cost
// is states times the size of the other layer.
func (m *RBM) exactPlan() (overHidden bool, states, cost float64) {
	nv, nh := m.Dims()
	hs := math.Ldexp(1, nh)
	vs := math.Inf(1)
	if m.Visible == Bernoulli {
		free := nv
		vs = 1
		for _, g := range m.Softmax {
			free -= g.Size
			vs *= float64(g.Size)
		}
		vs = math.Ldexp(vs, free)
	}
	hc, vc := hs*float64(nv), vs*float64(nh)
	if hc <= vc {
		return true, hs, hc
	}
	return false, vs, vc
}

// ExactCost returns the work of LogZExact (the number of states of the
// smaller layer times the size of the other) and whether it is possible
// at all (at most MaxExactStates states).
func (m *RBM) ExactCost() (cost float64, ok bool) {
	_, states, cost := m.exactPlan()
	return cost, states <= MaxExactStates
}

// LogZExact returns the log partition function log Z = log sum_{v,h}
// exp(-E(v, h)) (an integral over v for Gaussian units) by enumerating the
// states of the smaller layer and summing the other analytically, in
// float64, split across all cores. For each hidden configuration h:
//
//	Bernoulli: log sum_v exp(-E) = b·h + sum_i softplus(a_i + (W h)_i)
//	softmax:   + log sum_{i in group} exp(a_i + (W h)_i) per group
//	Gaussian:  + sum_i [log(sqrt(2 pi) s_i) + a_i (W h)_i / s_i + (W h)_i^2 / 2]
//
// and for each visible configuration v: log sum_h exp(-E) = -F(v).
// It returns ErrTooLarge if the enumerated layer has more than
// MaxExactStates states.
func (m *RBM) LogZExact() (float64, error) {
	m.check()
	overHidden, states, _ := m.exactPlan()
	if states > MaxExactStates {
		return 0, fmt.Errorf("%w: %d visible, %d hidden units", ErrTooLarge, m.W.Rows, m.W.Cols)
	}
	return m.logZ(overHidden, uint64(states)), nil
}

// LogLikelihoodExact returns the exact average log-likelihood of the rows
// of data (B, nv), -mean F(v) - log Z, in nats (a log density for Gaussian
// units). It returns ErrTooLarge like LogZExact.
func (m *RBM) LogLikelihoodExact(data *mat32.Dense) (float64, error) {
	lz, err := m.LogZExact()
	if err != nil {
		return 0, err
	}
	return -meanFreeEnergy(m, data) - lz, nil
}

func meanFreeEnergy(m *RBM, data *mat32.Dense) float64 {
	f := make([]float64, data.Rows)
	m.FreeEnergy(f, data)
	var s float64
	for _, x := range f {
		s += x
	}
	return s / float64(len(f))
}

// logZ enumerates states configurations of the hidden (overHidden) or the
// visible layer in chunks handed out to one goroutine per core; the
// per-chunk log-sum-exps are combined in chunk order, so the result does
// not depend on scheduling.
func (m *RBM) logZ(overHidden bool, states uint64) float64 {
	nv, nh := m.Dims()
	const chunk = 1024
	nchunks := int((states + chunk - 1) / chunk)
	out := make([]float64, nchunks)
	workers := min(runtime.GOMAXPROCS(0), nchunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rows := min(uint64(chunk), states)
			var conf, prod *mat32.Dense
			if overHidden {
				conf, prod = mat32.NewDense(int(rows), nh, nil), mat32.NewDense(int(rows), nv, nil)
			} else {
				conf, prod = mat32.NewDense(int(rows), nv, nil), mat32.NewDense(int(rows), nh, nil)
			}
			vals := make([]float64, rows)
			for {
				c := int(next.Add(1) - 1)
				if c >= nchunks {
					return
				}
				lo := uint64(c) * chunk
				n := int(min(chunk, states-lo))
				cv, pv := conf.Slice(0, n, 0, conf.Cols), prod.Slice(0, n, 0, prod.Cols)
				for i := 0; i < n; i++ {
					if overHidden {
						fillBits(cv.Row(i), lo+uint64(i))
					} else {
						m.fillVisible(cv.Row(i), lo+uint64(i))
					}
				}
				if overHidden {
					mat32.Gemm(false, true, 1, cv, m.W, 0, pv)
					for i := 0; i < n; i++ {
						vals[i] = mat32.Dot(m.HBias, cv.Row(i)) + m.visLogSum(pv.Row(i))
					}
				} else {
					mat32.Gemm(false, false, 1, cv, m.W, 0, pv)
					for i := 0; i < n; i++ {
						r := pv.Row(i)
						for j := range r {
							r[j] += m.HBias[j]
						}
						vals[i] = mat32.Dot(m.VBias, cv.Row(i)) + mat32.SoftplusSum(r)
					}
				}
				out[c] = mat32.LogSumExp64(vals[:n])
			}
		}()
	}
	wg.Wait()
	return mat32.LogSumExp64(out)
}

// fillBits sets row[j] to bit j of x.
func fillBits(row []float32, x uint64) {
	for j := range row {
		row[j] = float32((x >> uint(j)) & 1)
	}
}

// fillVisible sets row to visible configuration number x: the Bernoulli
// units outside groups take binary digits, each softmax group one digit in
// base Size (its one-hot position), in column order.
func (m *RBM) fillVisible(row []float32, x uint64) {
	clear(row)
	j := 0
	for _, g := range m.Softmax {
		for ; j < g.Start; j++ {
			row[j] = float32(x & 1)
			x >>= 1
		}
		row[g.Start+int(x%uint64(g.Size))] = 1
		x /= uint64(g.Size)
		j = g.Start + g.Size
	}
	for ; j < len(row); j++ {
		row[j] = float32(x & 1)
		x >>= 1
	}
}

// visLogSum returns log sum_v exp(a·v + v·x) (Bernoulli and softmax units)
// or log ∫ exp(-visTerm(v) + (v ⊘ s)·x) dv (Gaussian units) for x = W h.
// x is overwritten.
func (m *RBM) visLogSum(x []float32) float64 {
	a := m.VBias
	if m.Visible == Gaussian {
		var s float64
		for i, xi := range x {
			x64, si := float64(xi), float64(m.Sigma[i])
			s += 0.5*math.Log(2*math.Pi) + math.Log(si) + float64(a[i])*x64/si + x64*x64/2
		}
		return s
	}
	for i := range x {
		x[i] += a[i]
	}
	var s float64
	start := 0
	for _, g := range m.Softmax {
		s += mat32.SoftplusSum(x[start:g.Start])
		s += mat32.LogSumExp(x[g.Start : g.Start+g.Size])
		start = g.Start + g.Size
	}
	return s + mat32.SoftplusSum(x[start:])
}
