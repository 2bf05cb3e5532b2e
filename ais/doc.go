// Package ais estimates partition functions and log-likelihoods by
// annealed importance sampling (AIS, Neal 2001), forwards from a base
// distribution to the model, and backwards from the data (RAISE, Burda,
// Grosse & Salakhutdinov 2015), so that the true log-likelihood is
// bracketed.
//
// # What AIS estimates
//
// A Model is a path of unnormalised distributions f_β, 0 <= β <= 1, from a
// base p_0 whose log Z_0 is known and which can be sampled exactly, to the
// target p_1 = f_1 / Z. LogZ starts Runs chains at draws x_0 from p_0 and
// moves each through the inverse temperatures β_1 < ... < β_K = 1, with one
// Markov transition leaving p_βk invariant at each intermediate β. The
// importance weight of a run,
//
//	w = Z_0 · prod_{k=1..K} f_βk(x_(k-1)) / f_β(k-1)(x_(k-1)),
//
// is an unbiased estimate of Z, whatever the schedule. The mean weight is
// reported as Estimate.LogZ (in logs), with an interval: log(mean ∓ 3 s.e.)
// where s.e. is the standard error of the mean weight, computed in the
// linear domain relative to the largest weight. When the weights are very
// uneven the lower end can reach zero; Low is then -Inf. Estimate.ESS,
// the effective sample size (sum w)^2 / sum w^2, says how many runs really
// count: far below Runs, the interval itself is unreliable.
//
// # Which side of the truth
//
// Because E[mean w] = Z and log is concave, E[log mean w] <= log Z
// (Jensen): AIS tends to under-estimate log Z, and badly so when the
// schedule is too short or the chains mix poorly (the runs that would
// find the missing modes are the rare ones). A log-likelihood computed
// with it, LogLikelihood = -mean F(v) - LogZ, therefore tends to be too
// high: the forward number is optimistic.
//
// ReverseLogLikelihood starts chains at the data and anneals back to the
// base. Its weight per example is an unbiased estimate of p_ann(v), the
// likelihood of the "annealing model" whose samples are the end states of
// forward AIS chains; so E[log] <= log p_ann(v), again by Jensen, and
// p_ann approaches the model as the schedule gets finer (for short
// schedules it is a worse, blurred model). The reverse number is
// conservative: in expectation at most the log-likelihood of p_ann. The
// true mean log-likelihood lies, up to the noise both carry, between
//
//	Reverse.LogLikelihood  <=  true  <=  LogLikelihood(m, data, est)
//
// and the gap between them shows how far the annealing is from converged.
//
// # Defaults
//
// The zero Settings are Salakhutdinov & Murray's (ICML 2008): 100 runs
// and their 14,501 inverse temperatures 0:0.001:0.5, 0.5:0.0001:0.9,
// 0.9:0.00001:1 (SMSchedule; Schedule(n) spaces n temperatures the same
// way), starting from the base-rate model: an RBM with zero weights and
// hidden biases whose visible biases are the log-odds of the training
// data's pixel means (BaseRate). For an RBM the path is theirs:
//
//	f_β(v) = exp((1-β) a0·v + β a·v) · prod_j (1 + exp(β (b_j + (v W)_j)))
//
// # Speed and parallelism
//
// All runs form one batch: for a 784-500 RBM each step is one GEMM of the
// (100, 784) visible states with [W | a-a0] for the hidden inputs and the
// visible part of the increment, the element-wise work, one GEMM (100, 500)
// x (500, 784) for the visible inputs and the sampling. mat32.Gemm is
// parallel by itself; the element-wise work and the sampling are split by
// Blocks into fixed blocks of BlockRows rows, block i drawing from its own
// stream rng.Derive(seed, i), so results depend on the seed and not on
// the number of workers. A step allocates nothing.
//
// # Implementing Model
//
// A Model gives its base's log Z_0 and makes States. A State holds n
// chains and does two things: SampleBase (exact draws from p_0) and Step
// (add log f_to - log f_from of the current states to the log-weights,
// then optionally a transition at β = to). For reverse annealing its
// transitions must be reversible and it must implement DataState, to
// start at data. RBM implements these for rbm.RBM with Bernoulli, softmax
// and Gaussian visible units; deep models (DBN top layers, DBMs) can keep
// hidden layers in their State.
package ais
