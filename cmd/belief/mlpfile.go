package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/modelfile"
	"github.com/belief-ml/belief/nn"
)

// A classifier model file (kind "mlp") holds a feed-forward net of sigmoid
// layers and a softmax output:
//
//	arrays    Wl (n_l, n_{l+1}) and bl (n_{l+1}), l = 0..L-1, bottom-up, so
//	          that layer l+1 is sigmoid(x_l Wl + bl) (softmax for the last);
//	          with a trainer state (so that "finetune -resume" continues
//	          exactly): state.WInc.l and state.BInc.l, the momentum buffers
//	meta      layers (n_0,...,n_L), width, height, state.epoch, state.seed,
//	          created, command, data, from (the DBN it was made of)
//	settings  {"flags": finetune flags}
//	history   [{epoch, learning_rate, momentum, train_loss, train_error,
//	          valid_loss, valid_error, seconds}, ...]
const mlpKind = "mlp"

// mlpModel is a classifier with everything the commands keep beside it.
type mlpModel struct {
	Net           *nn.MLP
	Width, Height int
	Data          string
	Flags         map[string]string
	History       []mlpEpochRecord
	State         *nn.State
	Meta          map[string]string
}

// mlpEpochRecord is one epoch of backprop training.
type mlpEpochRecord struct {
	Epoch        int       `json:"epoch"`
	LearningRate float32   `json:"learning_rate"`
	Momentum     float32   `json:"momentum"`
	TrainLoss    jsonFloat `json:"train_loss"`
	TrainError   jsonFloat `json:"train_error"`
	ValidLoss    jsonFloat `json:"valid_loss"`
	ValidError   jsonFloat `json:"valid_error"`
	Seconds      float64   `json:"seconds"`
}

func mlpRecordOf(s nn.EpochStats) mlpEpochRecord {
	return mlpEpochRecord{
		Epoch: s.Epoch, LearningRate: s.LearningRate, Momentum: s.Momentum,
		TrainLoss: jsonFloat(s.TrainLoss), TrainError: jsonFloat(s.TrainError),
		ValidLoss: jsonFloat(s.ValidLoss), ValidError: jsonFloat(s.ValidError),
		Seconds: math.Round(s.Duration.Seconds()*1000) / 1000,
	}
}

// mlpSizes returns the widths n_0, ..., n_L.
func mlpSizes(n *nn.MLP) []int {
	s := []int{n.In()}
	for _, l := range n.Layers {
		_, out := l.Dims()
		s = append(s, out)
	}
	return s
}

// mlpArrays returns the parameter arrays of n, named as the model file and
// the .npz export name them.
func mlpArrays(n *nn.MLP) []modelfile.Array {
	var a []modelfile.Array
	for l, ly := range n.Layers {
		s := strconv.Itoa(l)
		a = append(a,
			modelfile.Array{Name: "W" + s, Shape: []int{ly.W.Rows, ly.W.Cols}, Data: ly.W.Clone().Data},
			modelfile.Array{Name: "b" + s, Shape: []int{len(ly.B)}, Data: append([]float32(nil), ly.B...)})
	}
	return a
}

func (m *mlpModel) toFile() (*modelfile.File, error) {
	f := &modelfile.File{Kind: mlpKind, Meta: map[string]string{}}
	for k, v := range m.Meta {
		f.Meta[k] = v
	}
	f.Meta["layers"] = layersString(mlpSizes(m.Net))
	if m.Width > 0 && m.Height > 0 {
		f.Meta["width"], f.Meta["height"] = strconv.Itoa(m.Width), strconv.Itoa(m.Height)
	}
	if m.Data != "" {
		f.Meta["data"] = m.Data
	}
	if m.Flags != nil {
		b, err := json.Marshal(struct {
			Flags map[string]string `json:"flags"`
		}{m.Flags})
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
	f.Arrays = mlpArrays(m.Net)
	if st := m.State; st != nil {
		f.Meta["state.epoch"] = strconv.Itoa(st.Epoch)
		f.Meta["state.seed"] = strconv.FormatUint(st.Seed, 10)
		for l := range st.WInc {
			f.AddDense("state.WInc."+strconv.Itoa(l), st.WInc[l])
			f.AddVec("state.BInc."+strconv.Itoa(l), st.BInc[l])
		}
	}
	return f, nil
}

func saveMLP(path string, m *mlpModel) error {
	f, err := m.toFile()
	if err != nil {
		return err
	}
	return modelfile.Write(path, f)
}

func loadMLP(path string) (*mlpModel, error) {
	f, err := readModelFile(path)
	if err != nil {
		return nil, err
	}
	return mlpFromFile(f)
}

// mlpFromFile maps a model file to an mlpModel, checking every shape.
func mlpFromFile(f *modelfile.File) (*mlpModel, error) {
	name := f.Path
	if name == "" {
		name = "model"
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
	}
	if f.Kind != mlpKind {
		return nil, bad("holds a %q model, not a classifier (kind %q)", f.Kind, mlpKind)
	}
	var ws []*mat32.Dense
	var bs [][]float32
	for l := 0; ; l++ {
		s := strconv.Itoa(l)
		a, ok := f.Array("W" + s)
		if !ok {
			break
		}
		if len(a.Shape) != 2 || a.Shape[0] < 1 || a.Shape[1] < 1 {
			return nil, bad("array W%d has shape %v; want two dimensions of at least 1", l, a.Shape)
		}
		if l > 0 && a.Shape[0] != ws[l-1].Cols {
			return nil, bad("array W%d has %d rows, but layer %d has %d units", l, a.Shape[0], l, ws[l-1].Cols)
		}
		w, err := f.Dense("W"+s, a.Shape[0], a.Shape[1])
		if err != nil {
			return nil, err
		}
		b, err := f.Vec("b"+s, a.Shape[1])
		if err != nil {
			return nil, err
		}
		ws, bs = append(ws, w), append(bs, b)
	}
	if len(ws) == 0 {
		return nil, bad("a classifier needs weights W0 at least")
	}
	if ws[len(ws)-1].Cols < 2 {
		return nil, bad("the output layer has %d units: a classifier needs at least 2 classes", ws[len(ws)-1].Cols)
	}
	n := nn.FromLayers(ws, bs)
	if s, ok := f.Meta["layers"]; ok && s != layersString(mlpSizes(n)) {
		return nil, bad("metadata layers = %q but the arrays have layers %s", s, layersString(mlpSizes(n)))
	}
	m := &mlpModel{Net: n, Meta: f.Meta, Data: f.Meta["data"]}
	count := func(key string) (int, error) {
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
	var err error
	if m.Width, err = count("width"); err != nil {
		return nil, err
	}
	if m.Height, err = count("height"); err != nil {
		return nil, err
	}
	if m.Width*m.Height > n.In() || (m.Width == 0) != (m.Height == 0) {
		return nil, bad("image size %dx%d does not fit %d inputs", m.Width, m.Height, n.In())
	}
	if len(f.Settings) > 0 {
		var s struct {
			Flags map[string]string `json:"flags"`
		}
		if err := json.Unmarshal(f.Settings, &s); err != nil {
			return nil, bad("settings: %v", err)
		}
		m.Flags = s.Flags
	}
	if len(f.History) > 0 {
		if err := json.Unmarshal(f.History, &m.History); err != nil {
			return nil, bad("history: %v", err)
		}
	}
	if _, ok := f.Meta["state.epoch"]; ok {
		st := &nn.State{}
		if st.Epoch, err = count("state.epoch"); err != nil {
			return nil, err
		}
		if st.Seed, err = strconv.ParseUint(f.Meta["state.seed"], 10, 64); err != nil {
			return nil, bad("metadata state.seed = %q is not a seed", f.Meta["state.seed"])
		}
		for l, ly := range n.Layers {
			w, err := f.Dense("state.WInc."+strconv.Itoa(l), ly.W.Rows, ly.W.Cols)
			if err != nil {
				return nil, err
			}
			b, err := f.Vec("state.BInc."+strconv.Itoa(l), len(ly.B))
			if err != nil {
				return nil, err
			}
			st.WInc, st.BInc = append(st.WInc, w), append(st.BInc, b)
		}
		m.State = st
	}
	return m, nil
}

// imageShape returns the shape in which to draw the inputs.
func (m *mlpModel) imageShape() (w, h int) {
	if m.Width > 0 {
		return m.Width, m.Height
	}
	return squareShape(m.Net.In())
}
