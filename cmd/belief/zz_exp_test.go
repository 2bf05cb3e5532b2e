package main

// Temporary experiment harness (not committed): retrain the top RBM of a
// DBN file with other settings and print the held-out error per epoch.

import (
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/belief-ml/belief/dataset"
	"github.com/belief-ml/belief/dbn"
	"github.com/belief-ml/belief/rbm"
	"github.com/belief-ml/belief/rng"
)

func envf(k string, d float64) float64 {
	if v := os.Getenv(k); v != "" {
		f, _ := strconv.ParseFloat(v, 64)
		return f
	}
	return d
}

func TestExpTop(t *testing.T) {
	path := os.Getenv("EXP_MODEL")
	if path == "" {
		t.Skip()
	}
	md, err := loadDBN(path)
	if err != nil {
		t.Fatal(err)
	}
	d := md.DBN
	tr, err := dataset.Open("mnist", dataset.OpenOptions{Split: "train", Binarize: "none"})
	if err != nil {
		t.Fatal(err)
	}
	te, err := dataset.Open("mnist", dataset.OpenOptions{Split: "test", Binarize: "none"})
	if err != nil {
		t.Fatal(err)
	}
	L := len(d.Layers)
	g := dbn.NewGreedyTrainer(d, nil, rng.New(1))
	x := g.Input(L-1, tr.X, tr.Labels)
	top := d.Layers[L-1]
	s := rbm.Settings{
		LearningRate: float32(envf("LR", 0.1)), K: int(envf("K", 1)), Epochs: 1,
		WeightCost: float32(envf("WC", 0.0002)), Momentum: float32(envf("MOM", 0.9)),
		Decay: float32(envf("DECAY", 0)), MonitorRows: -1, ExactLL: rbm.ExactNever,
	}
	if envf("PCD", 0) > 0 {
		s.Method = rbm.PCD
	}
	top.Init(x, rng.New(uint64(envf("SEED", 7))))
	trn := rbm.NewTrainer(top, &s, rng.New(uint64(envf("SEED", 7))+1))
	E := int(envf("EPOCHS", 50))
	for e := 1; e <= E; e++ {
		trn.Settings.Epochs = e
		if _, err := trn.Epoch(x); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("epoch %d valid-error %.4f train-error(10k) %.4f\n", e, d.ErrorRate(te.X, te.Labels), d.ErrorRate(tr.X.Slice(0, 10000, 0, 784), tr.Labels[:10000]))
	}
}
