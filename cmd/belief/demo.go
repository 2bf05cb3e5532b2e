package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func init() {
	registerFresh(&Command{
		Name:      "demo",
		UsageLine: "demo [-o dir] [-hidden 500] [-method pcd] [-lr 0.01] [-epochs 10] [-ais-betas 14501]",
		Short:     "the main job: train an RBM on MNIST, draw what it learned, measure its likelihood",
		Long: `Demo runs, one after the other, the commands a user would type to train an
RBM on binarized MNIST and look at it, and prints each command before it runs
it, so that every step can be rerun by hand:

  belief data   -data mnist -png DIR/mnist.png
  belief train  rbm -data mnist -hidden H -method M -lr L -momentum P -epochs E -o DIR/rbm.belief
  belief show   -model DIR/rbm.belief -o DIR/filters.png     (and DIR/filters-curves.png)
  belief sample -model DIR/rbm.belief -n 100 -steps 1000 -o DIR/samples.png
  belief sample -model DIR/rbm.belief -n 10 -steps 1000 -every 100 -o DIR/chains.png
  belief eval   -model DIR/rbm.belief -data mnist -split test -ais-betas B

The last step estimates log Z by annealed importance sampling and prints the
average test log-likelihood in nats, with the interval AIS gives.`,
	}, func() flagRunner { return &demoCmd{} })
}

type demoCmd struct {
	dir      string
	hidden   int
	method   string
	epochs   int
	lr       string
	momentum string
	betas    int
	seed     uint64
	skipEval bool
}

func (d *demoCmd) define(fs *flag.FlagSet) {
	fs.StringVar(&d.dir, "o", "out", "output `folder` for the model and the pictures")
	fs.IntVar(&d.hidden, "hidden", 500, "number of hidden units")
	fs.StringVar(&d.method, "method", "pcd", "training method: cd, pcd or pt")
	fs.IntVar(&d.epochs, "epochs", 10, "training epochs")
	fs.StringVar(&d.momentum, "momentum", "0.5", "momentum after the first 5 epochs (PCD's likelihood suffers with the guide's 0.9; see BENCHMARKS.md)")
	fs.StringVar(&d.lr, "lr", "0.01", "learning rate (0.01 gives far better likelihoods than the practical guide's 0.1; see BENCHMARKS.md)")
	fs.IntVar(&d.betas, "ais-betas", 14501, "AIS inverse temperatures of the likelihood estimate")
	fs.Uint64Var(&d.seed, "seed", 1, "random seed")
	fs.BoolVar(&d.skipEval, "no-eval", false, "skip the likelihood estimate")
}

func (d *demoCmd) run(fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected arguments %q", args)
	}
	if err := os.MkdirAll(d.dir, 0o755); err != nil {
		return err
	}
	model := filepath.Join(d.dir, "rbm.belief")
	seed := strconv.FormatUint(d.seed, 10)
	steps := [][]string{
		{"data", "-data", "mnist", "-png", filepath.Join(d.dir, "mnist.png")},
		{"train", "rbm", "-data", "mnist", "-hidden", strconv.Itoa(d.hidden), "-method", d.method,
			"-lr", d.lr, "-momentum", d.momentum, "-epochs", strconv.Itoa(d.epochs), "-seed", seed, "-o", model},
		{"show", "-model", model, "-o", filepath.Join(d.dir, "filters.png")},
		{"sample", "-model", model, "-n", "100", "-steps", "1000", "-seed", seed, "-o", filepath.Join(d.dir, "samples.png")},
		{"sample", "-model", model, "-n", "10", "-steps", "1000", "-every", "100", "-seed", seed, "-o", filepath.Join(d.dir, "chains.png")},
	}
	if !d.skipEval {
		steps = append(steps, []string{"eval", "-model", model, "-data", "mnist", "-split", "test",
			"-ais-betas", strconv.Itoa(d.betas), "-train-rows", "10000"})
	}
	start := time.Now()
	for _, s := range steps {
		fmt.Fprintf(stdout, "\n$ belief %s\n", strings.Join(s, " "))
		c, ok := commands[s[0]]
		if !ok {
			return fmt.Errorf("internal error: no command %q", s[0])
		}
		if err := c.Flags.Parse(s[1:]); err != nil {
			return fmt.Errorf("belief %s: %v", s[0], err)
		}
		t0 := time.Now()
		if err := c.Run(c, c.Flags.Args()); err != nil {
			return fmt.Errorf("belief %s: %w", s[0], err)
		}
		fmt.Fprintf(stdout, "(%.1f s)\n", time.Since(t0).Seconds())
	}
	fmt.Fprintf(stdout, "\ndemo done in %.0f s; pictures and the model are in %s/\n", time.Since(start).Seconds(), d.dir)
	return nil
}
