package ais

import (
	"fmt"
	"math"

	"github.com/belief-ml/belief/mat32"
)

// Reverse is the result of reverse annealing (RAISE): a conservative
// estimate of the mean log-likelihood of some data.
type Reverse struct {
	// LogLikelihood is the mean over the examples of PerExample, in nats
	// per example. In expectation it is at most the log-likelihood of the
	// annealing model (see ReverseLogLikelihood), which approaches the
	// model's as the schedule gets finer: a conservative estimate.
	LogLikelihood float64
	// StdErr is the standard error of LogLikelihood over the examples
	// (their sample standard deviation over sqrt(N)).
	StdErr float64
	// PerExample[i] is the estimate of log p(data_i): log of the mean of
	// exp of the ReverseRuns runs' log-weights.
	PerExample []float64
	// Runs is the number of runs per example and Betas the number of
	// inverse temperatures.
	Runs, Betas int
}

// ReverseLogLikelihood estimates the log-likelihood of each row of data
// (N, model's visible units) under m's target by reverse annealing
// (RAISE: Burda, Grosse & Salakhutdinov, "Accurate and conservative
// estimates of MRF log-likelihood using reverse annealing", AISTATS
// 2015). m's states must implement DataState.
//
// Each chain starts at an example v = x_K and anneals from the target
// back to the base: x_(k-1) ~ T_k(x_(k-1) | x_k) for k = K, ..., 1. With
// reversible transitions this is the exact reversal of the forward AIS
// chain x_0 ~ p_0, x_k ~ T_k(x_k | x_(k-1)), whose last state x_K has the
// marginal p_ann(v), the "annealing model". The weight
//
//	w = f_1(v) / Z_0 · prod_{k=1..K} f_(k-1)(x_(k-1)) / f_k(x_(k-1))
//
// has E[w] = p_ann(v) exactly, so E[log w] <= log p_ann(v) (Jensen): a
// stochastic lower bound on the annealing model's log-likelihood. p_ann
// tends to the target p as the schedule gets finer; for short schedules it
// is a blurred, worse model, which makes the estimate more conservative
// still. Together with a forward estimate (LogZ, whose log-likelihood
// tends to be too high) it brackets the true value.
//
// The examples are processed in batches of Runs chains (ReverseRuns per
// example), each batch through the whole schedule: every batch costs as
// much as one LogZ, so with the defaults 10,000 test examples cost 100
// times one estimate of log Z. A random subset of the test set is often
// enough (StdErr says how precise the mean is).
func ReverseLogLikelihood(m Model, data *mat32.Dense, s *Settings) (Reverse, error) {
	r, err := s.resolve()
	if err != nil {
		return Reverse{}, err
	}
	n := data.Rows
	if n == 0 {
		return Reverse{}, fmt.Errorf("ais: ReverseLogLikelihood: no data")
	}
	per := max(1, r.runs/r.reverseRuns) // examples per batch
	per = min(per, n)
	chains := per * r.reverseRuns
	st, ok := m.NewState(chains).(DataState)
	if !ok {
		return Reverse{}, fmt.Errorf("ais: ReverseLogLikelihood: the model's State (%T) does not implement DataState", m.NewState(1))
	}
	k := len(r.betas) - 1
	nbatch := (n + per - 1) / per
	p := newProgress(r.progress, nbatch*k)
	lz0 := m.LogZBase()
	batch := mat32.NewDense(chains, data.Cols, nil)
	logw := make([]float64, chains)
	res := Reverse{PerExample: make([]float64, n), Runs: r.reverseRuns, Betas: len(r.betas)}
	for bi := 0; bi < nbatch; bi++ {
		lo := bi * per
		hi := min(lo+per, n)
		rows := (hi - lo) * r.reverseRuns
		bv := batch.Slice(0, rows, 0, data.Cols)
		for i := 0; i < rows; i++ {
			copy(bv.Row(i), data.Row(lo+i/r.reverseRuns))
		}
		if rows < chains {
			// A short last batch: fill the spare chains with the
			// first example and ignore them.
			for i := rows; i < chains; i++ {
				copy(batch.Row(i), data.Row(lo))
			}
		}
		// Each batch draws from its own family of streams.
		b := NewBlocks(chains, r.seed^(uint64(bi+1)*0x9e3779b97f4a7c15), r.workers)
		clear(logw)
		st.SetData(logw, batch, b)
		// T_K first, then for k = K..1 the increment log f_(k-1) - log f_k
		// at the state after T_k, followed by T_(k-1).
		st.Step(logw, 1, 1, true, b)
		for i := k; i >= 1; i-- {
			st.Step(logw, r.betas[i], r.betas[i-1], i > 1, b)
			p.step(bi*k + (k - i + 1))
		}
		b.Close()
		for e := lo; e < hi; e++ {
			w := logw[(e-lo)*r.reverseRuns : (e-lo+1)*r.reverseRuns]
			res.PerExample[e] = mat32.LogSumExp64(w) - math.Log(float64(len(w))) - lz0
		}
	}
	var sum float64
	for _, v := range res.PerExample {
		sum += v
	}
	res.LogLikelihood = sum / float64(n)
	if n > 1 {
		var ss float64
		for _, v := range res.PerExample {
			d := v - res.LogLikelihood
			ss += d * d
		}
		res.StdErr = math.Sqrt(ss / float64(n-1) / float64(n))
	}
	if math.IsNaN(res.LogLikelihood) || math.IsInf(res.LogLikelihood, 0) {
		return res, ErrNonFinite
	}
	return res, nil
}
