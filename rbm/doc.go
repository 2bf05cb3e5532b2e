// Package rbm holds restricted Boltzmann machines: Bernoulli hidden units
// with Bernoulli, Gaussian or softmax (one-of-K) visible units; their
// conditionals, sampling, free energy and block Gibbs chains; training by
// CD-k, persistent CD and parallel tempering; and the exact log partition
// function and log-likelihood of models small enough to enumerate.
//
// # Energy functions
//
// With visible v (nv), hidden h (nh, binary), weights W (nv, nh), visible
// biases a = VBias and hidden biases b = HBias:
//
//	Bernoulli:  E(v, h) = -a·v - b·h - v^T W h,                          v in {0,1}^nv
//	softmax:    the same, with each Group of v one-hot (one of Size states)
//	Gaussian:   E(v, h) = sum_i (v_i - a_i)^2 / (2 s_i^2) - b·h - (v ⊘ s)^T W h,  v real
//
// where s = Sigma. The conditionals follow:
//
//	P(h_j = 1 | v) = sigmoid(b_j + (v W)_j)            ((v ⊘ s) W for Gaussian units)
//	P(v_i = 1 | h) = sigmoid(a_i + (W h)_i)            Bernoulli
//	P(v_g = e_k | h) = softmax_k(a_g + (W h)_g)        each softmax group g
//	v_i | h ~ N(a_i + s_i (W h)_i, s_i^2)              Gaussian
//
// and the free energy F(v) = -log sum_h exp(-E(v, h)) is
//
//	F(v) = -a·v - sum_j softplus(b_j + (v W)_j)                          (Bernoulli, softmax)
//	F(v) = sum_i (v_i-a_i)^2/(2 s_i^2) - sum_j softplus(b_j + ((v ⊘ s) W)_j)  (Gaussian)
//
// # Shapes and numbers
//
// Rows are examples: a mini-batch of visible vectors is a (B, nv)
// mat32.Dense, hidden vectors are (B, nh). Parameters and activations are
// float32; free energies, energies, log Z and log-likelihoods are float64.
// Wrong shapes panic with a message starting with "rbm:"; data that does
// not fit the visible units is returned as a *DataError naming its row and
// column.
//
// # Training
//
// Train (or a Trainer, one Epoch at a time) follows Hinton's "A Practical
// Guide to Training RBMs": the zero Settings mean CD-1, learning rate 0.1
// (0.001 for Gaussian units), momentum 0.5 for 5 epochs then 0.9, weight
// cost 0.0002, batches of 100, 10 epochs; Init sets weights from
// N(0, 0.01^2), hidden biases to 0 and visible biases to log(p/(1-p)) of
// the data. Data-driven hidden states are sampled to drive the
// reconstruction; statistics use probabilities. Each mini-batch is four
// GEMMs (positive hidden inputs, reconstruction, negative hidden inputs,
// and one product [V0; V1]^T [H0; -H1] that accumulates the weight update
// with momentum), with the element-wise work and sampling split across
// workers by row blocks, one random stream per worker; a mini-batch
// allocates nothing.
//
// When the training data are binary with few ones (binarized MNIST: 13%),
// CD and PCD form every product with a binary visible state as a sum of
// the rows of W at its ones (mat32.AddRows), and the visible half of the
// weight gradient likewise: the data's products always, and for PCD (and
// CD with SampleVisible) the negative states' too. The results are those
// of the dense products up to float32 rounding; Settings.DenseProducts
// turns it off.
//
// A Trainer's State (epoch, seed, momentum buffers, persistent chains,
// sparsity averages) is all that must be saved to resume: the random
// streams of epoch e are derived from (State.Seed, e).
//
// # Exact likelihood
//
// LogZExact enumerates the layer with fewer states (up to MaxExactStates)
// and sums the other analytically, in batches of 1024 configurations
// through GEMM, split across cores and accumulated with float64
// log-sum-exp. LogLikelihoodExact is -mean F(v) - log Z. The tests use
// these, and brute-force enumeration of both layers, as the oracle for the
// samplers and gradient estimators.
package rbm
