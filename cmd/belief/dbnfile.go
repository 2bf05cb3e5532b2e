package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/belief-ml/belief/dbn"
	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/modelfile"
	"github.com/belief-ml/belief/rbm"
)

// A deep belief net model file (kind "dbn") holds, for RBMs l = 0..L-1
// (layer l's hidden units are layer l+1's visible units; RBM L-1 is the
// top, whose visible layer is the penultimate layer plus the labels):
//
//	arrays    Wl (n_l, n_{l+1}) the weights of RBM l, bottom-up (for the top
//	          RBM only the rows of the penultimate units); bl (n_{l+1}) its
//	          hidden biases; al (n_l) its visible biases (for the top, those
//	          of the penultimate units); sigma0 (n_0) for Gaussian visible
//	          units; with label units Wlabel (labels, n_L) and blabel
//	          (labels), the top RBM's weights and visible biases of the
//	          labels; after up-down fine-tuning, the untied generative
//	          weights gen_Wl (n_l, n_{l+1}) and biases gen_al (n_l), l < L-1,
//	          so that p(h_l = 1 | h_{l+1}) = sigmoid(h_{l+1} gen_Wl^T +
//	          gen_al); with a greedy trainer state, the in-progress layer's
//	          rbm trainer state state.WInc, state.VBiasInc, state.HBiasInc,
//	          state.Chains, state.HiddenMean as in an RBM file
//	meta      layers (n_0,...,n_L), labels, visible, width, height,
//	          greedy.done (layers finished), greedy.seed, state.epoch,
//	          state.seed (the in-progress layer's), updown.epoch,
//	          updown.seed, created, command, data
//	settings  {"flags": train dbn flags, "finetune": finetune flags}
//	history   [{phase ("greedy" or "updown"), layer, epoch, recon_error,
//	          fe_gap, ll, ll_valid, valid_error, seconds}, ...]
//
// "belief export" writes the same parameter arrays to a .npz archive.
const dbnKind = "dbn"

// dbnModel is a deep belief net with everything the commands keep beside
// it.
type dbnModel struct {
	DBN *dbn.DBN
	// Width and Height are the image shape of the visible units (0 when
	// unknown).
	Width, Height int
	Data          string
	// Flags are the flags of "train dbn", FineFlags those of "finetune
	// -method updown", for -resume.
	Flags, FineFlags map[string]string
	History          []dbnEpochRecord
	// Greedy says which layers are trained; Layer is the trainer state of
	// the in-progress layer Greedy.Done (nil if none).
	Greedy dbn.GreedyState
	Layer  *rbm.State
	// UpDown is the up-down trainer's state (nil if never fine-tuned so).
	UpDown *upDownState
	Meta   map[string]string
}

// upDownState is what an up-down trainer needs to resume exactly.
type upDownState struct {
	Epoch int
	Seed  uint64
}

// dbnEpochRecord is one epoch of training a DBN.
type dbnEpochRecord struct {
	Phase      string    `json:"phase"`
	Layer      int       `json:"layer"`
	Epoch      int       `json:"epoch"`
	ReconError jsonFloat `json:"recon_error"`
	FEGap      jsonFloat `json:"fe_gap"`
	LL         jsonFloat `json:"ll"`
	LLValid    jsonFloat `json:"ll_valid"`
	ValidError jsonFloat `json:"valid_error"`
	Seconds    float64   `json:"seconds"`
}

// trained reports whether every layer of the greedy stack is trained.
func (m *dbnModel) trained() bool { return m.Greedy.Done >= len(m.DBN.Layers) }

// sizes returns the layer sizes n_0, ..., n_L.
func dbnSizes(d *dbn.DBN) []int {
	s := []int{d.Visible()}
	for _, m := range d.Layers {
		s = append(s, m.W.Cols)
	}
	return s
}

// dbnArrays returns the parameter arrays of d, named as the model file and
// the .npz export name them.
func dbnArrays(d *dbn.DBN) []modelfile.Array {
	var a []modelfile.Array
	dense := func(name string, m *mat32.Dense) {
		a = append(a, modelfile.Array{Name: name, Shape: []int{m.Rows, m.Cols}, Data: m.Clone().Data})
	}
	vec := func(name string, v []float32) {
		a = append(a, modelfile.Array{Name: name, Shape: []int{len(v)}, Data: append([]float32(nil), v...)})
	}
	L := len(d.Layers)
	for l, m := range d.Layers {
		nv, nh := m.Dims()
		if l == L-1 {
			nv -= d.Labels
		}
		s := strconv.Itoa(l)
		dense("W"+s, m.W.Slice(0, nv, 0, nh))
		vec("b"+s, m.HBias)
		vec("a"+s, m.VBias[:nv])
	}
	if d.Layers[0].Visible == rbm.Gaussian {
		vec("sigma0", d.Layers[0].Sigma)
	}
	if d.Labels > 0 {
		t := d.Top()
		p := d.Pen()
		dense("Wlabel", t.W.Slice(p, p+d.Labels, 0, t.W.Cols))
		vec("blabel", t.VBias[p:])
	}
	for l, g := range d.Gen {
		s := strconv.Itoa(l)
		dense("gen_W"+s, g.W)
		vec("gen_a"+s, g.Bias)
	}
	return a
}

// toFile maps m to a model file.
func (m *dbnModel) toFile() (*modelfile.File, error) {
	d := m.DBN
	f := &modelfile.File{Kind: dbnKind, Meta: map[string]string{}}
	for k, v := range m.Meta {
		if !strings.HasPrefix(k, "state.") && !strings.HasPrefix(k, "updown.") && !strings.HasPrefix(k, "greedy.") {
			f.Meta[k] = v // the states are written from m's fields below
		}
	}
	f.Meta["layers"] = layersString(dbnSizes(d))
	f.Meta["labels"] = strconv.Itoa(d.Labels)
	f.Meta["visible"] = unitsName(d.Layers[0].Visible)
	if m.Width > 0 && m.Height > 0 {
		f.Meta["width"], f.Meta["height"] = strconv.Itoa(m.Width), strconv.Itoa(m.Height)
	}
	if m.Data != "" {
		f.Meta["data"] = m.Data
	}
	f.Meta["greedy.done"] = strconv.Itoa(m.Greedy.Done)
	f.Meta["greedy.seed"] = strconv.FormatUint(m.Greedy.Seed, 10)
	if m.Flags != nil || m.FineFlags != nil {
		b, err := json.Marshal(struct {
			Flags    map[string]string `json:"flags,omitempty"`
			Finetune map[string]string `json:"finetune,omitempty"`
		}{m.Flags, m.FineFlags})
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
	f.Arrays = dbnArrays(d)
	if st := m.Layer; st != nil {
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
	if u := m.UpDown; u != nil {
		f.Meta["updown.epoch"] = strconv.Itoa(u.Epoch)
		f.Meta["updown.seed"] = strconv.FormatUint(u.Seed, 10)
	}
	return f, nil
}

// saveDBN writes m to path atomically.
func saveDBN(path string, m *dbnModel) error {
	f, err := m.toFile()
	if err != nil {
		return err
	}
	return modelfile.Write(path, f)
}

// loadDBN reads a deep belief net model file.
func loadDBN(path string) (*dbnModel, error) {
	f, err := readModelFile(path)
	if err != nil {
		return nil, err
	}
	return dbnFromFile(f)
}

// dbnFromFile maps a model file to a dbnModel, checking every shape.
func dbnFromFile(f *modelfile.File) (*dbnModel, error) {
	name := f.Path
	if name == "" {
		name = "model"
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
	}
	if f.Kind != dbnKind {
		return nil, bad("holds a %q model, not a deep belief net (kind %q)", f.Kind, dbnKind)
	}
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
	seed := func(key string) (uint64, error) {
		s, ok := f.Meta[key]
		if !ok {
			return 0, nil
		}
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return 0, bad("metadata %s = %q is not a seed", key, s)
		}
		return v, nil
	}
	labels, err := count("labels")
	if err != nil {
		return nil, err
	}
	if labels == 1 {
		return nil, bad("1 label unit: want 0 or at least 2")
	}
	units := rbm.Bernoulli
	switch v := f.Meta["visible"]; v {
	case "", "bernoulli":
	case "gaussian":
		units = rbm.Gaussian
	default:
		return nil, bad("unknown visible units %q (want bernoulli or gaussian)", v)
	}
	// The number of RBMs is the number of weight arrays W0, W1, ...
	var sizes []int
	for l := 0; ; l++ {
		a, ok := f.Array("W" + strconv.Itoa(l))
		if !ok {
			break
		}
		if len(a.Shape) != 2 || a.Shape[0] < 1 || a.Shape[1] < 1 {
			return nil, bad("array W%d has shape %v; want two dimensions of at least 1", l, a.Shape)
		}
		if l == 0 {
			sizes = append(sizes, a.Shape[0])
		} else if a.Shape[0] != sizes[l] {
			return nil, bad("array W%d has %d rows, but layer %d has %d units", l, a.Shape[0], l, sizes[l])
		}
		sizes = append(sizes, a.Shape[1])
	}
	if len(sizes) < 2 {
		return nil, bad("a deep belief net needs weights W0 at least")
	}
	if s, ok := f.Meta["layers"]; ok && s != layersString(sizes) {
		return nil, bad("metadata layers = %q but the arrays have layers %s", s, layersString(sizes))
	}
	if labels > 0 && units == rbm.Gaussian && len(sizes) == 2 {
		return nil, bad("label units beside Gaussian visible units are not supported")
	}
	d := dbn.New(sizes, labels, units)
	L := len(d.Layers)
	for l, m := range d.Layers {
		s := strconv.Itoa(l)
		n, h := sizes[l], sizes[l+1]
		w, err := f.Dense("W"+s, n, h)
		if err != nil {
			return nil, err
		}
		b, err := f.Vec("b"+s, h)
		if err != nil {
			return nil, err
		}
		a, err := f.Vec("a"+s, n)
		if err != nil {
			return nil, err
		}
		copy(m.W.Data[:n*h], w.Data) // W's stride is its width: rows [0, n) first
		copy(m.HBias, b)
		copy(m.VBias, a)
		if l == L-1 && labels > 0 {
			wl, err := f.Dense("Wlabel", labels, h)
			if err != nil {
				return nil, err
			}
			bl, err := f.Vec("blabel", labels)
			if err != nil {
				return nil, err
			}
			copy(m.W.Data[n*h:], wl.Data)
			copy(m.VBias[n:], bl)
		}
	}
	if units == rbm.Gaussian {
		sg, err := f.Vec("sigma0", sizes[0])
		if err != nil {
			return nil, err
		}
		for i, s := range sg {
			if !(s > 0) || math.IsInf(float64(s), 0) {
				return nil, bad("sigma0[%d] = %g: standard deviations must be positive and finite", i, s)
			}
		}
		d.Layers[0].Sigma = sg
	}
	if _, ok := f.Array("gen_W0"); ok && L > 1 {
		d.Gen = make([]*dbn.GenLayer, L-1)
		for l := range d.Gen {
			s := strconv.Itoa(l)
			w, err := f.Dense("gen_W"+s, sizes[l], sizes[l+1])
			if err != nil {
				return nil, err
			}
			a, err := f.Vec("gen_a"+s, sizes[l])
			if err != nil {
				return nil, err
			}
			d.Gen[l] = &dbn.GenLayer{W: w, Bias: a}
		}
	}
	m := &dbnModel{DBN: d, Meta: f.Meta, Data: f.Meta["data"], Greedy: dbn.GreedyState{Done: L}}
	if m.Width, err = count("width"); err != nil {
		return nil, err
	}
	if m.Height, err = count("height"); err != nil {
		return nil, err
	}
	if m.Width*m.Height > sizes[0] || (m.Width == 0) != (m.Height == 0) {
		return nil, bad("image size %dx%d does not fit %d visible units", m.Width, m.Height, sizes[0])
	}
	if _, ok := f.Meta["greedy.done"]; ok {
		if m.Greedy.Done, err = count("greedy.done"); err != nil {
			return nil, err
		}
		if m.Greedy.Done > L {
			return nil, bad("metadata greedy.done = %d, but there are %d layers", m.Greedy.Done, L)
		}
	}
	if m.Greedy.Seed, err = seed("greedy.seed"); err != nil {
		return nil, err
	}
	if len(f.Settings) > 0 {
		var s struct {
			Flags    map[string]string `json:"flags"`
			Finetune map[string]string `json:"finetune"`
		}
		if err := json.Unmarshal(f.Settings, &s); err != nil {
			return nil, bad("settings: %v", err)
		}
		m.Flags, m.FineFlags = s.Flags, s.Finetune
	}
	if len(f.History) > 0 {
		if err := json.Unmarshal(f.History, &m.History); err != nil {
			return nil, bad("history: %v", err)
		}
	}
	if _, ok := f.Meta["state.epoch"]; ok {
		if m.Greedy.Done >= L {
			return nil, bad("a layer trainer state, but every layer is trained")
		}
		nv, nh := d.Layers[m.Greedy.Done].Dims()
		st := &rbm.State{}
		if st.Epoch, err = count("state.epoch"); err != nil {
			return nil, err
		}
		if st.Seed, err = seed("state.seed"); err != nil {
			return nil, err
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
		m.Layer = st
	}
	if _, ok := f.Meta["updown.epoch"]; ok {
		u := &upDownState{}
		if u.Epoch, err = count("updown.epoch"); err != nil {
			return nil, err
		}
		if u.Seed, err = seed("updown.seed"); err != nil {
			return nil, err
		}
		m.UpDown = u
	}
	return m, nil
}

// imageShape returns the shape in which to draw the visible units.
func (m *dbnModel) imageShape() (w, h int) {
	if m.Width > 0 {
		return m.Width, m.Height
	}
	return squareShape(m.DBN.Visible())
}

// needTrained returns an error if some layers of m are not trained yet.
func (m *dbnModel) needTrained(path string) error {
	if !m.trained() {
		return fmt.Errorf("%s: only %d of %d layers are trained; finish with \"belief train dbn -resume -o %s\"", path, m.Greedy.Done, len(m.DBN.Layers), path)
	}
	return nil
}

// anyModel is a model file of any kind that the commands read.
type anyModel struct {
	rbm *rbmModel
	sbn *sbnModel
	dbn *dbnModel
	mlp *mlpModel
}

// loadAny reads a model file of any kind. A kind other than "sbn", "dbn"
// and "mlp" is read as an RBM, whose error names the kind found.
func loadAny(path string) (*anyModel, error) {
	f, err := readModelFile(path)
	if err != nil {
		return nil, err
	}
	var a anyModel
	switch f.Kind {
	case sbnKind:
		a.sbn, err = sbnFromFile(f)
	case dbnKind:
		a.dbn, err = dbnFromFile(f)
	case mlpKind:
		a.mlp, err = mlpFromFile(f)
	default:
		a.rbm, err = rbmFromFile(f)
	}
	if err != nil {
		return nil, err
	}
	return &a, nil
}
