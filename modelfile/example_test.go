package modelfile_test

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/modelfile"
)

// A model package saves its parameters as named arrays with the settings
// and history that produced them, and loads them back with shape checks.
func Example() {
	dir, err := os.MkdirTemp("", "modelfile-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// Save: W is (nv, nh) = (3, 2).
	f := &modelfile.File{
		Kind:     "rbm",
		Meta:     map[string]string{"command": "belief train -nh 2 data.csv"},
		Settings: json.RawMessage(`{"LearningRate":0.1,"Epochs":5}`),
		History:  json.RawMessage(`[{"epoch":1,"logp":-3.2}]`),
	}
	f.AddDense("W", mat32.NewDense(3, 2, []float32{1, 2, 3, 4, 5, 6}))
	f.AddVec("vbias", []float32{0, 0, 0})
	f.AddVec("hbias", []float32{-1, 1})
	path := filepath.Join(dir, "rbm.belief")
	if err := modelfile.Write(path, f); err != nil {
		log.Fatal(err)
	}

	// Load, checking the kind and the shapes.
	g, err := modelfile.Read(path)
	if err != nil {
		log.Fatal(err)
	}
	if g.Kind != "rbm" {
		log.Fatalf("%s holds a %s, not an rbm", path, g.Kind)
	}
	w, err := g.Dense("W", -1, -1) // any (nv, nh)
	if err != nil {
		log.Fatal(err)
	}
	hbias, err := g.Vec("hbias", w.Cols)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("W is", w.Rows, "x", w.Cols, "; W[2,1] =", w.At(2, 1), "; hbias =", hbias)
	_, err = g.Vec("vbias", 4)
	fmt.Println(err != nil)

	// Export for Python: numpy.load("rbm.npz")["W"] is a (3, 2) float32 array.
	if err := modelfile.WriteNPZ(filepath.Join(dir, "rbm.npz"), g.Arrays); err != nil {
		log.Fatal(err)
	}
	arrays, err := modelfile.ReadNPZ(filepath.Join(dir, "rbm.npz"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(arrays[0].Name, arrays[0].Shape)
	// Output:
	// W is 3 x 2 ; W[2,1] = 6 ; hbias = [-1 1]
	// true
	// W [3 2]
}
