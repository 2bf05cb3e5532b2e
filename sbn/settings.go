package sbn

import (
	"fmt"
	"runtime"
	"time"

	"github.com/belief-ml/belief/mat32"
)

// QUpdate says how the recognition net is trained.
type QUpdate int

const (
	// QAuto is QSleep when K = 1 (classic wake-sleep) and QBoth when K > 1
	// (Bornschein & Bengio found wake+sleep updates of q best).
	QAuto QUpdate = iota
	// QSleep trains q on dreams: samples (h, v) from the generative model,
	// maximising log q(h | v) (the sleep phase of wake-sleep).
	QSleep
	// QWake trains q on the data: the importance-weighted gradient
	// sum_k omega_k grad log q(h_k | v) (reweighted wake-sleep's q-wake
	// update, useless for K = 1 whose expectation is zero).
	QWake
	// QBoth adds the q-wake and the sleep gradients.
	QBoth
)

func (u QUpdate) String() string {
	switch u {
	case QAuto:
		return "auto"
	case QSleep:
		return "sleep"
	case QWake:
		return "wake"
	case QBoth:
		return "wake+sleep"
	}
	return fmt.Sprintf("QUpdate(%d)", int(u))
}

// ExactMode says when training computes the exact log-likelihood.
type ExactMode int

const (
	// ExactAuto computes it when ExactCost is at most 2^22 (about 0.01 s
	// per 1000 rows for the smallest nets).
	ExactAuto ExactMode = iota
	// ExactNever never computes it.
	ExactNever
	// ExactAlways computes it whenever it is possible (see MaxExactCost).
	ExactAlways
)

const exactAutoCost = 1 << 22

// Settings holds the training hyper-parameters; the zero value of every
// field means its default, and a nil *Settings means all defaults:
// classic wake-sleep (K = 1, sleep-phase q updates) with Adam.
type Settings struct {
	// K is the number of importance samples per example in the wake phase.
	// The default is 1: wake-sleep (Hinton, Dayan, Frey & Neal 1995). K > 1
	// is reweighted wake-sleep (Bornschein & Bengio 2015), whose wake
	// gradient of the generative model, sum_k omega_k grad log p(v, h_k)
	// with omega_k the normalised weights p(v,h_k)/q(h_k|v), is the
	// gradient of the K-sample importance-weighted bound.
	K int
	// Q says how the recognition net is trained. The default QAuto is
	// QSleep for K = 1 and QBoth for K > 1.
	Q QUpdate
	// LearningRate is Adam's step size. The default is 0.001.
	LearningRate float32
	// Beta1 and Beta2 are Adam's moment decays. The defaults are 0.9 and
	// 0.999; Adam's epsilon is 1e-8.
	Beta1, Beta2 float32
	// WeightCost is an L2 penalty on the weights of both nets (not on the
	// biases). The default is 0 (none).
	WeightCost float32
	// BatchSize is the number of examples per mini-batch (each with K
	// samples). The default is 100, at most the number of data rows; the
	// last, partial batch of an epoch is used too.
	BatchSize int
	// Epochs is the number of epochs Train runs. The default is 10.
	Epochs int
	// MonitorRows is the number of rows (the first ones of the training and
	// validation data) on which the log-likelihood and bound are estimated
	// after each epoch. The default is 1000; a negative value turns it off.
	MonitorRows int
	// MonitorK is the number of importance samples of that estimate. The
	// default is 100.
	MonitorK int
	// Validation (B, n_0), if not nil, is held-out data monitored like the
	// training data.
	Validation *mat32.Dense
	// ExactLL says when to compute the exact log-likelihood of the
	// training and validation data each epoch. The default is ExactAuto.
	ExactLL ExactMode
	// Recorder, if not nil, receives the statistics of every epoch; a
	// non-nil error from it stops training and is returned.
	Recorder Recorder
	// Workers is the number of goroutines sharing the sampling and
	// element-wise work of a mini-batch (one random stream each, so results
	// depend on Workers but not on scheduling). The default is
	// runtime.GOMAXPROCS(0).
	Workers int
}

// resolve returns a copy of s with the defaults filled in.
func (s *Settings) resolve() Settings {
	var r Settings
	if s != nil {
		r = *s
	}
	if r.K <= 0 {
		r.K = 1
	}
	if r.Q == QAuto {
		r.Q = QSleep
		if r.K > 1 {
			r.Q = QBoth
		}
	}
	if r.LearningRate <= 0 {
		r.LearningRate = 0.001
	}
	if r.Beta1 <= 0 {
		r.Beta1 = 0.9
	}
	if r.Beta2 <= 0 {
		r.Beta2 = 0.999
	}
	if r.WeightCost < 0 {
		r.WeightCost = 0
	}
	if r.BatchSize <= 0 {
		r.BatchSize = 100
	}
	if r.Epochs <= 0 {
		r.Epochs = 10
	}
	if r.MonitorRows == 0 {
		r.MonitorRows = 1000
	}
	if r.MonitorK <= 0 {
		r.MonitorK = 100
	}
	if r.Workers <= 0 {
		r.Workers = runtime.GOMAXPROCS(0)
	}
	return r
}

// EpochStats are the statistics of one epoch of training. Log-likelihoods
// are in nats per row; values not computed are NaN.
type EpochStats struct {
	Epoch int // epochs completed, counting from 1
	// TrainBound is the mean over the epoch's mini-batches of the K-sample
	// importance-weighted bound log (1/K) sum_k w_k, measured on the fly
	// (with the parameters of the moment).
	TrainBound float64
	// LogLik (with StdErr) is the MonitorK-sample importance-sampled
	// estimate of the log-likelihood of the first MonitorRows training
	// rows, and Bound (with BoundStdErr) the K = 1 variational bound on
	// them.
	LogLik, StdErr, Bound, BoundStdErr float64
	// ValidLogLik, ValidStdErr, ValidBound: the same on the validation rows.
	ValidLogLik, ValidStdErr, ValidBound float64
	// ExactLL and ExactLLValid are the exact log-likelihoods of all the
	// training and validation rows (see ExactMode).
	ExactLL, ExactLLValid float64
	Duration              time.Duration
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
