package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/belief-ml/belief/dataset"
	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/modelfile"
	"github.com/belief-ml/belief/rbm"
)

// An RBM model file (kind "rbm") holds:
//
//	arrays    W (nv, nh), vbias (nv), hbias (nh), sigma (nv, Gaussian units only);
//	          with a trainer state (so that "train rbm -resume" continues exactly):
//	          state.WInc (nv, nh), state.VBiasInc (nv), state.HBiasInc (nh),
//	          state.Chains (rows, nv) for PCD/PT, state.HiddenMean (nh) with a
//	          sparsity target
//	meta      visible (bernoulli|gaussian), softmax ("start:size,..."),
//	          labels (number of label units, the last softmax group),
//	          width, height (image shape of the non-label units),
//	          state.epoch, state.seed (decimal), created, command, data
//	settings  {"flags": {name: value}, "rbm": resolved rbm.Settings}
//	history   [{epoch, recon_error, fe_gap, logz, ll, ll_valid, swap_rates, seconds}, ...]
const rbmKind = "rbm"

// rbmModel is an RBM with everything the commands keep beside it.
type rbmModel struct {
	RBM *rbm.RBM
	// Width and Height are the image shape of the first Width*Height
	// visible units (0 when unknown).
	Width, Height int
	// Labels is the number of label units, the last softmax group (0 if
	// none).
	Labels int
	// Data is the data spec the model was trained on ("" if unknown).
	Data string
	// Flags are the command-line flags that trained the model (name to
	// value), used by -resume.
	Flags map[string]string
	// Settings are the resolved training settings (nil if unknown).
	Settings *rbmSettingsJSON
	// History has one record per epoch trained.
	History []epochRecord
	// State is the trainer state after the last epoch (nil if none).
	State *rbm.State
	// Meta holds extra metadata to write (created, command) and what was
	// read.
	Meta map[string]string
}

// rbmSettingsJSON is the JSON form of rbm.Settings (without Validation and
// Recorder, which are not settings of the model).
type rbmSettingsJSON struct {
	Method          string    `json:"method"`
	K               int       `json:"k"`
	SampleVisible   bool      `json:"sample_visible"`
	LearningRate    float32   `json:"learning_rate"`
	Decay           float32   `json:"decay"`
	InitialMomentum float32   `json:"initial_momentum"`
	Momentum        float32   `json:"momentum"`
	MomentumEpochs  int       `json:"momentum_epochs"`
	WeightCost      float32   `json:"weight_cost"`
	BatchSize       int       `json:"batch_size"`
	Epochs          int       `json:"epochs"`
	Chains          int       `json:"chains"`
	Temperatures    []float64 `json:"temperatures,omitempty"`
	SparsityTarget  float32   `json:"sparsity_target"`
	SparsityCost    float32   `json:"sparsity_cost"`
	SparsityDecay   float32   `json:"sparsity_decay"`
	MonitorRows     int       `json:"monitor_rows"`
	Workers         int       `json:"workers"`
}

func settingsJSON(s *rbm.Settings) *rbmSettingsJSON {
	return &rbmSettingsJSON{
		Method: strings.ToLower(s.Method.String()), K: s.K, SampleVisible: s.SampleVisible,
		LearningRate: s.LearningRate, Decay: s.Decay, InitialMomentum: s.InitialMomentum,
		Momentum: s.Momentum, MomentumEpochs: s.MomentumEpochs, WeightCost: s.WeightCost,
		BatchSize: s.BatchSize, Epochs: s.Epochs, Chains: s.Chains, Temperatures: s.Temperatures,
		SparsityTarget: s.SparsityTarget, SparsityCost: s.SparsityCost, SparsityDecay: s.SparsityDecay,
		MonitorRows: s.MonitorRows, Workers: s.Workers,
	}
}

// jsonFloat is a float64 that encodes NaN and infinities as null.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = jsonFloat(math.NaN())
		return nil
	}
	x, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("not a number: %s", b)
	}
	*f = jsonFloat(x)
	return nil
}

// epochRecord is one epoch of the training history.
type epochRecord struct {
	Epoch      int         `json:"epoch"`
	ReconError jsonFloat   `json:"recon_error"`
	FEGap      jsonFloat   `json:"fe_gap"`
	LogZ       jsonFloat   `json:"logz"`
	LL         jsonFloat   `json:"ll"`
	LLValid    jsonFloat   `json:"ll_valid"`
	SwapRates  []jsonFloat `json:"swap_rates,omitempty"`
	Seconds    float64     `json:"seconds"`
}

func recordOf(s rbm.EpochStats) epochRecord {
	r := epochRecord{
		Epoch: s.Epoch, ReconError: jsonFloat(s.ReconError), FEGap: jsonFloat(s.FreeEnergyGap),
		LogZ: jsonFloat(s.LogZ), LL: jsonFloat(s.ExactLL), LLValid: jsonFloat(s.ExactLLValid),
		Seconds: math.Round(s.Duration.Seconds()*1000) / 1000,
	}
	for _, x := range s.SwapRates {
		r.SwapRates = append(r.SwapRates, jsonFloat(x))
	}
	return r
}

// unitsName is the name of visible units used in flags and files.
func unitsName(u rbm.Units) string {
	if u == rbm.Gaussian {
		return "gaussian"
	}
	return "bernoulli"
}

// toFile maps m to a model file.
func (m *rbmModel) toFile() (*modelfile.File, error) {
	r := m.RBM
	f := &modelfile.File{Kind: rbmKind, Meta: map[string]string{}}
	for k, v := range m.Meta {
		f.Meta[k] = v
	}
	f.Meta["visible"] = unitsName(r.Visible)
	if len(r.Softmax) > 0 {
		var gs []string
		for _, g := range r.Softmax {
			gs = append(gs, fmt.Sprintf("%d:%d", g.Start, g.Size))
		}
		f.Meta["softmax"] = strings.Join(gs, ",")
	}
	if m.Labels > 0 {
		f.Meta["labels"] = strconv.Itoa(m.Labels)
	}
	if m.Width > 0 && m.Height > 0 {
		f.Meta["width"], f.Meta["height"] = strconv.Itoa(m.Width), strconv.Itoa(m.Height)
	}
	if m.Data != "" {
		f.Meta["data"] = m.Data
	}
	if m.Flags != nil || m.Settings != nil {
		b, err := json.Marshal(struct {
			Flags map[string]string `json:"flags,omitempty"`
			RBM   *rbmSettingsJSON  `json:"rbm,omitempty"`
		}{m.Flags, m.Settings})
		if err != nil {
			return nil, err
		}
		f.Settings = b
	}
	if len(m.History) > 0 {
		b, err := json.Marshal(m.History)
		if err != nil {
			return nil, err
		}
		f.History = b
	}
	f.AddDense("W", r.W)
	f.AddVec("vbias", r.VBias)
	f.AddVec("hbias", r.HBias)
	if r.Visible == rbm.Gaussian {
		f.AddVec("sigma", r.Sigma)
	}
	if st := m.State; st != nil {
		f.Meta["state.epoch"] = strconv.Itoa(st.Epoch)
		f.Meta["state.seed"] = strconv.FormatUint(st.Seed, 10)
		f.AddDense("state.WInc", st.WInc)
		f.AddVec("state.VBiasInc", st.VBiasInc)
		f.AddVec("state.HBiasInc", st.HBiasInc)
		if st.Chains != nil {
			f.AddDense("state.Chains", st.Chains)
		}
		if st.HiddenMean != nil {
			f.AddVec("state.HiddenMean", st.HiddenMean)
		}
	}
	return f, nil
}

// saveRBM writes m to path atomically.
func saveRBM(path string, m *rbmModel) error {
	f, err := m.toFile()
	if err != nil {
		return err
	}
	return modelfile.Write(path, f)
}

// loadRBM reads an RBM model file, checking everything a command relies on.
func loadRBM(path string) (*rbmModel, error) {
	f, err := modelfile.Read(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("model file %s does not exist", path)
		}
		return nil, err
	}
	return rbmFromFile(f)
}

// rbmFromFile maps a model file (or an imported .npz) to an rbmModel.
func rbmFromFile(f *modelfile.File) (*rbmModel, error) {
	name := f.Path
	if name == "" {
		name = "model"
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
	}
	if f.Kind != rbmKind {
		return nil, bad("holds a %q model, not an RBM (kind %q)", f.Kind, rbmKind)
	}
	w, err := f.Dense("W", -1, -1)
	if err != nil {
		return nil, err
	}
	nv, nh := w.Rows, w.Cols
	if nv < 1 || nh < 1 {
		return nil, bad("W is %dx%d: an RBM needs at least one visible and one hidden unit", nv, nh)
	}
	vb, err := f.Vec("vbias", nv)
	if err != nil {
		return nil, err
	}
	hb, err := f.Vec("hbias", nh)
	if err != nil {
		return nil, err
	}
	r := &rbm.RBM{W: w, VBias: vb, HBias: hb}
	switch v := f.Meta["visible"]; v {
	case "", "bernoulli":
		if _, ok := f.Array("sigma"); ok && v == "" {
			r.Visible = rbm.Gaussian // a .npz with sigma
		}
	case "gaussian":
		r.Visible = rbm.Gaussian
	default:
		return nil, bad("unknown visible units %q (want bernoulli or gaussian)", v)
	}
	if r.Visible == rbm.Gaussian {
		if r.Sigma, err = f.Vec("sigma", nv); err != nil {
			return nil, err
		}
		for i, s := range r.Sigma {
			if !(s > 0) || math.IsInf(float64(s), 0) {
				return nil, bad("sigma[%d] = %g: standard deviations must be positive and finite", i, s)
			}
		}
	}
	if s := f.Meta["softmax"]; s != "" {
		end := 0
		for _, g := range strings.Split(s, ",") {
			a, b, ok := strings.Cut(g, ":")
			start, err1 := strconv.Atoi(a)
			size, err2 := strconv.Atoi(b)
			if !ok || err1 != nil || err2 != nil || size < 2 || start < end || start > nv-size {
				return nil, bad("softmax groups %q: want sorted, disjoint start:size pairs of size >= 2 within %d units", s, nv)
			}
			end = start + size
			r.Softmax = append(r.Softmax, rbm.Group{Start: start, Size: size})
		}
		if r.Visible == rbm.Gaussian {
			return nil, bad("softmax groups need Bernoulli visible units")
		}
	}
	m := &rbmModel{RBM: r, Meta: f.Meta, Data: f.Meta["data"]}
	atoi := func(key string) (int, error) {
		s, ok := f.Meta[key]
		if !ok {
			return 0, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, bad("metadata %s = %q is not a count", key, s)
		}
		return n, nil
	}
	if m.Labels, err = atoi("labels"); err != nil {
		return nil, err
	}
	if m.Labels > 0 {
		g := r.Softmax
		if len(g) == 0 || g[len(g)-1].Size != m.Labels || g[len(g)-1].Start+m.Labels != nv {
			return nil, bad("%d label units but the last softmax group is not the last %d units", m.Labels, m.Labels)
		}
	}
	if m.Width, err = atoi("width"); err != nil {
		return nil, err
	}
	if m.Height, err = atoi("height"); err != nil {
		return nil, err
	}
	if m.Width*m.Height > nv-m.Labels || (m.Width == 0) != (m.Height == 0) {
		return nil, bad("image size %dx%d does not fit %d visible units", m.Width, m.Height, nv-m.Labels)
	}
	if len(f.Settings) > 0 {
		var s struct {
			Flags map[string]string `json:"flags"`
			RBM   *rbmSettingsJSON  `json:"rbm"`
		}
		if err := json.Unmarshal(f.Settings, &s); err != nil {
			return nil, bad("settings: %v", err)
		}
		m.Flags, m.Settings = s.Flags, s.RBM
	}
	if len(f.History) > 0 {
		if err := json.Unmarshal(f.History, &m.History); err != nil {
			return nil, bad("history: %v", err)
		}
	}
	if es, ok := f.Meta["state.epoch"]; ok {
		st := &rbm.State{}
		if st.Epoch, err = strconv.Atoi(es); err != nil || st.Epoch < 0 {
			return nil, bad("metadata state.epoch = %q is not a count", es)
		}
		if st.Seed, err = strconv.ParseUint(f.Meta["state.seed"], 10, 64); err != nil {
			return nil, bad("metadata state.seed = %q is not a seed", f.Meta["state.seed"])
		}
		if st.WInc, err = f.Dense("state.WInc", nv, nh); err != nil {
			return nil, err
		}
		if st.VBiasInc, err = f.Vec("state.VBiasInc", nv); err != nil {
			return nil, err
		}
		if st.HBiasInc, err = f.Vec("state.HBiasInc", nh); err != nil {
			return nil, err
		}
		if _, ok := f.Array("state.Chains"); ok {
			if st.Chains, err = f.Dense("state.Chains", -1, nv); err != nil {
				return nil, err
			}
		}
		if _, ok := f.Array("state.HiddenMean"); ok {
			if st.HiddenMean, err = f.Vec("state.HiddenMean", nh); err != nil {
				return nil, err
			}
		}
		m.State = st
	}
	return m, nil
}

// imageShape returns the shape in which to draw the non-label visible
// units: the stored one, else a square if nv is one, else nv x 1.
func (m *rbmModel) imageShape() (w, h int) {
	if m.Width > 0 {
		return m.Width, m.Height
	}
	nv, _ := m.RBM.Dims()
	n := nv - m.Labels
	s := int(math.Sqrt(float64(n)))
	for s*s < n {
		s++
	}
	if s*s == n {
		return s, s
	}
	return n, 1
}

// stampMeta records when and how a file was written.
func stampMeta(meta map[string]string) map[string]string {
	if meta == nil {
		meta = map[string]string{}
	}
	meta["created"] = time.Now().UTC().Format(time.RFC3339)
	meta["command"] = strings.Join(append([]string{"belief"}, os.Args[1:]...), " ")
	return meta
}

// openRows opens the data of df and keeps its first limit rows (all if
// limit <= 0).
func openRows(df *dataFlags, limit int) (*dataset.Set, error) {
	set, err := df.open()
	if err != nil {
		return nil, err
	}
	if set.X.Rows == 0 {
		return nil, fmt.Errorf("%s: no data rows", set.Name)
	}
	if limit > 0 && limit < set.X.Rows {
		set.X = set.X.Slice(0, limit, 0, set.X.Cols)
		if set.Labels != nil {
			set.Labels = set.Labels[:limit]
		}
	}
	return set, nil
}

// withLabels returns the rows of set with nl one-hot label units appended
// (set.X itself if nl is 0).
func withLabels(set *dataset.Set, nl int) (*mat32.Dense, error) {
	if nl == 0 {
		return set.X, nil
	}
	if set.Labels == nil {
		return nil, fmt.Errorf("%s: the model has %d label units but the data have no labels", set.Name, nl)
	}
	n, c := set.X.Rows, set.X.Cols
	x := mat32.NewDense(n, c+nl, nil)
	for i := 0; i < n; i++ {
		l := set.Labels[i]
		if l < 0 || l >= nl {
			return nil, fmt.Errorf("%s: row %d: label %d outside the model's %d classes", set.Name, i+1, l, nl)
		}
		row := x.Row(i)
		copy(row, set.X.Row(i))
		row[c+l] = 1
	}
	return x, nil
}

// modelData opens the data of df for model m (with its label units) and
// checks that it fits the visible units.
func modelData(df *dataFlags, limit int, m *rbmModel) (*dataset.Set, *mat32.Dense, error) {
	set, err := openRows(df, limit)
	if err != nil {
		return nil, nil, err
	}
	x, err := fitData(set, m)
	return set, x, err
}

// fitData appends m's label units to set and checks that the data fit.
func fitData(set *dataset.Set, m *rbmModel) (*mat32.Dense, error) {
	nv, _ := m.RBM.Dims()
	if c := set.X.Cols + m.Labels; c != nv {
		if m.Labels > 0 {
			return nil, fmt.Errorf("%s: data has %d columns, model has %d visible units (%d and %d label units)", set.Name, set.X.Cols, nv, nv-m.Labels, m.Labels)
		}
		return nil, fmt.Errorf("%s: data has %d columns, model has %d visible units", set.Name, set.X.Cols, nv)
	}
	x, err := withLabels(set, m.Labels)
	if err != nil {
		return nil, err
	}
	if err := m.RBM.CheckData(x); err != nil {
		var de *rbm.DataError
		if errors.As(err, &de) {
			return nil, fmt.Errorf("%s: row %d, column %d: value %g: %s", set.Name, de.Row+1, de.Col+1, de.Value, de.Reason)
		}
		return nil, fmt.Errorf("%s: %v", set.Name, err)
	}
	return x, nil
}
