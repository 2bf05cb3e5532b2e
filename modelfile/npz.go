package modelfile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"
)

// npyMagic starts every .npy file; the two bytes after it are the format
// version (major, minor).
const npyMagic = "\x93NUMPY"

// maxNPYHeader bounds the header dictionary of a .npy entry. NumPy itself
// refuses headers over 10000 bytes unless told otherwise; a float array
// with 32 dimensions needs under 1000.
const maxNPYHeader = 1 << 16

// maxDeflateRatio is the largest ratio of uncompressed to compressed size
// that DEFLATE can reach (a stream of 258-byte matches costs just over a
// quarter of a byte each). A larger claim in a .npz directory is a lie, and
// is refused before anything is allocated for it.
const maxDeflateRatio = 1032

// zipEpoch is the modification time written into .npz entries, the earliest
// a ZIP file can record (NumPy writes the same), so that the same arrays
// always give the same bytes.
var zipEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteNPZ writes arrays to path as an uncompressed NumPy .npz archive, one
// entry "NAME.npy" per array (format 1.0, C order, dtype '<f4' or '<f8'), so
// that numpy.load(path)["W"] gives the array with its shape. Like Write, it
// replaces path atomically.
func WriteNPZ(path string, arrays []Array) error {
	if err := validateArrays(arrays); err != nil {
		return err
	}
	return writeAtomic(path, func(w io.Writer) error { return EncodeNPZ(w, arrays) })
}

func validateArrays(arrays []Array) error {
	seen := make(map[string]bool, len(arrays))
	for i := range arrays {
		if err := arrays[i].validate(); err != nil {
			return err
		}
		if seen[arrays[i].Name] {
			return fmt.Errorf("modelfile: two arrays named %q", arrays[i].Name)
		}
		seen[arrays[i].Name] = true
	}
	return nil
}

// EncodeNPZ writes arrays to w as an uncompressed .npz archive; see WriteNPZ.
func EncodeNPZ(w io.Writer, arrays []Array) error {
	if err := validateArrays(arrays); err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for i := range arrays {
		a := &arrays[i]
		ew, err := zw.CreateHeader(&zip.FileHeader{Name: a.Name + ".npy", Method: zip.Store, Modified: zipEpoch})
		if err != nil {
			return err
		}
		if err := writeNPY(ew, a); err != nil {
			return err
		}
	}
	return zw.Close()
}

// npyHeader returns the .npy preamble for a: magic, version 1.0, header
// length, and the header dictionary padded with spaces and a newline so that
// the data starts at a multiple of 64 bytes, as NumPy does.
func npyHeader(a *Array) []byte {
	descr := "<f4"
	if a.Is64() {
		descr = "<f8"
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shapeString(a.Shape))
	n := 10 + len(dict) + 1
	pad := (64 - n%64) % 64
	hlen := len(dict) + pad + 1
	b := make([]byte, 0, 10+hlen)
	b = append(b, npyMagic...)
	b = append(b, 1, 0)
	b = binary.LittleEndian.AppendUint16(b, uint16(hlen))
	b = append(b, dict...)
	b = append(b, bytes.Repeat([]byte{' '}, pad)...)
	return append(b, '\n')
}

func writeNPY(w io.Writer, a *Array) error {
	if _, err := w.Write(npyHeader(a)); err != nil {
		return err
	}
	var buf [32 << 10]byte
	if a.Is64() {
		for d := a.Data64; len(d) > 0; {
			n := min(len(d), len(buf)/8)
			for i, v := range d[:n] {
				binary.LittleEndian.PutUint64(buf[8*i:], math.Float64bits(v))
			}
			if _, err := w.Write(buf[:8*n]); err != nil {
				return err
			}
			d = d[n:]
		}
		return nil
	}
	for d := a.Data; len(d) > 0; {
		n := min(len(d), len(buf)/4)
		for i, v := range d[:n] {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		if _, err := w.Write(buf[:4*n]); err != nil {
			return err
		}
		d = d[n:]
	}
	return nil
}

// ReadNPZ reads the arrays of the NumPy .npz archive at path, as written by
// WriteNPZ, numpy.savez or numpy.savez_compressed. Arrays keep their dtype:
// float32 ones fill Data, float64 ones Data64 (Array.Float32 and File.Dense
// convert). Fortran-order arrays are transposed into C order. Any other
// dtype, a damaged archive, or a member that is not a .npy array gives a
// *FormatError naming the file and the array.
func ReadNPZ(path string) ([]Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	arrays, err := DecodeNPZ(f, fi.Size())
	if err != nil {
		if fe, ok := err.(*FormatError); ok {
			fe.File = path
		}
		return nil, err
	}
	return arrays, nil
}

// ReadNPZFile reads a .npz archive as a File of the given kind, so that a
// model package can load NumPy arrays with the same code as a model file.
func ReadNPZFile(path, kind string) (*File, error) {
	arrays, err := ReadNPZ(path)
	if err != nil {
		return nil, err
	}
	return &File{Kind: kind, Arrays: arrays, Path: path}, nil
}

// DecodeNPZ reads the arrays of a .npz archive of size bytes from r; see
// ReadNPZ. No allocation is larger than the archive could hold: a stored
// entry's data is at most its size in the archive, a compressed entry's at
// most what DEFLATE can expand it to.
func DecodeNPZ(r io.ReaderAt, size int64) ([]Array, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		// An insecure path is a name with "..", a leading "/" and so on:
		// checkName refuses such names below, with a clearer message.
		return nil, &FormatError{Offset: -1, Msg: "not a valid .npz (ZIP) archive: " + err.Error()}
	}
	arrays := make([]Array, 0, len(zr.File))
	seen := make(map[string]bool, len(zr.File))
	// Members whose data overlap could make a small archive expand without
	// bound (one compressed kernel decoded once per member), so the members
	// must not claim more compressed bytes in all than the archive holds.
	var stored uint64
	for _, zf := range zr.File {
		stored += zf.CompressedSize64
		if stored > uint64(size) || stored < zf.CompressedSize64 {
			return nil, &FormatError{Offset: -1, Msg: fmt.Sprintf("the archive's members claim more compressed bytes than its %d bytes hold (overlapping members?)", size)}
		}
	}
	for _, zf := range zr.File {
		name, ok := strings.CutSuffix(zf.Name, ".npy")
		if !ok {
			return nil, &FormatError{Offset: -1, Msg: fmt.Sprintf("archive member %q is not a .npy array", zf.Name)}
		}
		if msg := checkName(name); msg != "" {
			return nil, &FormatError{Offset: -1, Msg: fmt.Sprintf("archive member %q: array %s", zf.Name, msg)}
		}
		if seen[name] {
			return nil, &FormatError{Offset: -1, Msg: fmt.Sprintf("two archive members named %q", zf.Name)}
		}
		seen[name] = true
		a, err := readNPY(zf)
		if err != nil {
			return nil, &FormatError{Offset: -1, Msg: fmt.Sprintf("array %q: %v", name, err)}
		}
		a.Name = name
		arrays = append(arrays, a)
	}
	return arrays, nil
}

// readNPY decodes one archive member holding a .npy file.
func readNPY(zf *zip.File) (Array, error) {
	var a Array
	total := zf.UncompressedSize64
	switch zf.Method {
	case zip.Store:
		if total != zf.CompressedSize64 {
			return a, fmt.Errorf("stored member claims %d bytes but occupies %d", total, zf.CompressedSize64)
		}
	case zip.Deflate:
		if total/maxDeflateRatio > zf.CompressedSize64 {
			return a, fmt.Errorf("member claims %d bytes from %d compressed ones, more than DEFLATE can expand to", total, zf.CompressedSize64)
		}
	default:
		return a, fmt.Errorf("unsupported ZIP compression method %d", zf.Method)
	}
	rc, err := zf.Open()
	if err != nil {
		return a, err
	}
	defer rc.Close()

	var pre [10]byte
	if total < uint64(len(pre)) {
		return a, fmt.Errorf("%d bytes is too short for a .npy file", total)
	}
	if _, err := io.ReadFull(rc, pre[:8]); err != nil {
		return a, readErr(err)
	}
	if string(pre[:6]) != npyMagic {
		return a, errors.New("not a .npy file (bad magic bytes)")
	}
	major := pre[6]
	prefix := uint64(10)
	var hlen uint64
	switch major {
	case 1:
		if _, err := io.ReadFull(rc, pre[8:10]); err != nil {
			return a, readErr(err)
		}
		hlen = uint64(binary.LittleEndian.Uint16(pre[8:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(rc, b[:]); err != nil {
			return a, readErr(err)
		}
		hlen = uint64(binary.LittleEndian.Uint32(b[:]))
		prefix = 12
	default:
		return a, fmt.Errorf(".npy format version %d.%d is not supported (1.0 to 3.0 are)", pre[6], pre[7])
	}
	if hlen > maxNPYHeader || prefix+hlen > total {
		return a, fmt.Errorf(".npy header of %d bytes does not fit (%d bytes in the member, limit %d)", hlen, total, maxNPYHeader)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(rc, hdr); err != nil {
		return a, readErr(err)
	}
	h, err := parseNPYHeader(string(hdr))
	if err != nil {
		return a, err
	}
	a.Shape = h.shape
	dataLen := total - prefix - hlen
	n, msg := shapeLen(h.shape, int(min(dataLen/uint64(h.size), math.MaxInt)))
	if msg != "" {
		return a, fmt.Errorf("shape %s needs more than the %d data bytes of the member", shapeString(h.shape), dataLen)
	}
	if uint64(n)*uint64(h.size) != dataLen {
		return a, fmt.Errorf("shape %s needs %d data bytes but the member has %d", shapeString(h.shape), n*h.size, dataLen)
	}
	var order binary.ByteOrder = binary.LittleEndian
	if h.bigEndian {
		order = binary.BigEndian
	}
	var buf [32 << 10]byte
	if h.size == 4 {
		a.Data = make([]float32, n)
		for d := a.Data; len(d) > 0; {
			k := min(len(d), len(buf)/4)
			if _, err := io.ReadFull(rc, buf[:4*k]); err != nil {
				return a, readErr(err)
			}
			for i := range d[:k] {
				d[i] = math.Float32frombits(order.Uint32(buf[4*i:]))
			}
			d = d[k:]
		}
		if h.fortran {
			a.Data = fortranToC(a.Data, a.Shape)
		}
	} else {
		a.Data64 = make([]float64, n)
		for d := a.Data64; len(d) > 0; {
			k := min(len(d), len(buf)/8)
			if _, err := io.ReadFull(rc, buf[:8*k]); err != nil {
				return a, readErr(err)
			}
			for i := range d[:k] {
				d[i] = math.Float64frombits(order.Uint64(buf[8*i:]))
			}
			d = d[k:]
		}
		if h.fortran {
			a.Data64 = fortranToC(a.Data64, a.Shape)
		}
	}
	// Reading to the end makes the ZIP reader check the CRC-32 and length.
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return a, readErr(err)
	}
	return a, nil
}

func readErr(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return errors.New("member data ends early")
	}
	if errors.Is(err, zip.ErrChecksum) {
		return errors.New("corrupted: ZIP checksum mismatch")
	}
	return err
}

// fortranToC returns the C-order (row-major) copy of src, which holds an
// array of the given shape in Fortran (column-major) order.
func fortranToC[T float32 | float64](src []T, shape []int) []T {
	if len(shape) < 2 || len(src) == 0 {
		return src
	}
	// fstride[j] is the step in src for a step along dimension j.
	fstride := make([]int, len(shape))
	s := 1
	for j, d := range shape {
		fstride[j] = s
		s *= d
	}
	dst := make([]T, len(src))
	idx := make([]int, len(shape))
	off := 0
	last := len(shape) - 1
	for i := range dst {
		dst[i] = src[off]
		// Advance the C-order index, last dimension fastest.
		for j := last; j >= 0; j-- {
			idx[j]++
			off += fstride[j]
			if idx[j] < shape[j] {
				break
			}
			off -= idx[j] * fstride[j]
			idx[j] = 0
		}
	}
	return dst
}

type npyHeaderInfo struct {
	size      int // bytes per element, 4 or 8
	bigEndian bool
	fortran   bool
	shape     []int
}

// parseNPYHeader parses the Python dictionary literal of a .npy header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
// It accepts exactly the keys descr, fortran_order and shape, as NumPy does.
func parseNPYHeader(s string) (npyHeaderInfo, error) {
	var h npyHeaderInfo
	p := pyParser{s: strings.TrimRight(s, " \t\n\x00")}
	if !p.eat('{') {
		return h, errors.New("malformed .npy header: no '{'")
	}
	var descr string
	have := map[string]bool{}
	for !p.eat('}') {
		key, ok := p.str()
		if !ok || !p.eat(':') {
			return h, fmt.Errorf("malformed .npy header at byte %d: %.80q", p.i, s)
		}
		if have[key] {
			return h, fmt.Errorf("malformed .npy header: key %q repeated", key)
		}
		have[key] = true
		switch key {
		case "descr":
			if descr, ok = p.str(); !ok {
				return h, fmt.Errorf("malformed .npy header: descr is not a string: %.80q", s)
			}
		case "fortran_order":
			if h.fortran, ok = p.boolean(); !ok {
				return h, fmt.Errorf("malformed .npy header: fortran_order is not True or False: %.80q", s)
			}
		case "shape":
			if h.shape, ok = p.tuple(); !ok {
				return h, fmt.Errorf("malformed .npy header: shape is not a tuple of sizes: %.80q", s)
			}
		default:
			return h, fmt.Errorf("unexpected key %q in .npy header", key)
		}
		if !p.eat(',') {
			if !p.eat('}') {
				return h, fmt.Errorf("malformed .npy header at byte %d: %.80q", p.i, s)
			}
			break
		}
	}
	p.space()
	if p.i != len(p.s) {
		return h, fmt.Errorf("malformed .npy header: text after the dictionary: %.80q", s)
	}
	if len(have) != 3 {
		return h, fmt.Errorf("malformed .npy header: want keys descr, fortran_order and shape: %.80q", s)
	}
	switch descr {
	case "<f4", "=f4":
		h.size = 4
	case ">f4":
		h.size, h.bigEndian = 4, true
	case "<f8", "=f8":
		h.size = 8
	case ">f8":
		h.size, h.bigEndian = 8, true
	default:
		return h, fmt.Errorf("dtype %q is not supported: belief reads float32 ('<f4') and float64 ('<f8') arrays; convert with a.astype(numpy.float32)", descr)
	}
	return h, nil
}

// pyParser reads the few Python literals a .npy header uses.
type pyParser struct {
	s string
	i int
}

func (p *pyParser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n') {
		p.i++
	}
}

func (p *pyParser) eat(c byte) bool {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// str reads a quoted string without escapes.
func (p *pyParser) str() (string, bool) {
	p.space()
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", false
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", false
	}
	v := p.s[p.i+1 : p.i+1+end]
	if strings.IndexByte(v, '\\') >= 0 {
		return "", false
	}
	p.i += end + 2
	return v, true
}

func (p *pyParser) boolean() (bool, bool) {
	p.space()
	switch {
	case strings.HasPrefix(p.s[p.i:], "True"):
		p.i += 4
		return true, true
	case strings.HasPrefix(p.s[p.i:], "False"):
		p.i += 5
		return false, true
	}
	return false, false
}

// tuple reads a tuple of non-negative integers: (), (5,), (3, 4).
func (p *pyParser) tuple() ([]int, bool) {
	if !p.eat('(') {
		return nil, false
	}
	shape := []int{}
	for !p.eat(')') {
		p.space()
		j := p.i
		for j < len(p.s) && '0' <= p.s[j] && p.s[j] <= '9' {
			j++
		}
		if j == p.i || j-p.i > 12 {
			return nil, false
		}
		// A trailing "L" marks a Python 2 long.
		d, err := strconv.Atoi(p.s[p.i:j])
		if err != nil || d > maxDim || len(shape) == maxDims {
			return nil, false
		}
		shape = append(shape, d)
		p.i = j
		if p.i < len(p.s) && p.s[p.i] == 'L' {
			p.i++
		}
		if !p.eat(',') {
			if !p.eat(')') {
				return nil, false
			}
			break
		}
	}
	return shape, true
}
