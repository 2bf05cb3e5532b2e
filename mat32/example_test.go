package mat32_test

import (
	"fmt"

	"github.com/belief-ml/belief/mat32"
)

// The hidden-unit probabilities of a tiny RBM: P(h=1|v) = sigmoid(v W + c)
// for a mini-batch of two visible vectors, three visible and two hidden units.
func Example() {
	v := mat32.NewDense(2, 3, []float32{
		1, 0, 1,
		0, 1, 1,
	})
	w := mat32.NewDense(3, 2, []float32{
		1, -1,
		2, 0,
		-1, 1,
	})
	c := []float32{0.5, -0.5}

	h := mat32.NewDense(2, 2, nil)
	mat32.Gemm(false, false, 1, v, w, 0, h) // h = v W
	mat32.SigmoidBias(h, c)                 // h = sigmoid(h + c)
	for i := 0; i < h.Rows; i++ {
		fmt.Printf("%.4f\n", h.Row(i))
	}
	// Output:
	// [0.6225 0.3775]
	// [0.8176 0.6225]
}

// LogSumExp and Softplus stay finite where the naive formulas overflow.
func ExampleLogSumExp() {
	x := []float32{1000, 1000, -1000}
	fmt.Printf("%.4f\n", mat32.LogSumExp(x)) // 1000 + log 2

	sp := make([]float32, 3)
	mat32.Softplus(sp, x)
	fmt.Println(sp[0], sp[2] == 0)
	// Output:
	// 1000.6931
	// 1000 true
}
