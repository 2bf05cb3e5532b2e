package modelfile

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"slices"
	"unicode/utf8"
)

// Magic is the first eight bytes of every model file. Like PNG's signature
// it starts with a non-ASCII byte and holds CR, LF and ^Z, so that a file
// mangled by a text-mode transfer is recognised as damaged.
const Magic = "\x89BLF\r\n\x1a\n"

// Version is the newest format version this build reads and the one it
// writes.
const Version = 1

const (
	headerLen  = 8 + 4 + 8 // magic, version, total length
	trailerLen = 4         // CRC-32C
	minFileLen = headerLen + 4 + 4 + 4 + 4 + 4 + trailerLen

	dtypeFloat32 = 1
	dtypeFloat64 = 2
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// encodedLen returns the number of bytes Encode writes for f, which must be
// valid.
func (f *File) encodedLen() int64 {
	n := int64(headerLen + 4 + len(f.Kind) + 4)
	for k, v := range f.Meta {
		n += int64(4 + len(k) + 4 + len(v))
	}
	n += int64(4 + len(f.Settings) + 4 + len(f.History) + 4)
	for i := range f.Arrays {
		a := &f.Arrays[i]
		n += int64(4+len(a.Name)+1+1+8*len(a.Shape)) + int64(len(a.Data))*4 + int64(len(a.Data64))*8
	}
	return n + trailerLen
}

// Encode writes f to w in the model-file format described in the package
// documentation. It returns an error, writing nothing, if f is not valid:
// a bad Kind, name or Meta key, Settings or History that is not JSON, two
// arrays with one name, or a shape that does not match the data.
func Encode(w io.Writer, f *File) error {
	if err := f.validate(); err != nil {
		return err
	}
	e := encoder{w: bufio.NewWriterSize(w, 64<<10), crc: 0}
	e.raw([]byte(Magic))
	e.u32(Version)
	e.u64(uint64(f.encodedLen()))
	e.str(f.Kind)
	keys := make([]string, 0, len(f.Meta))
	for k := range f.Meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.u32(uint32(len(keys)))
	for _, k := range keys {
		e.str(k)
		e.str(f.Meta[k])
	}
	e.str(string(f.Settings))
	e.str(string(f.History))
	e.u32(uint32(len(f.Arrays)))
	for i := range f.Arrays {
		a := &f.Arrays[i]
		e.str(a.Name)
		if a.Is64() {
			e.u8(dtypeFloat64)
		} else {
			e.u8(dtypeFloat32)
		}
		e.u8(uint8(len(a.Shape)))
		for _, d := range a.Shape {
			e.u64(uint64(d))
		}
		if a.Is64() {
			e.float64s(a.Data64)
		} else {
			e.float32s(a.Data)
		}
	}
	var sum [4]byte
	binary.LittleEndian.PutUint32(sum[:], e.crc)
	if e.err == nil {
		_, e.err = e.w.Write(sum[:])
	}
	if e.err == nil {
		e.err = e.w.Flush()
	}
	return e.err
}

// encoder writes little-endian values, keeping a running CRC-32C and the
// first error.
type encoder struct {
	w   *bufio.Writer
	crc uint32
	err error
	buf [64 << 10]byte
}

func (e *encoder) raw(p []byte) {
	if e.err != nil {
		return
	}
	e.crc = crc32.Update(e.crc, castagnoli, p)
	_, e.err = e.w.Write(p)
}

func (e *encoder) u8(v uint8) { e.raw([]byte{v}) }

func (e *encoder) u32(v uint32) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	e.raw(b[:])
}

func (e *encoder) u64(v uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	e.raw(b[:])
}

func (e *encoder) str(s string) {
	e.u32(uint32(len(s)))
	e.raw([]byte(s))
}

func (e *encoder) float32s(d []float32) {
	for len(d) > 0 {
		n := min(len(d), len(e.buf)/4)
		for i, v := range d[:n] {
			binary.LittleEndian.PutUint32(e.buf[4*i:], math.Float32bits(v))
		}
		e.raw(e.buf[:4*n])
		d = d[n:]
	}
}

func (e *encoder) float64s(d []float64) {
	for len(d) > 0 {
		n := min(len(d), len(e.buf)/8)
		for i, v := range d[:n] {
			binary.LittleEndian.PutUint64(e.buf[8*i:], math.Float64bits(v))
		}
		e.raw(e.buf[:8*n])
		d = d[n:]
	}
}

// Write writes f to the file at path atomically: the data goes to a
// temporary file in the same directory, which is synced and then renamed
// over path, and the directory is synced. If anything fails, an existing
// file at path is left as it was and the temporary file is removed.
func Write(path string, f *File) error {
	if err := f.validate(); err != nil {
		return err
	}
	return writeAtomic(path, func(w io.Writer) error { return Encode(w, f) })
}

// Read reads the model file at path. A file that is not a model file, is
// damaged, or was written by a newer version of belief gives a
// *FormatError naming the file.
func Read(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := DecodeBytes(b)
	if err != nil {
		if fe, ok := err.(*FormatError); ok {
			fe.File = path
		}
		return nil, err
	}
	f.Path = path
	return f, nil
}

// Decode reads a whole model file from r. It reads r to its end; the memory
// it uses is proportional to the bytes read, whatever the file claims.
func Decode(r io.Reader) (*File, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return DecodeBytes(b)
}

// DecodeBytes decodes a model file held in b. The returned File does not
// share memory with b. Errors are *FormatError values that give the offset
// of the problem. It checks, in order: the magic bytes, the version, the
// length recorded in the header, the checksum, and then every field; no
// allocation is larger than the bytes that remain to justify it.
func DecodeBytes(b []byte) (*File, error) {
	if len(b) < len(Magic) || string(b[:len(Magic)]) != Magic {
		return nil, &FormatError{Offset: 0, Msg: "not a belief model file (bad magic bytes)"}
	}
	if len(b) < headerLen {
		return nil, &FormatError{Offset: int64(len(b)), Msg: fmt.Sprintf("truncated: the file has %d bytes, shorter than the %d-byte header", len(b), headerLen)}
	}
	v := binary.LittleEndian.Uint32(b[8:])
	if v > Version {
		return nil, &FormatError{Offset: 8, Msg: fmt.Sprintf("written by a newer belief (format v%d); this build reads up to v%d: upgrade belief", v, Version)}
	}
	if v == 0 {
		return nil, &FormatError{Offset: 8, Msg: "invalid format version 0"}
	}
	total := binary.LittleEndian.Uint64(b[12:])
	if total != uint64(len(b)) {
		if total > uint64(len(b)) {
			return nil, &FormatError{Offset: int64(len(b)), Msg: fmt.Sprintf("truncated: the header records %d bytes but the file has %d", total, len(b))}
		}
		return nil, &FormatError{Offset: 12, Msg: fmt.Sprintf("corrupted: the header records %d bytes but the file has %d", total, len(b))}
	}
	if len(b) < minFileLen {
		return nil, &FormatError{Offset: int64(len(b)), Msg: fmt.Sprintf("truncated: %d bytes is too short for a model file", len(b))}
	}
	end := len(b) - trailerLen
	want := binary.LittleEndian.Uint32(b[end:])
	if got := crc32.Checksum(b[:end], castagnoli); got != want {
		return nil, &FormatError{Offset: int64(end), Msg: fmt.Sprintf("corrupted: checksum mismatch (stored %08x, computed %08x)", want, got)}
	}
	d := decoder{b: b[:end], off: headerLen}
	f := d.file()
	if d.err != nil {
		return nil, d.err
	}
	if d.off != end {
		return nil, &FormatError{Offset: int64(d.off), Msg: fmt.Sprintf("%d unexpected bytes before the checksum", end-d.off)}
	}
	return f, nil
}

// decoder reads fields from b, stopping at the first error, which it
// records with its offset.
type decoder struct {
	b   []byte
	off int
	err *FormatError
}

func (d *decoder) fail(off int, format string, args ...any) {
	if d.err == nil {
		d.err = &FormatError{Offset: int64(off), Msg: fmt.Sprintf(format, args...)}
	}
}

func (d *decoder) left() int { return len(d.b) - d.off }

// next returns the next n bytes, or nil after recording an error naming
// what was being read.
func (d *decoder) next(n int, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > d.left() {
		d.fail(d.off, "%s needs %d bytes but only %d remain", what, n, d.left())
		return nil
	}
	p := d.b[d.off : d.off+n : d.off+n]
	d.off += n
	return p
}

func (d *decoder) u8(what string) uint8 {
	p := d.next(1, what)
	if p == nil {
		return 0
	}
	return p[0]
}

func (d *decoder) u32(what string) uint32 {
	p := d.next(4, what)
	if p == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(p)
}

func (d *decoder) u64(what string) uint64 {
	p := d.next(8, what)
	if p == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(p)
}

// bytes reads a length-prefixed byte string, checking the length against
// the bytes remaining before taking them.
func (d *decoder) bytes(what string) []byte {
	off := d.off
	n := d.u32(what + " length")
	if d.err != nil {
		return nil
	}
	if uint64(n) > uint64(d.left()) {
		d.fail(off, "%s claims %d bytes but only %d remain", what, n, d.left())
		return nil
	}
	return d.next(int(n), what)
}

// count reads an element count and checks that the remaining bytes could
// hold that many elements of at least minSize bytes each.
func (d *decoder) count(what string, minSize int) int {
	off := d.off
	n := d.u32(what)
	if d.err != nil {
		return 0
	}
	if uint64(n) > uint64(d.left()/minSize) {
		d.fail(off, "%s is %d but the remaining %d bytes hold at most %d", what, n, d.left(), d.left()/minSize)
		return 0
	}
	return int(n)
}

func (d *decoder) json(what string) json.RawMessage {
	off := d.off + 4
	p := d.bytes(what)
	if d.err != nil || len(p) == 0 {
		return nil
	}
	if !json.Valid(p) {
		d.fail(off, "%s is not valid JSON", what)
		return nil
	}
	return append(json.RawMessage(nil), p...)
}

func (d *decoder) file() *File {
	f := &File{}
	off := d.off + 4
	f.Kind = string(d.bytes("model kind"))
	if d.err != nil {
		return nil
	}
	if msg := checkKind(f.Kind); msg != "" {
		d.fail(off, "%s", msg)
		return nil
	}

	nmeta := d.count("metadata count", 8)
	if nmeta > 0 {
		f.Meta = make(map[string]string, nmeta)
	}
	prev := ""
	for i := 0; i < nmeta && d.err == nil; i++ {
		off := d.off + 4
		k := string(d.bytes("metadata key"))
		voff := d.off + 4
		v := string(d.bytes("metadata value"))
		if d.err != nil {
			return nil
		}
		if msg := checkName(k); msg != "" {
			d.fail(off, "metadata key: %s", msg)
		} else if i > 0 && k <= prev {
			d.fail(off, "metadata key %q is out of order or repeated", k)
		} else if !utf8.ValidString(v) {
			d.fail(voff, "metadata value for %q is not valid UTF-8", k)
		}
		f.Meta[k] = v
		prev = k
	}
	f.Settings = d.json("settings")
	f.History = d.json("history")

	// The smallest array record: name length, a one-byte name, dtype, ndim.
	narr := d.count("array count", 4+1+1+1)
	if d.err != nil {
		return nil
	}
	if narr > 0 {
		f.Arrays = make([]Array, 0, narr)
	}
	seen := make(map[string]bool, narr)
	for i := 0; i < narr && d.err == nil; i++ {
		a := d.array()
		if d.err != nil {
			break
		}
		if seen[a.Name] {
			d.fail(d.off, "two arrays named %q", a.Name)
			break
		}
		seen[a.Name] = true
		f.Arrays = append(f.Arrays, a)
	}
	if d.err != nil {
		return nil
	}
	return f
}

func (d *decoder) array() Array {
	var a Array
	start := d.off
	a.Name = string(d.bytes("array name"))
	if d.err != nil {
		return a
	}
	if msg := checkName(a.Name); msg != "" {
		d.fail(start+4, "array name: %s", msg)
		return a
	}
	toff := d.off
	dtype := d.u8("array dtype")
	ndim := int(d.u8("array dimensions"))
	if d.err != nil {
		return a
	}
	var size int
	switch dtype {
	case dtypeFloat32:
		size = 4
	case dtypeFloat64:
		size = 8
	default:
		d.fail(toff, "array %q: unknown element type %d", a.Name, dtype)
		return a
	}
	if ndim > maxDims {
		d.fail(toff+1, "array %q: %d dimensions (the limit is %d)", a.Name, ndim, maxDims)
		return a
	}
	if 8*ndim > d.left() {
		d.fail(d.off, "array %q: shape needs %d bytes but only %d remain", a.Name, 8*ndim, d.left())
		return a
	}
	a.Shape = make([]int, ndim)
	soff := d.off
	for j := range a.Shape {
		v := d.u64("array shape")
		if v > maxDim {
			d.fail(soff+8*j, "array %q: dimension %d is %d (the limit is %d)", a.Name, j, v, maxDim)
			return a
		}
		a.Shape[j] = int(v)
	}
	n, msg := shapeLen(a.Shape, d.left()/size)
	if msg != "" {
		d.fail(soff, "array %q: shape %s needs more than the remaining %d bytes", a.Name, shapeString(a.Shape), d.left())
		return a
	}
	p := d.next(n*size, "array data")
	if d.err != nil {
		return a
	}
	if size == 4 {
		a.Data = make([]float32, n)
		for i := range a.Data {
			a.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(p[4*i:]))
		}
	} else {
		a.Data64 = make([]float64, n)
		for i := range a.Data64 {
			a.Data64[i] = math.Float64frombits(binary.LittleEndian.Uint64(p[8*i:]))
		}
	}
	return a
}
