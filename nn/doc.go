// Package nn is the small feed-forward machinery that backpropagation
// needs: dense layers, sigmoid / ReLU / identity activations, a softmax
// output fused with the cross-entropy loss, and mini-batch stochastic
// gradient descent with momentum and weight decay. It turns a stack of
// pre-trained RBMs (a DBN or a DBM) into a classifier that is fine-tuned end
// to end, and runs unrolled inference networks.
//
// # Layers
//
// A Dense layer computes y = act(x W + b), rows being examples:
//
//	x is (B, in), W is (in, out), b is (out); y is (B, out)
//
// W has the orientation of an RBM's weights (nv, nh), so a trained RBM's W
// and HBias are a sigmoid layer's W and B as they are (see FromLayers).
// Forward(y, x) computes the output; Backward(dx, dy, x, y) turns the
// gradient dy of a loss with respect to y into the gradient with respect
// to x and adds the gradients with respect to W and b to the accumulators
// DW and DB (BackwardZ starts from the gradient with respect to z = x W + b
// instead). An output layer is differentiated together with its loss: for
// a Softmax output and the mean cross-entropy of labels, or a Sigmoid
// output and the binary cross-entropy of targets t in [0, 1], the gradient
// with respect to z is (y - t)/B, which SoftmaxCrossEntropy and
// SigmoidCrossEntropy write.
//
// # Networks and training
//
// An MLP is a stack of layers with the buffers of a forward and a backward
// pass (allocated once for the largest batch seen). Forward, Backward (the
// mean cross-entropy and its gradient), BackwardFrom (any loss, given its
// gradient at the output), Loss, Predict and ErrorRate work on row-major
// mat32.Dense batches. Train (or a Trainer, one Epoch at a time)
// runs SGD with momentum on shuffled mini-batches, reporting per-epoch
// statistics to a Recorder; it allocates nothing per mini-batch and does
// every product with mat32.Gemm.
//
// # Dropout and max-norm
//
// Settings.Dropout and Settings.InputDropout train with dropout
// (Hinton et al. 2012; Srivastava et al. 2014): for every mini-batch each
// hidden unit (and each input) is dropped with the given probability p and
// the kept ones are scaled by 1/(1-p), "inverted dropout", so the expected
// input of every layer is that of the full network and the trained MLP is
// used as it is: Forward, Predict, Loss and ErrorRate never drop anything.
// The masks are drawn by the calling goroutine from the epoch's stream, so
// results do not depend on Workers and a resumed Trainer repeats them.
// Settings.MaxNorm bounds the L2 norm of every hidden unit's incoming
// weight vector (a column of W) after each update.
//
// # Numbers
//
// Parameters, activations and gradients are float32; losses are float64.
// The tests check every gradient against central finite differences of the
// same computation done in float64. Wrong shapes panic with a message
// starting with "nn:"; labels out of range in Train are returned as errors.
package nn
