package modelfile

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/belief-ml/belief/mat32"
	"github.com/belief-ml/belief/rng"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// randomFile returns a File with random arrays of both element types,
// metadata, settings and history.
func randomFile(r *rng.Stream) *File {
	f := &File{
		Kind: "rbm",
		Meta: map[string]string{
			"created": "2026-12-04T16:00:00Z",
			"belief":  "v0.1.0",
			"command": "belief train -nh 3 \"data set.csv\"",
			"unicode": "héllo ∑",
			"empty":   "",
		},
		Settings: json.RawMessage(`{"LearningRate":0.05,"Epochs":3,"Method":"pcd"}`),
		History:  json.RawMessage(`[{"epoch":1,"recon":0.5},{"epoch":2,"recon":0.25}]`),
	}
	nv, nh := 2+r.IntN(6), 1+r.IntN(5)
	w := mat32.NewDense(nv, nh, nil)
	for i := range w.Data {
		w.Data[i] = r.Float32()*2 - 1
	}
	f.AddDense("W", w)
	v := make([]float32, nv)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	f.AddVec("vbias", v)
	f.AddVec("hbias", make([]float32, nh))
	l := make([]float64, 1+r.IntN(4))
	for i := range l {
		l[i] = r.NormFloat64() * 100
	}
	f.AddVec64("logz", l)
	f.Arrays = append(f.Arrays,
		Array{Name: "scalar", Shape: []int{}, Data: []float32{float32(math.Inf(-1))}},
		Array{Name: "empty", Shape: []int{0, 7}, Data: []float32{}},
		Array{Name: "cube", Shape: []int{2, 1, 3}, Data64: []float64{1, 2, 3, 4, 5, math.NaN()}},
	)
	return f
}

func encode(t testing.TB, f *File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, f); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sameFile compares two Files, treating NaNs with equal bits as equal and
// a nil float32 slice as equal to an empty one.
func sameFile(t *testing.T, got, want *File) {
	t.Helper()
	if got.Kind != want.Kind || !reflect.DeepEqual(got.Meta, want.Meta) ||
		!bytes.Equal(got.Settings, want.Settings) || !bytes.Equal(got.History, want.History) {
		t.Fatalf("header fields differ:\ngot  %q %q %s %s\nwant %q %q %s %s",
			got.Kind, got.Meta, got.Settings, got.History, want.Kind, want.Meta, want.Settings, want.History)
	}
	if len(got.Arrays) != len(want.Arrays) {
		t.Fatalf("got %d arrays, want %d", len(got.Arrays), len(want.Arrays))
	}
	for i := range want.Arrays {
		g, w := &got.Arrays[i], &want.Arrays[i]
		if g.Name != w.Name || !reflect.DeepEqual(g.Shape, w.Shape) || g.Is64() != w.Is64() || g.Len() != w.Len() {
			t.Fatalf("array %d: got %q %v (64-bit %v), want %q %v (64-bit %v)", i, g.Name, g.Shape, g.Is64(), w.Name, w.Shape, w.Is64())
		}
		for j := range g.Data {
			if math.Float32bits(g.Data[j]) != math.Float32bits(w.Data[j]) {
				t.Fatalf("array %q element %d: got %v, want %v", g.Name, j, g.Data[j], w.Data[j])
			}
		}
		for j := range g.Data64 {
			if math.Float64bits(g.Data64[j]) != math.Float64bits(w.Data64[j]) {
				t.Fatalf("array %q element %d: got %v, want %v", g.Name, j, g.Data64[j], w.Data64[j])
			}
		}
	}
}

func TestRoundTrip(t *testing.T) {
	r := rng.New(1)
	for trial := 0; trial < 20; trial++ {
		f := randomFile(r)
		b := encode(t, f)
		if int64(len(b)) != f.encodedLen() {
			t.Fatalf("encoded %d bytes, encodedLen says %d", len(b), f.encodedLen())
		}
		g, err := DecodeBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		sameFile(t, g, f)
		if b2 := encode(t, g); !bytes.Equal(b, b2) {
			t.Fatal("re-encoding the decoded file changed its bytes")
		}
		g2, err := Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		sameFile(t, g2, f)
	}
}

func TestMinimalFile(t *testing.T) {
	b := encode(t, &File{Kind: "x"})
	if len(b) != minFileLen+1 {
		t.Errorf("minimal file has %d bytes, want %d", len(b), minFileLen+1)
	}
	f, err := DecodeBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if f.Kind != "x" || f.Meta != nil || f.Settings != nil || f.History != nil || f.Arrays != nil {
		t.Errorf("decoded %+v", f)
	}
}

func TestWriteRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.belief")
	f := randomFile(rng.New(2))
	if err := Write(path, f); err != nil {
		t.Fatal(err)
	}
	g, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	sameFile(t, g, f)
	if g.Path != path {
		t.Errorf("Path = %q, want %q", g.Path, path)
	}
	// Errors from Read name the file.
	b, _ := os.ReadFile(path)
	b[len(b)-10] ^= 1
	os.WriteFile(path, b, 0o644)
	_, err = Read(path)
	var fe *FormatError
	if !errors.As(err, &fe) || fe.File != path || !strings.Contains(err.Error(), path+": offset ") {
		t.Errorf("Read of a damaged file: %v; want a FormatError naming %s", err, path)
	}
	if _, err := Read(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Read of a missing file: %v", err)
	}
}

// goldenFile is the content of testdata/rbm_v1.belief.
func goldenFile() *File {
	f := &File{
		Kind:     "rbm",
		Meta:     map[string]string{"belief": "golden", "created": "2026-12-04T00:00:00Z"},
		Settings: json.RawMessage(`{"Epochs":1}`),
		History:  json.RawMessage(`[{"epoch":1}]`),
	}
	f.AddDense("W", mat32.NewDense(2, 3, []float32{1, -2, 3, -4, 5, -6}))
	f.AddVec("vbias", []float32{0.5, -0.5})
	f.AddVec("hbias", []float32{0.25, 0, -0.25})
	f.AddVec64("logz", []float64{math.Pi})
	return f
}

// TestGolden pins the version-1 format: the file in testdata, written by an
// earlier build, must still decode to the same content and re-encode to the
// same bytes. Run with -update only when the format version changes.
func TestGolden(t *testing.T) {
	path := filepath.Join("testdata", "rbm_v1.belief")
	want := goldenFile()
	if *update {
		if err := Write(path, want); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	sameFile(t, got, want)
	if !bytes.Equal(encode(t, want), b) {
		t.Error("encoding the golden content no longer gives the golden bytes")
	}
}

// reseal fixes the length and checksum of an encoded file after a test has
// changed its body, so that the decoder's field checks are reached.
func reseal(b []byte) []byte {
	b = append([]byte(nil), b...)
	binary.LittleEndian.PutUint64(b[12:], uint64(len(b)))
	end := len(b) - trailerLen
	binary.LittleEndian.PutUint32(b[end:], crc32.Checksum(b[:end], castagnoli))
	return b
}

// build encodes a file body given as a sequence of values: strings are
// written length-prefixed, raw []byte as is, uint8/uint32/uint64 little-endian.
func build(version uint32, parts ...any) []byte {
	var b bytes.Buffer
	b.WriteString(Magic)
	binary.Write(&b, binary.LittleEndian, version)
	binary.Write(&b, binary.LittleEndian, uint64(0))
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			binary.Write(&b, binary.LittleEndian, uint32(len(p)))
			b.WriteString(p)
		case []byte:
			b.Write(p)
		default:
			binary.Write(&b, binary.LittleEndian, p)
		}
	}
	b.Write([]byte{0, 0, 0, 0})
	return reseal(b.Bytes())
}

func TestDecodeErrors(t *testing.T) {
	u32, u64, u8 := func(v uint32) uint32 { return v }, func(v uint64) uint64 { return v }, func(v uint8) uint8 { return v }
	none := []any{u32(0), "", "", u32(0)} // no meta, settings, history, arrays
	arr := func(name string, dtype, ndim uint8, rest ...any) []any {
		return append([]any{"rbm", u32(0), "", "", u32(1), name, dtype, ndim}, rest...)
	}
	good := encode(t, goldenFile())
	newer := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(newer[8:], 7)
	for _, c := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "offset 0: not a belief model file (bad magic bytes)"},
		{"text", []byte("W,vbias,hbias\n1,2,3\n"), "not a belief model file"},
		{"npz", []byte("PK\x03\x04 this is a zip"), "not a belief model file"},
		{"header cut", []byte(Magic + "\x01\x00"), "truncated: the file has 10 bytes, shorter than the 20-byte header"},
		{"newer", newer, "offset 8: written by a newer belief (format v7); this build reads up to v1: upgrade belief"},
		{"version 0", build(0, append([]any{"rbm"}, none...)...), "invalid format version 0"},
		{"truncated", good[:len(good)-1], fmt.Sprintf("truncated: the header records %d bytes but the file has %d", len(good), len(good)-1)},
		{"appended", append(append([]byte(nil), good...), '\n'), "corrupted: the header records"},
		{"checksum", append(append([]byte(nil), good[:len(good)-1]...), good[len(good)-1]^0x10), "corrupted: checksum mismatch"},
		{"short", reseal(append([]byte(Magic+"\x01\x00\x00\x00"), make([]byte, 12)...)), "too short for a model file"},
		{"empty kind", build(1, append([]any{""}, none...)...), "empty model kind"},
		{"bad kind", build(1, append([]any{"r b m"}, none...)...), `model kind "r b m" contains ' '`},
		{"kind too long", build(1, u32(1000), make([]byte, 20)), "model kind claims 1000 bytes but only 20 remain"},
		{"meta count", build(1, "rbm", u32(1<<30), "", "", u32(0)), "metadata count is 1073741824 but the remaining"},
		{"meta order", build(1, "rbm", u32(2), "b", "1", "a", "2", "", "", u32(0)), `metadata key "a" is out of order or repeated`},
		{"meta repeat", build(1, "rbm", u32(2), "a", "1", "a", "2", "", "", u32(0)), `metadata key "a" is out of order or repeated`},
		{"meta key", build(1, "rbm", u32(1), "a/b", "1", "", "", u32(0)), `metadata key: name "a/b" contains '/'`},
		{"meta utf8", build(1, "rbm", u32(1), "a", "\xff", "", "", u32(0)), `metadata value for "a" is not valid UTF-8`},
		{"settings json", build(1, "rbm", u32(0), "{", "", u32(0)), "settings is not valid JSON"},
		{"history json", build(1, "rbm", u32(0), "", "[1,", u32(0)), "history is not valid JSON"},
		{"array count", build(1, "rbm", u32(0), "", "", u32(math.MaxUint32)), "array count is 4294967295"},
		{"array name", build(1, arr("", 1, 0, u32(0))...), "array name: empty name"},
		{"dtype", build(1, arr("W", 9, 0, u32(0))...), `array "W": unknown element type 9`},
		{"ndim", build(1, arr("W", 1, 200)...), `array "W": 200 dimensions (the limit is 32)`},
		{"shape cut", build(1, arr("W", 1, 3, u64(1))...), `array "W": shape needs 24 bytes but only 8 remain`},
		{"dim limit", build(1, arr("W", 1, 1, u64(1<<40))...), `array "W": dimension 0 is 1099511627776 (the limit is 2147483647)`},
		{"huge", build(1, arr("W", 1, 2, u64(math.MaxInt32), u64(math.MaxInt32), u32(0))...), `array "W": shape (2147483647, 2147483647) needs more than the remaining 4 bytes`},
		{"data short", build(1, arr("W", 2, 1, u64(3), u64(0), u64(0))...), `array "W": shape (3,) needs more than the remaining 16 bytes`},
		{"duplicate", build(1, "rbm", u32(0), "", "", u32(2), "W", u8(1), u8(0), u32(0), "W", u8(1), u8(0), u32(0)), `two arrays named "W"`},
		{"trailing", build(1, append([]any{"rbm"}, append(none, u8(0))...)...), "1 unexpected bytes before the checksum"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := DecodeBytes(c.in)
			if err == nil {
				t.Fatalf("decoded %+v; want error %q", f, c.want)
			}
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Errorf("error %T is not a *FormatError", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\ndoes not contain %q", err, c.want)
			}
		})
	}
}

// TestCorruptEveryByte flips bits of every byte of a small file in turn:
// each change must give an error (CRC-32C detects every error confined to
// one byte), never a panic or a wrong file.
func TestCorruptEveryByte(t *testing.T) {
	good := encode(t, goldenFile())
	b := make([]byte, len(good))
	for i := range good {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			copy(b, good)
			b[i] ^= mask
			if f, err := DecodeBytes(b); err == nil {
				t.Fatalf("byte %d ^ %#x: decoded %+v without error", i, mask, f)
			}
		}
	}
}

// TestTruncateEveryLength cuts a file at every length.
func TestTruncateEveryLength(t *testing.T) {
	good := encode(t, goldenFile())
	for n := 0; n < len(good); n++ {
		_, err := DecodeBytes(good[:n])
		if err == nil {
			t.Fatalf("decoded the first %d of %d bytes without error", n, len(good))
		}
		want := "truncated"
		if n < len(Magic) {
			want = "not a belief model file"
		}
		if !strings.Contains(err.Error(), want) {
			t.Fatalf("cut at %d: %q does not say %q", n, err, want)
		}
	}
}

// TestFieldsCorruptedUnderValidChecksum changes every byte of the body and
// reseals the file, so that each change reaches the field checks: decoding
// must fail with an error or succeed with a file that re-encodes to the
// same bytes; it must never panic.
func TestFieldsCorruptedUnderValidChecksum(t *testing.T) {
	good := encode(t, goldenFile())
	for i := headerLen; i < len(good)-trailerLen; i++ {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			b := append([]byte(nil), good...)
			b[i] ^= mask
			b = reseal(b)
			f, err := DecodeBytes(b)
			if err != nil {
				continue
			}
			var buf bytes.Buffer
			if err := Encode(&buf, f); err != nil {
				t.Fatalf("byte %d ^ %#x: decoded file does not encode: %v", i, mask, err)
			}
			if !bytes.Equal(buf.Bytes(), b) {
				t.Fatalf("byte %d ^ %#x: decoded file re-encodes differently", i, mask)
			}
		}
	}
}

// TestHugeClaimsDoNotAllocate decodes small files whose fields claim far
// more data than they hold, and measures the bytes allocated.
func TestHugeClaimsDoNotAllocate(t *testing.T) {
	u32, u64 := func(v uint32) uint32 { return v }, func(v uint64) uint64 { return v }
	for _, in := range [][]byte{
		build(1, "rbm", u32(math.MaxUint32)),
		build(1, "rbm", u32(0), "", "", u32(math.MaxUint32)),
		build(1, "rbm", u32(0), "", "", u32(1), "W", uint8(1), uint8(2), u64(math.MaxInt32), u64(math.MaxInt32), u32(0)),
		build(1, "rbm", u32(0), "", "", u32(1), "W", uint8(2), uint8(1), u64(1<<30), make([]byte, 64)),
		build(1, "rbm", u32(0), u32(math.MaxUint32)),
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := DecodeBytes(in)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Fatal("decoded a file with impossible claims")
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 16<<10 {
			t.Errorf("decoding %d bytes allocated %d bytes (%v)", len(in), n, err)
		}
	}
}

func TestEncodeRejectsInvalidFiles(t *testing.T) {
	for _, c := range []struct {
		f    File
		want string
	}{
		{File{}, "empty model kind"},
		{File{Kind: "rbm", Meta: map[string]string{"": "x"}}, "Meta key: empty name"},
		{File{Kind: "rbm", Meta: map[string]string{"a": "\xff"}}, `Meta["a"] is not valid UTF-8`},
		{File{Kind: "rbm", Settings: json.RawMessage("{")}, "Settings is not valid JSON"},
		{File{Kind: "rbm", History: json.RawMessage("nope")}, "History is not valid JSON"},
		{File{Kind: "rbm", Arrays: []Array{{Name: "W", Shape: []int{2, 2}, Data: make([]float32, 3)}}}, `array "W": shape (2, 2) holds 4 elements but the data has 3`},
		{File{Kind: "rbm", Arrays: []Array{{Name: "W", Shape: []int{-1}}}}, `array "W": dimension -1 out of range`},
		{File{Kind: "rbm", Arrays: []Array{{Name: "W", Data: []float32{1}, Data64: []float64{1}}}}, `array "W" has both Data and Data64`},
		{File{Kind: "rbm", Arrays: []Array{{Name: "W", Data: []float32{1}}, {Name: "W", Data: []float32{1}}}}, `two arrays named "W"`},
		{File{Kind: "rbm", Arrays: []Array{{Name: "a/b", Data: []float32{1}}}}, `name "a/b" contains '/'`},
	} {
		var buf bytes.Buffer
		err := Encode(&buf, &c.f)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Encode(%+v) = %v; want error containing %q", c.f, err, c.want)
		}
		if buf.Len() != 0 {
			t.Errorf("Encode(%+v) wrote %d bytes before failing", c.f, buf.Len())
		}
	}
}

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n <= 0 {
		return 0, errors.New("disk full")
	}
	if len(p) > w.n {
		n := w.n
		w.n = 0
		return n, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestAtomicWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.belief")
	old := goldenFile()
	if err := Write(path, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	oldBytes, _ := os.ReadFile(path)

	// The encoder fails half way through the new file.
	boom := errors.New("boom")
	err := writeAtomic(path, func(w io.Writer) error {
		big := randomFile(rng.New(3))
		big.AddDense("big", mat32.NewDense(300, 300, nil))
		if err := Encode(w, big); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatalf("writeAtomic returned %v, want boom", err)
	}
	// An invalid file is refused before anything is written.
	if err := Write(path, &File{Kind: "no kind"}); err == nil {
		t.Fatal("Write accepted an invalid kind")
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, oldBytes) {
		t.Fatal("a failed write changed the existing file")
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Fatalf("files left behind: %v", names)
	}

	// A successful write replaces the file and keeps its permissions.
	if err := Write(path, randomFile(rng.New(4))); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after replacing: %v, want 0600", fi.Mode().Perm())
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Fatalf("files left behind: %v", names)
	}

	// A missing directory is an error, not a panic.
	if err := Write(filepath.Join(dir, "no", "such", "dir"), old); err == nil {
		t.Error("Write into a missing directory succeeded")
	}
}

func TestEncodeWriterError(t *testing.T) {
	f := randomFile(rng.New(5))
	n := int(f.encodedLen())
	for _, k := range []int{0, 1, 19, n / 2, n - 1} {
		if err := Encode(&failingWriter{n: k}, f); err == nil || err.Error() != "disk full" {
			t.Errorf("writer failing after %d bytes: Encode returned %v", k, err)
		}
	}
}

func TestAccessors(t *testing.T) {
	f := goldenFile()
	f.Path = "m.belief"
	w, err := f.Dense("W", 2, 3)
	if err != nil || w.At(1, 2) != -6 {
		t.Fatalf("Dense(W) = %v, %v", w, err)
	}
	if w, err = f.Dense("W", -1, -1); err != nil || w.Rows != 2 || w.Cols != 3 {
		t.Fatalf("Dense(W, any, any) = %v, %v", w, err)
	}
	if v, err := f.Vec("vbias", 2); err != nil || v[1] != -0.5 {
		t.Fatalf("Vec(vbias) = %v, %v", v, err)
	}
	if v, err := f.Vec("logz", -1); err != nil || v[0] != float32(math.Pi) {
		t.Fatalf("Vec(logz) = %v, %v", v, err)
	}
	if v, err := f.Vec64("vbias", 2); err != nil || v[0] != 0.5 {
		t.Fatalf("Vec64(vbias) = %v, %v", v, err)
	}
	for _, c := range []struct {
		err  error
		want string
	}{
		{second(f.Dense("W", 3, 2)), `modelfile: m.belief: array "W" has shape (2, 3); want (3, 2)`},
		{second(f.Dense("W", -1, 4)), `array "W" has shape (2, 3); want (*, 4)`},
		{second(f.Dense("vbias", 2, 1)), `array "vbias" has shape (2,); want 2 dimensions`},
		{second(f.Vec("W", -1)), `array "W" has shape (2, 3); want 1 dimensions`},
		{second(f.Vec("hbias", 4)), `array "hbias" has shape (3,); want (4,)`},
		{second(f.Dense("W1", 2, 3)), `modelfile: m.belief: rbm file has no array "W1"`},
	} {
		if c.err == nil || !strings.HasSuffix(c.err.Error(), c.want) {
			t.Errorf("got error %v\nwant %s", c.err, c.want)
		}
	}
	// AddDense copies a strided view row by row.
	big := mat32.NewDense(3, 4, []float32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	var g File
	g.AddDense("view", big.Slice(1, 3, 1, 3))
	if a, _ := g.Array("view"); !reflect.DeepEqual(a.Data, []float32{5, 6, 9, 10}) {
		t.Errorf("AddDense of a view stored %v", a.Data)
	}
	mustPanic(t, "duplicate", func() { g.AddVec("view", nil) })
	mustPanic(t, "contains", func() { g.AddVec("a\nb", nil) })
}

func second[T any](_ T, err error) error { return err }

func mustPanic(t *testing.T, want string, fn func()) {
	t.Helper()
	defer func() {
		r := recover()
		if s, ok := r.(string); !ok || !strings.HasPrefix(s, "modelfile: ") || !strings.Contains(s, want) {
			t.Errorf("panic %v; want a modelfile panic containing %q", r, want)
		}
	}()
	fn()
}
