package nn_test

import (
	"fmt"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/nn"
	"github.com/belief-ml/belief/rng"
)

// A 2-4-2 network learns XOR, which no linear classifier can.
func Example() {
	x := mat32.NewDense(4, 2, []float32{
		0, 0,
		0, 1,
		1, 0,
		1, 1,
	})
	labels := []int{0, 1, 1, 0}

	r := rng.New(1)
	net := nn.NewMLP([]int{2, 4, 2}) // sigmoid hidden layer, softmax output
	net.Init(r)
	res, err := nn.Train(net, x, labels, &nn.Settings{Epochs: 500, BatchSize: 4, LearningRate: 0.5}, r)
	if err != nil {
		fmt.Println(err)
		return
	}
	pred := make([]int, 4)
	net.Predict(pred, x)
	last := res.Stats[len(res.Stats)-1]
	fmt.Println("predictions:", pred)
	fmt.Printf("loss below 0.05: %v, error rate: %g\n", last.TrainLoss < 0.05, net.ErrorRate(x, labels))
	// Output:
	// predictions: [0 1 1 0]
	// loss below 0.05: true, error rate: 0
}
