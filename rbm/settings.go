package rbm

import (
	"fmt"
	"runtime"
	"time"

	"github.com/belief-ml/belief/mat32"
)

// Method is the way the negative (model) statistics of the gradient are
// estimated.
type Method int

const (
	// CD is contrastive divergence: K Gibbs steps started at the data.
	CD Method = iota
	// PCD is persistent contrastive divergence: K Gibbs steps on Chains
	// persistent chains that are never reset.
	PCD
	// PT is parallel tempering: Chains persistent chains at each of the
	// inverse Temperatures, with Metropolis swaps between neighbours after
	// every Gibbs sweep; the chains at inverse temperature 1 give the
	// statistics.
	PT
)

func (m Method) String() string {
	switch m {
	case CD:
		return "cd"
	case PCD:
		return "pcd"
	case PT:
		return "pt"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// ExactMode says when training computes the exact log-likelihood.
type ExactMode int

const (
	// ExactAuto computes it when ExactCost is at most 2^22 (for example
	// 784 visible and up to 12 hidden units, or 16 and 16), about 0.1 s.
	ExactAuto ExactMode = iota
	// ExactNever never computes it.
	ExactNever
	// ExactAlways computes it whenever LogZExact can (up to MaxExactStates
	// states; 784 x 20 takes seconds per epoch).
	ExactAlways
)

const exactAutoCost = 1 << 22

// Settings holds the training hyper-parameters. The zero value of every
// field is the recipe of Hinton's "A Practical Guide to Training RBMs"
// (2010); a nil *Settings means all defaults.
type Settings struct {
	// Method is CD, PCD or PT. The default is CD.
	Method Method
	// K is the number of Gibbs steps per update (per PT sweep count).
	// The default is 1.
	K int
	// SampleVisible makes the last CD step sample the visible states
	// instead of using their probabilities, so that CD-k's expected
	// gradient tends to the exact one as k grows. The default (false)
	// uses probabilities, as the practical guide recommends: less noise,
	// but a bias that remains for every k.
	SampleVisible bool
	// LearningRate is the step size. The default is 0.1 for Bernoulli
	// visible units and 0.001 for Gaussian ones.
	LearningRate float32
	// Decay makes the learning rate of epoch e (0-based)
	// LearningRate / (1 + Decay*e). The default 0 keeps it constant.
	Decay float32
	// InitialMomentum is used for the first MomentumEpochs epochs. The
	// default is 0.5; a negative value means 0.
	InitialMomentum float32
	// Momentum is used afterwards. The default is 0.9; negative means 0.
	Momentum float32
	// MomentumEpochs is the number of epochs with InitialMomentum. The
	// default is 5; a negative value means 0.
	MomentumEpochs int
	// WeightCost is the L2 weight decay on W (not on biases). The default
	// is 0.0002; a negative value means 0.
	WeightCost float32
	// BatchSize is the number of rows per mini-batch. The default is 100
	// (at most the number of data rows). The last, partial batch of an
	// epoch is used too.
	BatchSize int
	// Epochs is the number of epochs Train runs. The default is 10.
	Epochs int
	// Chains is the number of persistent chains for PCD, and per
	// temperature for PT. The default is BatchSize.
	Chains int
	// Temperatures are the inverse temperatures of PT, starting at 1 and
	// decreasing. The default is 10 of them linearly spaced: 1, 0.9, ..., 0.1.
	Temperatures []float64
	// SparsityTarget is the desired mean activation of each hidden unit.
	// The default 0 turns the sparsity penalty off. (The guide also
	// suggests starting the hidden biases at -4 with a target.)
	SparsityTarget float32
	// SparsityCost weighs the penalty (q - target) added to the gradient of
	// the hidden biases and, times the mean visible activity, of W. The
	// default is 0.01.
	SparsityCost float32
	// SparsityDecay is the decay of the running mean q of the hidden
	// activations. The default is 0.9.
	SparsityDecay float32
	// Validation (B, nv), if not nil, is held-out data for the
	// free-energy gap and the exact validation log-likelihood.
	Validation *mat32.Dense
	// MonitorRows is the number of rows (the first ones of the training
	// and validation data) used for the reconstruction error and the
	// free-energy gap. The default is 1000; a negative value turns both off.
	MonitorRows int
	// ExactLL says when to compute the exact log-likelihood each epoch.
	// The default is ExactAuto.
	ExactLL ExactMode
	// Recorder, if not nil, receives the statistics of every epoch; a
	// non-nil error from it stops training and is returned.
	Recorder Recorder
	// Workers is the number of goroutines sharing the element-wise work
	// and sampling of a mini-batch (one random stream each, so results
	// depend on Workers but not on scheduling). The default is
	// runtime.GOMAXPROCS(0).
	Workers int
	// DenseProducts makes CD and PCD multiply by W with dense matrix
	// products even when the data are binary and mostly zeros. By default
	// (false) the trainer then forms V*W for a binary V as sums of the rows
	// of W at the ones (and the V^T*H half of the gradient likewise), which
	// is exact up to float32 rounding and, on binarized MNIST (13% ones),
	// removes most of the arithmetic; see Trainer. With products in
	// bfloat16 parts on AMX tiles (Products) the dense products are the
	// faster ones and are always used. For benchmarks.
	DenseProducts bool
	// Products chooses the arithmetic of CD's and PCD's dense products
	// (V*W, H*W^T, V^T*H). The default, ProductsAuto, is ProductsBF16 for
	// CD and ProductsFloat32 for PCD and PT; see Products.
	Products Products
}

// Products is the arithmetic of the trainer's dense matrix products.
type Products int

const (
	// ProductsAuto is ProductsBF16 for CD and ProductsFloat32 for PCD and
	// PT.
	ProductsAuto Products = iota
	// ProductsFloat32 multiplies in float32 on the AVX kernels
	// (mat32.GemmPacked).
	ProductsFloat32
	// ProductsBF16 multiplies on AMX tiles, on CPUs that have them
	// (mat32.AMX; float32 elsewhere), with every float32 operand split
	// into two bfloat16 parts (mat32.GemmBF16): each product is then
	// accurate to about 2^-16 of the sum of the magnitudes of its terms
	// instead of float32's 2^-24 per term, at two to three times the
	// speed (an epoch of CD-1 on MNIST, 784 x 500: 20% faster; binary
	// data then take the dense products, see DenseProducts). For CD it
	// changes nothing measurable: 16 hidden units, CD-1 on MNIST, 50
	// epochs, every seed of ten ended within 0.03 nats of its float32 run
	// in exact test log-likelihood. For PCD it does: the same with PCD-1
	// ended 0.8 +- 0.2 nats lower than float32 (BENCHMARKS.md), we
	// believe because the persistent chains then alternate between a
	// hidden conditional with W and a visible one with W rounded to 16
	// bits, and their slow mixing lets the mismatch add up. Free energies,
	// likelihoods and evaluation never use it.
	ProductsBF16
)

// String returns "auto", "float32" or "bf16".
func (p Products) String() string {
	switch p {
	case ProductsAuto:
		return "auto"
	case ProductsFloat32:
		return "float32"
	case ProductsBF16:
		return "bf16"
	}
	return fmt.Sprintf("Products(%d)", int(p))
}

// bf16 reports whether products p run in bfloat16 parts for method m
// (when the CPU has AMX).
func (p Products) bf16(m Method) bool {
	return p == ProductsBF16 || p == ProductsAuto && m == CD
}

// resolve returns a copy of s with defaults filled in for model m and n
// data rows.
func (s *Settings) resolve(m *RBM) Settings {
	var r Settings
	if s != nil {
		r = *s
	}
	if r.K <= 0 {
		r.K = 1
	}
	if r.LearningRate == 0 {
		r.LearningRate = 0.1
		if m.Visible == Gaussian {
			r.LearningRate = 0.001
		}
	}
	def := func(x *float32, d float32) {
		if *x == 0 {
			*x = d
		} else if *x < 0 {
			*x = 0
		}
	}
	def(&r.InitialMomentum, 0.5)
	def(&r.Momentum, 0.9)
	def(&r.WeightCost, 0.0002)
	def(&r.SparsityCost, 0.01)
	def(&r.SparsityDecay, 0.9)
	if r.MomentumEpochs == 0 {
		r.MomentumEpochs = 5
	} else if r.MomentumEpochs < 0 {
		r.MomentumEpochs = 0
	}
	if r.BatchSize <= 0 {
		r.BatchSize = 100
	}
	if r.Epochs <= 0 {
		r.Epochs = 10
	}
	if r.Chains <= 0 {
		r.Chains = r.BatchSize
	}
	if r.Method == PT && len(r.Temperatures) == 0 {
		r.Temperatures = make([]float64, 10)
		for i := range r.Temperatures {
			r.Temperatures[i] = 1 - float64(i)/10
		}
	}
	if r.Method == PT {
		t := r.Temperatures
		if t[0] != 1 {
			panic(fmt.Sprintf("rbm: PT inverse temperatures must start at 1, got %v", t))
		}
		for i := 1; i < len(t); i++ {
			if !(t[i] < t[i-1]) || t[i] < 0 || (t[i] == 0 && m.Visible == Gaussian) {
				panic(fmt.Sprintf("rbm: PT inverse temperatures must decrease, stay >= 0 (> 0 for Gaussian units), got %v", t))
			}
		}
	}
	if r.Products < ProductsAuto || r.Products > ProductsBF16 {
		panic(fmt.Sprintf("rbm: unknown %v", r.Products))
	}
	if r.MonitorRows == 0 {
		r.MonitorRows = 1000
	}
	if r.Workers <= 0 {
		r.Workers = runtime.GOMAXPROCS(0)
	}
	return r
}

// EpochStats are the statistics of one epoch of training.
type EpochStats struct {
	Epoch        int     // epochs completed, counting from 1
	LearningRate float32 // learning rate used
	Momentum     float32 // momentum used
	// ReconError is the mean squared error per row of the mean-field
	// reconstruction of the first MonitorRows training rows (NaN if off).
	ReconError float64
	// FreeEnergyGap is mean F(validation) - mean F(training) over the first
	// MonitorRows rows of each; it grows when the model overfits (NaN
	// without Validation).
	FreeEnergyGap float64
	// LogZ, ExactLL and ExactLLValid are the exact log partition function
	// and average log-likelihoods (nats per row) of the training and the
	// validation data; NaN when not computed.
	LogZ, ExactLL, ExactLLValid float64
	// SwapRates[t] is the fraction of accepted PT swaps between inverse
	// temperatures t and t+1 during the epoch; SwapProbs[t] is the mean of
	// their Metropolis acceptance probabilities min(1, exp(dBeta*dE)),
	// which SwapRates estimates. Nil unless Method is PT.
	SwapRates, SwapProbs []float64
	Duration             time.Duration
}

// Recorder receives the statistics of each epoch.
type Recorder interface {
	Record(EpochStats) error
}

// RecorderFunc lets a function be a Recorder.
type RecorderFunc func(EpochStats) error

// Record calls f(s).
func (f RecorderFunc) Record(s EpochStats) error { return f(s) }

// Result is what Train returns.
type Result struct {
	Stats   []EpochStats // one per epoch run
	Trainer *Trainer     // the trainer, whose State can be saved to resume
}
