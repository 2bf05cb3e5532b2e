package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strconv"

	"github.com/belief-ml/belief/dataset"
	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/modelfile"
	"github.com/belief-ml/belief/sbn"
)

// A sigmoid belief net model file (kind "sbn") holds, for a net with
// layers x_0 (visible, n_0 units), x_1, ..., x_T (top):
//
//	arrays    generative net: W0 (n_1, n_0), W1 (n_2, n_1), ..., W{T-1}
//	          (n_T, n_{T-1}), the weights coming down to layer l being Wl;
//	          b0 (n_0), b1 (n_1), ..., bT (n_T), the biases of each layer,
//	          bT the logits of the factorial top prior;
//	          recognition net: R0 (n_0, n_1), ..., R{T-1} (n_{T-1}, n_T), the
//	          weights going up from layer l, and c1 (n_1), ..., cT (n_T),
//	          the biases of q(x_l | x_{l-1});
//	          with a trainer state (so that "train sbn -resume" continues
//	          exactly): state.M.i and state.V.i, Adam's moments of parameter
//	          block i in the order of sbn.Trainer.Params (W0, b0, W1, b1, ...,
//	          bT, R0, c1, R1, c2, ...), each flat
//	meta      layers (n_0,n_1,...,n_T), width, height (image shape of the
//	          visible units), state.epoch, state.seed, state.step (decimal),
//	          created, command, data
//	settings  {"flags": {name: value}, "sbn": resolved sbn.Settings}
//	history   [{epoch, train_bound, ll, ll_stderr, bound, ll_valid,
//	          ll_valid_stderr, bound_valid, ll_exact, ll_exact_valid,
//	          seconds}, ...]
//
// "belief export" writes the same W, b, R and c arrays to a .npz archive.
const sbnKind = "sbn"

// sbnModel is a sigmoid belief net and its recognition net with everything
// the commands keep beside them.
type sbnModel struct {
	Net *sbn.Net
	Rec *sbn.Recognition
	// Width and Height are the image shape of the visible units (0 when
	// unknown).
	Width, Height int
	// Data is the data spec the model was trained on ("" if unknown).
	Data string
	// Flags are the command-line flags that trained the model, for -resume.
	Flags map[string]string
	// Settings are the resolved training settings (nil if unknown).
	Settings *sbnSettingsJSON
	// History has one record per epoch trained.
	History []sbnEpochRecord
	// State is the trainer state after the last epoch (nil if none).
	State *sbn.State
	// Meta holds extra metadata to write and what was read.
	Meta map[string]string
}

// sbnSettingsJSON is the JSON form of sbn.Settings (without Validation and
// Recorder).
type sbnSettingsJSON struct {
	K            int     `json:"k"`
	Q            string  `json:"q"`
	LearningRate float32 `json:"learning_rate"`
	Beta1        float32 `json:"beta1"`
	Beta2        float32 `json:"beta2"`
	WeightCost   float32 `json:"weight_cost"`
	BatchSize    int     `json:"batch_size"`
	Epochs       int     `json:"epochs"`
	MonitorRows  int     `json:"monitor_rows"`
	MonitorK     int     `json:"monitor_k"`
	Workers      int     `json:"workers"`
}

func sbnSettingsOf(s *sbn.Settings) *sbnSettingsJSON {
	return &sbnSettingsJSON{
		K: s.K, Q: s.Q.String(), LearningRate: s.LearningRate, Beta1: s.Beta1, Beta2: s.Beta2,
		WeightCost: s.WeightCost, BatchSize: s.BatchSize, Epochs: s.Epochs,
		MonitorRows: s.MonitorRows, MonitorK: s.MonitorK, Workers: s.Workers,
	}
}

// sbnEpochRecord is one epoch of the training history of a belief net.
type sbnEpochRecord struct {
	Epoch         int       `json:"epoch"`
	TrainBound    jsonFloat `json:"train_bound"`
	LL            jsonFloat `json:"ll"`
	LLStdErr      jsonFloat `json:"ll_stderr"`
	Bound         jsonFloat `json:"bound"`
	ValidLL       jsonFloat `json:"ll_valid"`
	ValidLLStdErr jsonFloat `json:"ll_valid_stderr"`
	ValidBound    jsonFloat `json:"bound_valid"`
	ExactLL       jsonFloat `json:"ll_exact"`
	ExactLLValid  jsonFloat `json:"ll_exact_valid"`
	Seconds       float64   `json:"seconds"`
}

func sbnRecordOf(s sbn.EpochStats) sbnEpochRecord {
	return sbnEpochRecord{
		Epoch: s.Epoch, TrainBound: jsonFloat(s.TrainBound),
		LL: jsonFloat(s.LogLik), LLStdErr: jsonFloat(s.StdErr), Bound: jsonFloat(s.Bound),
		ValidLL: jsonFloat(s.ValidLogLik), ValidLLStdErr: jsonFloat(s.ValidStdErr), ValidBound: jsonFloat(s.ValidBound),
		ExactLL: jsonFloat(s.ExactLL), ExactLLValid: jsonFloat(s.ExactLLValid),
		Seconds: math.Round(s.Duration.Seconds()*1000) / 1000,
	}
}

// sbnArrays returns the parameter arrays of a net and its recognition net,
// named as the model file and the .npz export name them.
func sbnArrays(n *sbn.Net, q *sbn.Recognition) []modelfile.Array {
	var a []modelfile.Array
	dense := func(name string, m *mat32.Dense) {
		a = append(a, modelfile.Array{Name: name, Shape: []int{m.Rows, m.Cols}, Data: m.Clone().Data})
	}
	vec := func(name string, v []float32) {
		a = append(a, modelfile.Array{Name: name, Shape: []int{len(v)}, Data: append([]float32(nil), v...)})
	}
	for l, L := range n.Layers {
		if L.W != nil {
			dense("W"+strconv.Itoa(l), L.W)
		}
	}
	for l, L := range n.Layers {
		vec("b"+strconv.Itoa(l), L.Bias)
	}
	for l, w := range q.W {
		dense("R"+strconv.Itoa(l), w)
	}
	for l, c := range q.Bias {
		vec("c"+strconv.Itoa(l+1), c)
	}
	return a
}

// sbnParamLens returns the lengths of the parameter blocks of a trainer of
// n, in the order of sbn.Trainer.Params.
func sbnParamLens(n *sbn.Net) []int {
	s := n.Sizes()
	var lens []int
	for l := range s {
		if l+1 < len(s) {
			lens = append(lens, s[l+1]*s[l])
		}
		lens = append(lens, s[l])
	}
	for l := 0; l+1 < len(s); l++ {
		lens = append(lens, s[l]*s[l+1], s[l+1])
	}
	return lens
}

func layersString(sizes []int) string {
	b := make([]byte, 0, 4*len(sizes))
	for i, s := range sizes {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(s), 10)
	}
	return string(b)
}

// toFile maps m to a model file.
func (m *sbnModel) toFile() (*modelfile.File, error) {
	f := &modelfile.File{Kind: sbnKind, Meta: map[string]string{}}
	for k, v := range m.Meta {
		f.Meta[k] = v
	}
	f.Meta["layers"] = layersString(m.Net.Sizes())
	if m.Width > 0 && m.Height > 0 {
		f.Meta["width"], f.Meta["height"] = strconv.Itoa(m.Width), strconv.Itoa(m.Height)
	}
	if m.Data != "" {
		f.Meta["data"] = m.Data
	}
	if m.Flags != nil || m.Settings != nil {
		b, err := json.Marshal(struct {
			Flags map[string]string `json:"flags,omitempty"`
			SBN   *sbnSettingsJSON  `json:"sbn,omitempty"`
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
	f.Arrays = sbnArrays(m.Net, m.Rec)
	if st := m.State; st != nil {
		f.Meta["state.epoch"] = strconv.Itoa(st.Epoch)
		f.Meta["state.seed"] = strconv.FormatUint(st.Seed, 10)
		f.Meta["state.step"] = strconv.Itoa(st.Step)
		for i := range st.M {
			f.AddVec(fmt.Sprintf("state.M.%d", i), st.M[i])
			f.AddVec(fmt.Sprintf("state.V.%d", i), st.V[i])
		}
	}
	return f, nil
}

// saveSBN writes m to path atomically.
func saveSBN(path string, m *sbnModel) error {
	f, err := m.toFile()
	if err != nil {
		return err
	}
	return modelfile.Write(path, f)
}

// readModelFile reads a model file of any kind.
func readModelFile(path string) (*modelfile.File, error) {
	f, err := modelfile.Read(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("model file %s does not exist", path)
		}
		return nil, err
	}
	return f, nil
}

// loadSBN reads a belief net model file.
func loadSBN(path string) (*sbnModel, error) {
	f, err := readModelFile(path)
	if err != nil {
		return nil, err
	}
	return sbnFromFile(f)
}

// sbnFromFile maps a model file to an sbnModel, checking every shape.
func sbnFromFile(f *modelfile.File) (*sbnModel, error) {
	name := f.Path
	if name == "" {
		name = "model"
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
	}
	if f.Kind != sbnKind {
		return nil, bad("holds a %q model, not a sigmoid belief net (kind %q)", f.Kind, sbnKind)
	}
	// The number of layers is the number of bias vectors b0, b1, ...
	var sizes []int
	for l := 0; ; l++ {
		a, ok := f.Array("b" + strconv.Itoa(l))
		if !ok {
			break
		}
		if len(a.Shape) != 1 || a.Shape[0] < 1 {
			return nil, bad("array b%d has shape %v; want one dimension of at least 1", l, a.Shape)
		}
		sizes = append(sizes, a.Shape[0])
	}
	if len(sizes) < 2 {
		return nil, bad("a sigmoid belief net needs biases b0 (visible) and b1 at least; found %d bias arrays", len(sizes))
	}
	n := &sbn.Net{Layers: make([]sbn.Layer, len(sizes))}
	q := &sbn.Recognition{}
	var err error
	for l := range sizes {
		L := &n.Layers[l]
		if L.Bias, err = f.Vec("b"+strconv.Itoa(l), sizes[l]); err != nil {
			return nil, err
		}
		if l+1 == len(sizes) {
			if _, ok := f.Array("W" + strconv.Itoa(l)); ok {
				return nil, bad("array W%d comes down to the top layer %d, which has none", l, l)
			}
			break
		}
		if L.W, err = f.Dense("W"+strconv.Itoa(l), sizes[l+1], sizes[l]); err != nil {
			return nil, err
		}
		r, err := f.Dense("R"+strconv.Itoa(l), sizes[l], sizes[l+1])
		if err != nil {
			return nil, err
		}
		c, err := f.Vec("c"+strconv.Itoa(l+1), sizes[l+1])
		if err != nil {
			return nil, err
		}
		q.W, q.Bias = append(q.W, r), append(q.Bias, c)
	}
	if s, ok := f.Meta["layers"]; ok && s != layersString(sizes) {
		return nil, bad("metadata layers = %q but the arrays have layers %s", s, layersString(sizes))
	}
	m := &sbnModel{Net: n, Rec: q, Meta: f.Meta, Data: f.Meta["data"]}
	atoi := func(key string) (int, error) {
		s, ok := f.Meta[key]
		if !ok {
			return 0, nil
		}
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			return 0, bad("metadata %s = %q is not a count", key, s)
		}
		return v, nil
	}
	if m.Width, err = atoi("width"); err != nil {
		return nil, err
	}
	if m.Height, err = atoi("height"); err != nil {
		return nil, err
	}
	if m.Width*m.Height > sizes[0] || (m.Width == 0) != (m.Height == 0) {
		return nil, bad("image size %dx%d does not fit %d visible units", m.Width, m.Height, sizes[0])
	}
	if len(f.Settings) > 0 {
		var s struct {
			Flags map[string]string `json:"flags"`
			SBN   *sbnSettingsJSON  `json:"sbn"`
		}
		if err := json.Unmarshal(f.Settings, &s); err != nil {
			return nil, bad("settings: %v", err)
		}
		m.Flags, m.Settings = s.Flags, s.SBN
	}
	if len(f.History) > 0 {
		if err := json.Unmarshal(f.History, &m.History); err != nil {
			return nil, bad("history: %v", err)
		}
	}
	if es, ok := f.Meta["state.epoch"]; ok {
		st := &sbn.State{}
		if st.Epoch, err = strconv.Atoi(es); err != nil || st.Epoch < 0 {
			return nil, bad("metadata state.epoch = %q is not a count", es)
		}
		if st.Step, err = atoi("state.step"); err != nil {
			return nil, err
		}
		if st.Seed, err = strconv.ParseUint(f.Meta["state.seed"], 10, 64); err != nil {
			return nil, bad("metadata state.seed = %q is not a seed", f.Meta["state.seed"])
		}
		for i, k := range sbnParamLens(n) {
			mv, err := f.Vec(fmt.Sprintf("state.M.%d", i), k)
			if err != nil {
				return nil, err
			}
			vv, err := f.Vec(fmt.Sprintf("state.V.%d", i), k)
			if err != nil {
				return nil, err
			}
			st.M, st.V = append(st.M, mv), append(st.V, vv)
		}
		m.State = st
	}
	return m, nil
}

// imageShape returns the shape in which to draw the visible units.
func (m *sbnModel) imageShape() (w, h int) {
	if m.Width > 0 {
		return m.Width, m.Height
	}
	return squareShape(m.Net.Sizes()[0])
}

// squareShape is a square image of n pixels if n is a square, else n x 1.
func squareShape(n int) (w, h int) {
	s := int(math.Sqrt(float64(n)))
	for s*s < n {
		s++
	}
	if s*s == n {
		return s, s
	}
	return n, 1
}

// fitSBNData checks that the rows of set fit the n0 visible units of a
// belief net: the right number of columns, values in [0, 1].
func fitSBNData(set *dataset.Set, n0 int) (*mat32.Dense, error) {
	if set.X.Cols != n0 {
		return nil, fmt.Errorf("%s: data has %d columns, model has %d visible units", set.Name, set.X.Cols, n0)
	}
	if err := sbn.CheckData(set.X); err != nil {
		var de *sbn.DataError
		if errors.As(err, &de) {
			return nil, fmt.Errorf("%s: row %d, column %d: value %g is not in [0, 1]", set.Name, de.Row+1, de.Col+1, de.Value)
		}
		return nil, fmt.Errorf("%s: %v", set.Name, err)
	}
	return set.X, nil
}
