package rbm

import (
	"fmt"
	"math"

	"github.com/belief-ml/belief/mat32"
)

// DataError reports a data value that does not fit the model's visible
// units. Row and Col are 0-based.
type DataError struct {
	Row, Col int
	Value    float32
	Reason   string
}

func (e *DataError) Error() string {
	return fmt.Sprintf("rbm: data row %d, column %d: value %g: %s", e.Row, e.Col, e.Value, e.Reason)
}

// CheckData returns a *DataError for the first value of data (B, nv) that
// does not fit m's visible units: NaN or infinite values anywhere, values
// outside [0, 1] for Bernoulli units, and softmax groups whose values are
// not a probability vector (each in [0, 1], summing to 1 within 1e-3).
func (m *RBM) CheckData(data *mat32.Dense) error {
	m.check()
	nv, _ := m.Dims()
	if data.Cols != nv {
		return fmt.Errorf("rbm: data has %d columns, model has %d visible units", data.Cols, nv)
	}
	for i := 0; i < data.Rows; i++ {
		row := data.Row(i)
		for j, v := range row {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return &DataError{i, j, v, "not a finite number"}
			}
			if m.Visible == Bernoulli && (v < 0 || v > 1) {
				return &DataError{i, j, v, "outside [0, 1] for a Bernoulli unit"}
			}
		}
		for _, g := range m.Softmax {
			var s float64
			for _, v := range row[g.Start : g.Start+g.Size] {
				s += float64(v)
			}
			if math.Abs(s-1) > 1e-3 {
				return &DataError{i, g.Start, row[g.Start], fmt.Sprintf("softmax group [%d, %d) sums to %g, not 1", g.Start, g.Start+g.Size, s)}
			}
		}
	}
	return nil
}
