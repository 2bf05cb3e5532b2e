package dbn

import (
	"fmt"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

// Settings holds the hyper-parameters of greedy layer-wise training. A nil
// *Settings means all defaults.
type Settings struct {
	// Layers holds the RBM training settings of each layer: layer l uses
	// Layers[min(l, len(Layers)-1)], so one entry serves every layer. The
	// default (empty) is rbm's defaults for every layer: CD-1, learning
	// rate 0.1 (0.001 for Gaussian visible units), 10 epochs per layer
	// (Hinton & Salakhutdinov's code runs 50). A layer's own Recorder, if
	// any, is called before this Settings' Recorder.
	Layers []rbm.Settings
	// SampleUp makes the data of layer l a binary sample of layer l's
	// units given the layer below (drawn once per layer), instead of the
	// probabilities passed up as is (the default, the usual practice).
	SampleUp bool
	// Recorder, if not nil, receives the statistics of every epoch of
	// every layer; a non-nil error from it stops training.
	Recorder Recorder
}

// layer returns the rbm settings of layer l.
func (s *Settings) layer(l int) rbm.Settings {
	if s == nil || len(s.Layers) == 0 {
		return rbm.Settings{}
	}
	return s.Layers[min(l, len(s.Layers)-1)]
}

// EpochStats are the statistics of one epoch of training one layer.
type EpochStats struct {
	Layer int // 0-based index of the RBM being trained
	rbm.EpochStats
}

// Recorder receives the statistics of each epoch of greedy training.
type Recorder interface {
	Record(EpochStats) error
}

// RecorderFunc lets a function be a Recorder.
type RecorderFunc func(EpochStats) error

// Record calls f(s).
func (f RecorderFunc) Record(s EpochStats) error { return f(s) }

// GreedyState is what a GreedyTrainer must save to resume between
// layers.
type GreedyState struct {
	// Done is the number of layers trained: Layers[0:Done] are final.
	Done int
	// Seed is the base seed: layer l's initialisation and training
	// streams are derived from (Seed, l) alone.
	Seed uint64
}

// GreedyTrainer trains a DBN one layer at a time. To resume after layers
// were saved, make a trainer for the saved DBN and set State to the saved
// state: training continues with layer State.Done, whose input is
// recomputed by passing the data up through the trained layers.
type GreedyTrainer struct {
	DBN      *DBN
	Settings *Settings
	State    GreedyState

	input    *mat32.Dense // the input of layer inputFor for data src, or nil
	inputFor int
	src      *mat32.Dense
}

// NewGreedyTrainer returns a trainer for d with settings s (nil means
// defaults), drawing its base seed from r.
func NewGreedyTrainer(d *DBN, s *Settings, r *rng.Stream) *GreedyTrainer {
	d.check()
	return &GreedyTrainer{DBN: d, Settings: s, State: GreedyState{Seed: r.Uint64()}}
}

// Input returns the training data of layer l (N, nv_l): data (N,
// Visible()) passed up through layers < l (probabilities, or a sample
// with SampleUp), with the one-hot labels (N) appended for a top RBM with
// label units. It reuses the input of the layer trained last if data is the
// same *mat32.Dense.
func (g *GreedyTrainer) Input(l int, data *mat32.Dense, labels []int) *mat32.Dense {
	d := g.DBN
	sample := g.Settings != nil && g.Settings.SampleUp
	var x *mat32.Dense
	switch {
	case l == 0:
		x = data
	case g.input != nil && g.inputFor == l-1 && g.src == data:
		x = mat32.NewDense(data.Rows, d.Layers[l-1].W.Cols, nil)
		recogUp(d.Layers[l-1], x, g.input, nil)
		if sample {
			rng.Derive(g.State.Seed, uint64(3*l+2)).BernoulliDense(x, x)
		}
	default:
		x = data
		for k := 0; k < l; k++ {
			y := mat32.NewDense(data.Rows, d.Layers[k].W.Cols, nil)
			recogUp(d.Layers[k], y, x, nil)
			if sample {
				rng.Derive(g.State.Seed, uint64(3*(k+1)+2)).BernoulliDense(y, y)
			}
			x = y
		}
	}
	if l == len(d.Layers)-1 && d.Labels > 0 {
		p := x.Cols
		y := mat32.NewDense(x.Rows, p+d.Labels, nil)
		for i := 0; i < x.Rows; i++ {
			row := y.Row(i)
			copy(row, x.Row(i))
			row[p+labels[i]] = 1
		}
		return y
	}
	return x
}

// Layer initialises and trains the next layer, State.Done, and then
// increments State.Done. It returns the statistics of each epoch.
func (g *GreedyTrainer) Layer(data *mat32.Dense, labels []int) ([]EpochStats, error) {
	d := g.DBN
	l := g.State.Done
	if l >= len(d.Layers) {
		return nil, fmt.Errorf("dbn: all %d layers are trained", len(d.Layers))
	}
	if err := checkInputs(d, data, labels); err != nil {
		return nil, err
	}
	x := g.Input(l, data, labels)
	m := d.Layers[l]
	m.Init(x, rng.Derive(g.State.Seed, uint64(3*l)))
	s := g.Settings.layer(l)
	var stats []EpochStats
	own := s.Recorder
	s.Recorder = rbm.RecorderFunc(func(e rbm.EpochStats) error {
		st := EpochStats{Layer: l, EpochStats: e}
		stats = append(stats, st)
		if own != nil {
			if err := own.Record(e); err != nil {
				return err
			}
		}
		if g.Settings != nil && g.Settings.Recorder != nil {
			return g.Settings.Recorder.Record(st)
		}
		return nil
	})
	if _, err := rbm.Train(m, x, &s, rng.Derive(g.State.Seed, uint64(3*l+1))); err != nil {
		return stats, fmt.Errorf("dbn: layer %d: %w", l, err)
	}
	g.input, g.inputFor, g.src = x, l, data
	if l == len(d.Layers)-1 && d.Labels > 0 {
		g.input = nil
	}
	g.State.Done++
	return stats, nil
}

// checkInputs returns an error if data or labels do not fit d.
func checkInputs(d *DBN, data *mat32.Dense, labels []int) error {
	if data.Cols != d.Visible() || data.Rows == 0 {
		return fmt.Errorf("dbn: data is %dx%d, the DBN has %d visible units", data.Rows, data.Cols, d.Visible())
	}
	if d.Labels > 0 {
		if len(labels) != data.Rows {
			return fmt.Errorf("dbn: %d labels for %d data rows", len(labels), data.Rows)
		}
		for i, c := range labels {
			if c < 0 || c >= d.Labels {
				return fmt.Errorf("dbn: label %d of row %d out of range [0, %d)", c, i, d.Labels)
			}
		}
	}
	return nil
}

// Result is what Greedy returns.
type Result struct {
	Stats   []EpochStats   // every epoch of every layer trained
	Trainer *GreedyTrainer // whose State says which layers are done
}

// Greedy trains the layers of d in turn from the bottom (Hinton, Osindero
// & Teh 2006): each RBM is initialised from its input as rbm.Init says and
// trained on the data passed up through the layers below it, the top one
// with the one-hot labels (N, in [0, d.Labels)) beside it if d.Labels > 0
// (labels may be nil otherwise). Training stops at the first error.
func Greedy(d *DBN, data *mat32.Dense, labels []int, s *Settings, r *rng.Stream) (*Result, error) {
	g := NewGreedyTrainer(d, s, r)
	res := &Result{Trainer: g}
	for g.State.Done < len(d.Layers) {
		st, err := g.Layer(data, labels)
		res.Stats = append(res.Stats, st...)
		if err != nil {
			return res, err
		}
	}
	return res, nil
}
