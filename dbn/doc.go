// Package dbn holds deep belief nets (Hinton, Osindero & Teh 2006): a
// stack of RBMs trained greedily one layer at a time, whose top two layers
// form an undirected associative memory (optionally with softmax label
// units beside the penultimate layer) and whose lower layers are directed,
// top-down generative connections; generation, classification by the
// labels' free energy, up-down and backprop fine-tuning, and the
// variational lower bound on log p(v).
//
// # Model
//
// A DBN with RBMs Layers[0..L-1] (layer l's hidden units are layer l+1's
// visible units) defines
//
//	p(v, h_1, ..., h_{L-1}) = prod_{l<L-1} p(h_l | h_{l+1}) · p_top(h_{L-1})
//
// with h_0 = v, the directed conditionals p(h_l = 1 | h_{l+1}) =
// sigmoid(a_l + h_{l+1} W_l^T) (Gaussian units: N(a + s ⊙ h W^T, s^2))
// and p_top the top RBM's marginal on its visible layer, the labels summed
// out when there are any. After greedy training the generative weights
// are the RBMs' own (W_l^T, VBias); UpDown unties them into Gen.
// Recognition is the factorial Q(h_{l+1} = 1 | h_l) = sigmoid(b_l + h_l W_l).
//
// # Greedy training
//
// Greedy (or a GreedyTrainer, one layer at a time, resumable from its
// GreedyState) initialises each RBM from its input with rbm.Init and trains
// it with rbm.Train; layer l's input is the data passed up through layers
// < l as probabilities (or, with Settings.SampleUp, a binary sample), with
// the one-hot labels appended for the top. Settings.Layers gives each
// layer's rbm.Settings (one entry serves all; the default is rbm's: CD-1,
// 10 epochs per layer, where Hinton & Salakhutdinov ran 50).
//
// # The bound
//
// For any Q, Jensen's inequality gives (Hinton et al. 2006; Salakhutdinov
// & Murray 2008)
//
//	log p(v) >= E_Q[ sum_{l<L-1} log p(h_l | h_{l+1}) + log p*_top(h_{L-1}) - log Q(h | v) ] - log Z_top
//
// where p*_top(x) = sum_{c,h} exp(-E_top([x, c], h)). Bound estimates the
// expectation by sampling, BoundExact enumerates it for small models;
// log Z_top comes from ais.LogZ or rbm's LogZExact. If a second layer is
// initialised as the transpose of the first (W_2 = W_1^T, a_2 = b_1,
// b_2 = a_1), p*_2 is the first RBM's unnormalised marginal on h_1, Z_2 =
// Z_1 and Q is the exact posterior, so the bound equals the first RBM's
// log-likelihood; training layer 2 to raise E_Q log p_2(h_1) (on samples
// of Q) with Q fixed raises the bound. The tests check both.
//
// # Classification and generation
//
// LabelLogProbs computes, after a mean-field up pass to the penultimate
// layer x, the top RBM's exact label conditional
//
//	log p(c | x) = -F([x, e_c]) - log sum_c' exp(-F([x, e_c'])),
//	-F([x, e_c]) = a·x + a_c + sum_j softplus(b_j + (x W)_j + W_cj),
//
// and Classify picks the class of lowest free energy. LabelLogProbsSampled
// averages log p(c | x) over stochastic up passes instead, each drawing
// binary states of every hidden layer, as Hinton, Osindero & Teh (2006)
// classify. Sample and Frames run
// block Gibbs sampling in the top RBM (labels clamped if asked) and then
// one down pass through the generative weights; Frames returns snapshots
// of the visible means as the chain runs.
//
// # Fine-tuning
//
// UpDown is the up-down algorithm (appendix B of Hinton et al. 2006): a
// wake pass of sampled states up the recognition weights trains the
// generative weights, CD-K trains the top RBM on [penultimate | labels], a
// sleep pass down the generative weights from the top chain trains the
// recognition weights. ToMLP copies the recognition weights into an
// nn.MLP with a softmax output (from the label weights when present) for
// backprop with nn.Train.
//
// Parameters are float32, log-probabilities float64. Wrong shapes panic
// with a message starting with "dbn:"; data that does not fit returns an
// error.
package dbn
