package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// The main job, shrunk: every step runs and writes its pictures.
func TestDemoSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	dir := t.TempDir()
	out := mustRun(t, "demo", "-o", dir, "-hidden", "10", "-epochs", "1", "-ais-betas", "200")
	for _, want := range []string{"$ belief train rbm", "$ belief eval", "test  log-likelihood", "demo done"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	for _, name := range []string{"mnist.png", "filters.png", "filters-curves.png", "samples.png", "chains.png"} {
		checkPNG(t, filepath.Join(dir, name), 28, 28)
	}
}
