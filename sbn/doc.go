// Package sbn holds sigmoid belief nets: directed nets of binary units,
// their ancestral sampling, exact likelihoods and posteriors for small nets,
// Gibbs sampling of the hidden units given the visible ones, recognition
// (inference) nets, importance-sampled likelihoods, learning by wake-sleep
// and reweighted wake-sleep, and the restricted Boltzmann machine unrolled
// into an infinitely deep tied-weight belief net.
//
// # The model
//
// A Net has layers x_0 (visible, n_0 units), x_1, ..., x_T (top). With
// Layers[l].W (n_{l+1}, n_l) and biases b_l = Layers[l].Bias:
//
//	p(x_T)           = prod_j sigmoid(b_Tj)^x_Tj (1 - sigmoid(b_Tj))^(1-x_Tj)
//	p(x_l | x_{l+1}) = prod_i Bernoulli(x_li; sigmoid(z_li)),  z_l = x_{l+1} W_l + b_l
//	log p(x_0..x_T)  = sum_l sum_i x_li z_li - softplus(z_li)
//
// and p(v) = sum_h p(v, h). A Recognition net has its own bottom-up weights
// R_l (n_l, n_{l+1}) and biases c_l:
//
//	q(x_{l+1} | x_l) = prod_j Bernoulli(sigmoid(x_l R_l + c_l)_j),   q(h | v) = prod_l q(x_{l+1} | x_l)
//
// # Exact answers for small nets
//
// LayerMarginals, LogProbExact, LogLikelihoodExact and PosteriorExact sum
// out the layers one at a time, top-down, by enumerating the 2^n_l states
// of each pair of adjacent layers (the work is bounded by MaxExactCost), in
// float64. PosteriorExact gives P(x_1 | v); for a two-layer net that is the
// whole posterior. They are the oracle of the tests.
//
// # Explaining away
//
// In the posterior the hidden units are not independent: the conditional
// of a unit given all the others (what Gibbs samples) involves its
// children and, through their logits, their other parents. Two causes of
// one observed effect become anti-correlated: once one is known to be on,
// the other is no longer needed to explain the effect (see the example).
// MultiInformation measures such dependence.
//
// # Likelihood
//
// Evaluate and LogProbIS estimate log p(v) by importance sampling with the
// recognition net as proposal: log (1/K) sum_k p(v, h_k)/q(h_k | v). By
// Jensen's inequality its expectation is at most log p(v); K = 1 gives the
// variational lower bound E_q[log p(v,h) - log q(h|v)], and the bound
// tightens to log p(v) as K grows. Standard errors are over the rows.
//
// # Learning
//
// Train (or a Trainer, one Epoch at a time) draws K samples h_k ~ q(h|v)
// per example, with weights w_k = p(v,h_k)/q(h_k|v) normalised to omega_k,
// and ascends
//
//	generative net:  sum_k omega_k grad log p(v, h_k)     (wake phase)
//	recognition net: sum_k omega_k grad log q(h_k | v)    (q-wake phase, K > 1)
//	                 grad log q(h | v), (v, h) ~ p         (sleep phase, on dreams)
//
// with Adam. K = 1 with sleep-phase recognition updates is the wake-sleep
// algorithm of Hinton, Dayan, Frey & Neal (1995); K > 1 is reweighted
// wake-sleep (Bornschein & Bengio 2015), whose generative update is the
// gradient of the K-sample bound. Each mini-batch is one GEMM per layer and
// direction, with the sampling and element-wise work split across workers
// by rows, one random stream each; it allocates nothing. The State (epoch,
// seed, Adam moments) is all a resumed run needs. Every epoch reports to the
// Recorder the importance-sampled log-likelihood and the K = 1 bound on a
// monitor subset, the exact log-likelihood when the net is small, and the
// time.
//
// # RBMs are infinite belief nets
//
// An RBM with weights W (nv, nh) is the same distribution over v as the
// infinitely deep directed net v <- h1 <- v2 <- h2 <- ... whose layers
// alternate P(v|h) = sigmoid(a + h W^T) and P(h|v) = sigmoid(b + v W)
// (Hinton, Osindero & Teh 2006). UnrollRBM builds the depth-K net with a
// factorial top; sampling it runs K half-steps of the RBM's Gibbs chain, so
// its visible distribution tends to the RBM's geometrically in K. The upper
// layers act as a complementary prior: in the tied net the exact posterior
// P(h1 | v) becomes the RBM's factorial P(h | v), which is why greedy
// layer-wise training can infer h1 in one bottom-up pass, while untying the
// upper weights leaves explaining away in place. UnrollCurve measures both
// exactly for small RBMs; UnrollSamples measures the mean free energy of
// depth-K samples of MNIST-size RBMs.
//
// # Shapes and numbers
//
// Rows are examples. Parameters and activations are float32; log
// probabilities, exact distributions and estimates are float64. Wrong
// shapes panic with a message starting with "sbn:"; data outside [0, 1] is
// returned as a *DataError.
package sbn
