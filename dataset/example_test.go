package dataset_test

import (
	"fmt"
	"strings"

	"github.com/belief-ml/belief/dataset"
	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

func Example() {
	// A CSV file with a header and the label in the last column.
	in := "x1,x2,x3,x4,digit\n" +
		"0.1,0.9,0.8,0.0,1\n" +
		"0.7,0.2,0.6,0.3,0\n" +
		"1.0,0.0,0.5,0.9,1\n"
	set, err := dataset.ReadCSV(strings.NewReader(in), "digits.csv", dataset.CSVOptions{Labeled: true, LabelColumn: -1})
	if err != nil {
		fmt.Println(err)
		return
	}
	dataset.Threshold(set.X, 0.5)
	fmt.Print(dataset.Stats(set))

	// Mini-batches of 2 rows: views into set.X, no copies.
	b := dataset.NewBatcher(set, 2)
	for x, labels, ok := b.Next(); ok; x, labels, ok = b.Next() {
		fmt.Println(x.Rows, "rows, labels", labels)
	}

	// A broken file names the place.
	_, err = dataset.ReadCSV(strings.NewReader("1,2\n3,x\n"), "bad.csv", dataset.CSVOptions{})
	fmt.Println(err)
	// Output:
	// digits.csv: 3 examples of 4 values
	// values: min 0, max 1, mean 0.5; 50.0% zeros, 100.0% binary
	// labels: 0:1 1:2
	// 2 rows, labels [1 0]
	// 1 rows, labels [1]
	// dataset: bad.csv: line 2, column 2: "x" is not a finite number
}

func ExampleSampler() {
	set := &dataset.Set{X: mat32.NewDense(5, 1, []float32{0, 1, 2, 3, 4})}
	s := dataset.NewSampler(set, 2)
	buf := mat32.NewDense(2, 1, nil) // reused by every batch
	r := rng.New(1)
	for epoch := 0; epoch < 2; epoch++ {
		s.Shuffle(r) // a new order each epoch; set.X is untouched
		n := 0
		for x, _, ok := s.Next(buf, nil); ok; x, _, ok = s.Next(buf, nil) {
			n += x.Rows
		}
		fmt.Println("epoch", epoch, "saw", n, "rows")
	}
	// Output:
	// epoch 0 saw 5 rows
	// epoch 1 saw 5 rows
}
