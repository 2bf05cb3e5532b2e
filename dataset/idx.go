package dataset

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/belief-ml/belief/mat32"
)

// IDX element type codes (the third byte of the magic number).
const (
	idxUbyte  = 0x08
	idxSbyte  = 0x09
	idxShort  = 0x0B
	idxInt    = 0x0C
	idxFloat  = 0x0D
	idxDouble = 0x0E
)

// maxIDXElements bounds the number of elements an IDX header may claim
// (8 GiB as float32), whatever the file holds.
const maxIDXElements = 1 << 31

// maxIDXDims bounds the number of dimensions of an IDX file.
const maxIDXDims = 16

// deflateMaxRatio bounds how many bytes a deflate stream can expand to per
// compressed byte (about 1032 for the deflate format); used to cap
// allocations for gzip input by what the compressed file could hold.
const deflateMaxRatio = 1100

type idxHeader struct {
	typ   byte
	dims  []int
	n     int // number of elements: the product of dims
	esize int // bytes per element
	len   int // header length in bytes
}

func idxTypeSize(t byte) (size int, name string) {
	switch t {
	case idxUbyte:
		return 1, "unsigned byte"
	case idxSbyte:
		return 1, "signed byte"
	case idxShort:
		return 2, "short"
	case idxInt:
		return 4, "int"
	case idxFloat:
		return 4, "float"
	case idxDouble:
		return 8, "double"
	}
	return 0, ""
}

func (h *idxHeader) shape() string {
	s := make([]string, len(h.dims))
	for i, d := range h.dims {
		s[i] = fmt.Sprint(d)
	}
	return strings.Join(s, "x")
}

// readIDXHeader reads and checks the magic number and the dimensions.
func readIDXHeader(r io.Reader, name string) (*idxHeader, error) {
	var magic [4]byte
	if n, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, readErr(name, n, "magic number", err)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, formatErr(name, "offset 0", "not an IDX file: magic number % x does not start with two zero bytes", magic)
	}
	h := &idxHeader{typ: magic[2]}
	var tname string
	h.esize, tname = idxTypeSize(h.typ)
	if h.esize == 0 {
		return nil, formatErr(name, "offset 2", "unknown IDX element type 0x%02x", h.typ)
	}
	nd := int(magic[3])
	if nd < 1 || nd > maxIDXDims {
		return nil, formatErr(name, "offset 3", "IDX file with %d dimensions (want 1 to %d)", nd, maxIDXDims)
	}
	var buf [4 * maxIDXDims]byte
	if n, err := io.ReadFull(r, buf[:4*nd]); err != nil {
		return nil, readErr(name, 4+n, "dimensions", err)
	}
	h.dims = make([]int, nd)
	h.n = 1
	for i := range h.dims {
		d := binary.BigEndian.Uint32(buf[4*i:])
		h.dims[i] = int(d)
		if d != 0 && uint64(h.n)*uint64(d) > maxIDXElements {
			return nil, formatErr(name, fmt.Sprintf("offset %d", 4+4*i), "header claims more than %d elements (dimensions %v so far), %s", maxIDXElements, h.dims[:i+1], tname)
		}
		h.n *= int(d)
	}
	h.len = 4 + 4*nd
	return h, nil
}

// readErr turns an error of io.ReadFull at byte offset off into a FormatError
// for truncation, or wraps an I/O error with the file name.
func readErr(name string, off int, what string, err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return formatErr(name, fmt.Sprintf("offset %d", off), "file ends in the %s", what)
	}
	return streamErr(name, off, err)
}

// streamErr reports a read error at offset off; gzip format errors are
// format errors, other errors are wrapped I/O errors.
func streamErr(name string, off int, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return formatErr(name, fmt.Sprintf("offset %d of the decompressed data", off), "truncated gzip stream")
	}
	if errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || strings.HasPrefix(err.Error(), "flate:") {
		return formatErr(name, fmt.Sprintf("offset %d of the decompressed data", off), "bad gzip stream: %v", err)
	}
	return fmt.Errorf("dataset: %s: offset %d: %w", name, off, err)
}

// readIDXData reads the h.n*h.esize data bytes that follow the header and
// checks that nothing follows them. If limit >= 0 the source is known to hold
// at most limit more bytes; hint (if > 0) is the expected number of bytes.
// Memory grows as data arrives, so that a lying header costs at most about
// twice the data actually present.
func readIDXData(r io.Reader, name string, h *idxHeader, limit, hint int64) ([]byte, error) {
	need := int64(h.n) * int64(h.esize)
	_, tname := idxTypeSize(h.typ)
	if limit >= 0 && need > limit {
		return nil, formatErr(name, "header", "header claims %d bytes of data (%s elements of type %s) but the file holds only %d after the header", need, h.shape(), tname, limit)
	}
	c := min(need, 1<<20)
	if limit >= 0 {
		c = need
	} else if hint > 0 {
		c = min(need, hint)
	}
	buf := make([]byte, 0, c)
	for int64(len(buf)) < need {
		if len(buf) == cap(buf) {
			nb := make([]byte, len(buf), min(need, 2*int64(cap(buf))+1<<16))
			copy(nb, buf)
			buf = nb
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, streamErr(name, h.len+len(buf), err)
		}
	}
	if int64(len(buf)) < need {
		return nil, formatErr(name, fmt.Sprintf("offset %d", h.len+len(buf)),
			"truncated: data ends after %d of the %d bytes the header claims (%s elements of type %s)", len(buf), need, h.shape(), tname)
	}
	// Nothing may follow the data; reading to the end also makes gzip
	// check its CRC.
	var one [1]byte
	for {
		n, err := r.Read(one[:])
		if n > 0 {
			return nil, formatErr(name, fmt.Sprintf("offset %d", h.len+len(buf)), "unexpected data after the %s elements the header claims", h.shape())
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, streamErr(name, h.len+len(buf), err)
		}
	}
}

// sniffGzip returns a reader of the decompressed data if r starts with the
// gzip magic bytes 0x1f 0x8b, else a reader of r's bytes.
func sniffGzip(r io.Reader, name string) (io.Reader, bool, error) {
	br := bufio.NewReader(r)
	p, err := br.Peek(2)
	if len(p) == 2 && p[0] == 0x1f && p[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, true, formatErr(name, "offset 0", "bad gzip header: %v", err)
		}
		zr.Multistream(false)
		return zr, true, nil
	}
	if err != nil && err != io.EOF {
		return nil, false, fmt.Errorf("dataset: %s: %w", name, err)
	}
	return br, false, nil
}

// ReadIDX reads an IDX file (the MNIST format), raw or gzip-compressed
// (detected by its magic bytes), from r. The first dimension counts the
// examples; the others are flattened into the columns of X. Unsigned-byte
// data are scaled by 1/255 into [0, 1]; other element types (signed byte,
// short, int, float, double) are kept as they are and must be finite.
// Three-dimensional files set Height and Width from the last two
// dimensions. name is used in errors and as the set's Name.
func ReadIDX(r io.Reader, name string) (*Set, error) {
	zr, _, err := sniffGzip(r, name)
	if err != nil {
		return nil, err
	}
	return decodeIDX(zr, name, -1, 0)
}

func decodeIDX(r io.Reader, name string, limit, hint int64) (*Set, error) {
	h, err := readIDXHeader(r, name)
	if err != nil {
		return nil, err
	}
	if limit >= 0 {
		limit -= int64(h.len)
	}
	raw, err := readIDXData(r, name, h, limit, hint)
	if err != nil {
		return nil, err
	}
	if h.n == 0 {
		return nil, formatErr(name, "header", "empty data set (%s)", h.shape())
	}
	rows := h.dims[0]
	x := mat32.NewDense(rows, h.n/rows, nil)
	if err := idxToFloat(x.Data, raw, h, name); err != nil {
		return nil, err
	}
	set := &Set{X: x, Name: name}
	if len(h.dims) == 3 {
		set.Height, set.Width = h.dims[1], h.dims[2]
	}
	return set, nil
}

func idxToFloat(dst []float32, raw []byte, h *idxHeader, name string) error {
	if h.typ == idxUbyte {
		var scale [256]float32
		for i := range scale {
			scale[i] = float32(i) / 255
		}
		for i, b := range raw[:len(dst)] {
			dst[i] = scale[b]
		}
		return nil
	}
	be := binary.BigEndian
	for i := range dst {
		var v float32
		switch h.typ {
		case idxSbyte:
			v = float32(int8(raw[i]))
		case idxShort:
			v = float32(int16(be.Uint16(raw[2*i:])))
		case idxInt:
			v = float32(int32(be.Uint32(raw[4*i:])))
		case idxFloat:
			v = math.Float32frombits(be.Uint32(raw[4*i:]))
		case idxDouble:
			v = float32(math.Float64frombits(be.Uint64(raw[8*i:])))
		}
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return formatErr(name, fmt.Sprintf("offset %d", h.len+i*h.esize), "element %d is %v", i, v)
		}
		dst[i] = v
	}
	return nil
}

// ReadIDXLabels reads a one-dimensional IDX file of integer class labels
// (raw or gzip-compressed) from r. Labels must lie in [0, MaxLabel].
func ReadIDXLabels(r io.Reader, name string) ([]int, error) {
	zr, _, err := sniffGzip(r, name)
	if err != nil {
		return nil, err
	}
	return decodeIDXLabels(zr, name, -1, 0)
}

func decodeIDXLabels(r io.Reader, name string, limit, hint int64) ([]int, error) {
	h, err := readIDXHeader(r, name)
	if err != nil {
		return nil, err
	}
	if len(h.dims) != 1 {
		return nil, formatErr(name, "header", "labels file has %d dimensions (%s), want 1", len(h.dims), h.shape())
	}
	if h.typ == idxFloat || h.typ == idxDouble {
		return nil, formatErr(name, "offset 2", "labels file has non-integer element type 0x%02x", h.typ)
	}
	if limit >= 0 {
		limit -= int64(h.len)
	}
	raw, err := readIDXData(r, name, h, limit, hint)
	if err != nil {
		return nil, err
	}
	labels := make([]int, h.n)
	be := binary.BigEndian
	for i := range labels {
		var l int
		switch h.typ {
		case idxUbyte:
			l = int(raw[i])
		case idxSbyte:
			l = int(int8(raw[i]))
		case idxShort:
			l = int(int16(be.Uint16(raw[2*i:])))
		case idxInt:
			l = int(int32(be.Uint32(raw[4*i:])))
		}
		if l < 0 || l > MaxLabel {
			return nil, formatErr(name, fmt.Sprintf("offset %d", h.len+i*h.esize), "label %d of item %d is outside [0, %d]", l, i, MaxLabel)
		}
		labels[i] = l
	}
	return labels, nil
}

// openIDX opens path and returns a reader of its IDX bytes, the most bytes
// that the IDX stream can hold (-1 if unknown) and the expected size of the
// decompressed stream (0 if unknown) for gzip files.
func openIDX(path string) (io.Reader, *os.File, int64, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, 0, 0, fmt.Errorf("dataset: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, 0, 0, fmt.Errorf("dataset: %w", err)
	}
	size := fi.Size()
	r, gz, err := sniffGzip(f, path)
	if err != nil {
		f.Close()
		return nil, nil, 0, 0, err
	}
	if !gz {
		return r, f, size, 0, nil
	}
	// The gzip trailer holds the decompressed size modulo 2^32; use it,
	// capped by what the compressed size could expand to, as a hint for the
	// first allocation.
	var hint int64
	var tail [4]byte
	if size >= 18 {
		if _, err := f.ReadAt(tail[:], size-4); err == nil {
			hint = min(int64(binary.LittleEndian.Uint32(tail[:])), deflateMaxRatio*size)
		}
	}
	return r, f, -1, hint, nil
}

// LoadIDX reads an IDX images file and, if labelsPath is not empty, the IDX
// labels file that goes with it; either may be gzip-compressed. The number
// of labels must equal the number of images. See ReadIDX for the format.
// The set's Name is imagesPath.
func LoadIDX(imagesPath, labelsPath string) (*Set, error) {
	r, f, limit, hint, err := openIDX(imagesPath)
	if err != nil {
		return nil, err
	}
	set, err := decodeIDX(r, imagesPath, limit, hint)
	f.Close()
	if err != nil {
		return nil, err
	}
	if labelsPath == "" {
		return set, nil
	}
	r, f, limit, hint, err = openIDX(labelsPath)
	if err != nil {
		return nil, err
	}
	labels, err := decodeIDXLabels(r, labelsPath, limit, hint)
	f.Close()
	if err != nil {
		return nil, err
	}
	if len(labels) != set.X.Rows {
		return nil, formatErr(labelsPath, "header", "%d labels for the %d images of %s", len(labels), set.X.Rows, imagesPath)
	}
	set.Labels = labels
	return set, nil
}
