package modelfile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/belief-ml/belief/rng"
)

// ar computes what gen_npz.py's ar(shape, dtype) holds, in C order:
// element i is i*0.5 - 1.
func ar(n int) []float64 {
	d := make([]float64, n)
	for i := range d {
		d[i] = float64(i)*0.5 - 1
	}
	return d
}

func ar32(n int) []float32 {
	d := make([]float32, n)
	for i, v := range ar(n) {
		d[i] = float32(v)
	}
	return d
}

func arrayMap(t *testing.T, arrays []Array) map[string]*Array {
	t.Helper()
	m := map[string]*Array{}
	for i := range arrays {
		m[arrays[i].Name] = &arrays[i]
	}
	return m
}

func checkArray(t *testing.T, a *Array, shape []int, want32 []float32, want64 []float64) {
	t.Helper()
	if a == nil {
		t.Fatal("array missing")
	}
	if !reflect.DeepEqual(a.Shape, shape) {
		t.Errorf("%s: shape %v, want %v", a.Name, a.Shape, shape)
	}
	if want64 != nil {
		if !reflect.DeepEqual(a.Data64, want64) || a.Data != nil {
			t.Errorf("%s: Data64 %v (Data %v), want %v", a.Name, a.Data64, a.Data, want64)
		}
		return
	}
	if !reflect.DeepEqual(a.Data, want32) || a.Data64 != nil {
		t.Errorf("%s: Data %v (Data64 %v), want %v", a.Name, a.Data, a.Data64, want32)
	}
}

// TestReadGoldenNPZ reads archives written by numpy (testdata/gen_npz.py).
func TestReadGoldenNPZ(t *testing.T) {
	arrays, err := ReadNPZ("testdata/rbm_f32.npz")
	if err != nil {
		t.Fatal(err)
	}
	m := arrayMap(t, arrays)
	checkArray(t, m["W"], []int{3, 4}, ar32(12), nil)
	checkArray(t, m["vbias"], []int{3}, ar32(3), nil)
	checkArray(t, m["hbias"], []int{4}, ar32(4), nil)

	f, err := ReadNPZFile("testdata/rbm_f32.npz", "rbm")
	if err != nil {
		t.Fatal(err)
	}
	if w, err := f.Dense("W", 3, 4); err != nil || w.At(2, 3) != 4.5 {
		t.Errorf("Dense(W) = %v, %v", w, err)
	}

	// savez_compressed: DEFLATE, float64, a scalar and an empty array.
	arrays, err = ReadNPZ("testdata/f64_compressed.npz")
	if err != nil {
		t.Fatal(err)
	}
	m = arrayMap(t, arrays)
	checkArray(t, m["W"], []int{2, 3}, nil, ar(6))
	checkArray(t, m["s"], []int{}, nil, []float64{2.5})
	checkArray(t, m["empty"], []int{0, 5}, nil, []float64{})

	// Fortran order is transposed into C order; big-endian is swapped.
	arrays, err = ReadNPZ("testdata/fortran.npz")
	if err != nil {
		t.Fatal(err)
	}
	m = arrayMap(t, arrays)
	checkArray(t, m["W"], []int{2, 3}, ar32(6), nil)
	checkArray(t, m["T"], []int{2, 3, 4}, nil, ar(24))
	checkArray(t, m["B"], []int{5}, ar32(5), nil)

	_, err = ReadNPZ("testdata/int64.npz")
	want := `modelfile: testdata/int64.npz: array "W": dtype "<i8" is not supported: belief reads float32 ('<f4') and float64 ('<f8') arrays`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("ReadNPZ(int64.npz) = %v\nwant %s", err, want)
	}
}

func TestNPZRoundTrip(t *testing.T) {
	f := randomFile(rng.New(6))
	path := filepath.Join(t.TempDir(), "model.npz")
	if err := WriteNPZ(path, f.Arrays); err != nil {
		t.Fatal(err)
	}
	got, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	sameFile(t, &File{Kind: "rbm", Arrays: got}, &File{Kind: "rbm", Arrays: f.Arrays})

	// The same arrays give the same bytes.
	var a, b bytes.Buffer
	if err := EncodeNPZ(&a, f.Arrays); err != nil {
		t.Fatal(err)
	}
	if err := EncodeNPZ(&b, f.Arrays); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("EncodeNPZ is not deterministic")
	}
	if err := WriteNPZ(path, []Array{{Name: "W", Shape: []int{2}, Data: []float32{1}}}); err == nil {
		t.Error("WriteNPZ accepted a shape that does not match the data")
	}
	if names := dirNames(t, filepath.Dir(path)); len(names) != 1 {
		t.Errorf("files left behind: %v", names)
	}
}

func TestNPYHeader(t *testing.T) {
	for _, shape := range [][]int{{}, {5}, {784, 500}, {1, 2, 1, 1, 3, 1, 1, 1, 1, 1, 1, 1, 2}, make([]int, 32)} {
		n := 1
		for _, d := range shape {
			n *= d
		}
		h := npyHeader(&Array{Shape: shape, Data: make([]float32, n)})
		if len(h)%64 != 0 || h[len(h)-1] != '\n' {
			t.Errorf("shape %v: header of %d bytes: %q", shape, len(h), h)
		}
		info, err := parseNPYHeader(string(h[10:]))
		if err != nil || !reflect.DeepEqual(info.shape, shape) || info.size != 4 || info.fortran {
			t.Errorf("shape %v: parsed %+v, %v", shape, info, err)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", ""},
		{`{"descr": ">f8", "fortran_order": True, "shape": (2L, 3L)}`, ""},
		{"{'descr': '<f4', 'fortran_order': False}", "want keys"},
		{"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1}", `unexpected key "x"`},
		{"{'descr': '<f4', 'descr': '<f4', 'shape': (2, 3)}", "repeated"},
		{"{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2, 3)}", "fortran_order is not True or False"},
		{"{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3)}", "shape is not a tuple"},
		{"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,)}", "shape is not a tuple"},
		{"{'descr': '<f2', 'fortran_order': False, 'shape': (2,)}", `dtype "<f2" is not supported`},
		{"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,)}", "descr is not a string"},
		{"{'descr': '<f4', 'fortran_order': False, 'shape': (2,)} x", "text after"},
		{"", "no '{'"},
		{"{'descr", "malformed"},
	} {
		_, err := parseNPYHeader(c.in)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("parseNPYHeader(%q) = %v; want %q", c.in, err, c.want)
		}
	}
}

func TestFortranToC(t *testing.T) {
	// A (2, 3) matrix [[0 1 2] [3 4 5]] in column-major order.
	got := fortranToC([]float32{0, 3, 1, 4, 2, 5}, []int{2, 3})
	if !reflect.DeepEqual(got, []float32{0, 1, 2, 3, 4, 5}) {
		t.Errorf("2-D: %v", got)
	}
	// 3-D: element (i, j, k) of a (2, 3, 4) array is at i + 2j + 6k in
	// Fortran order and at 12i + 4j + k in C order.
	src := make([]float64, 24)
	for i := 0; i < 2; i++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 4; k++ {
				src[i+2*j+6*k] = float64(12*i + 4*j + k)
			}
		}
	}
	got64 := fortranToC(src, []int{2, 3, 4})
	for i, v := range got64 {
		if v != float64(i) {
			t.Fatalf("3-D: %v", got64)
		}
	}
}

// npzWith builds an archive with the given members, stored or deflated.
func npzWith(t testing.TB, method uint16, members map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range members {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func npy(header string, data []byte) []byte {
	b := []byte(npyMagic + "\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(header)))
	return append(append(b, header...), data...)
}

func TestDecodeNPZErrors(t *testing.T) {
	hdr := "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n"
	eight := make([]byte, 8)
	for _, c := range []struct {
		name string
		in   []byte
		want string
	}{
		{"not zip", []byte("hello"), "not a valid .npz (ZIP) archive"},
		{"model file", encode(t, goldenFile()), "not a valid .npz (ZIP) archive"},
		{"not npy name", npzWith(t, zip.Store, map[string][]byte{"W.txt": nil}), `archive member "W.txt" is not a .npy array`},
		{"dir name", npzWith(t, zip.Store, map[string][]byte{"a/W.npy": npy(hdr, eight)}), `archive member "a/W.npy": array name "a/W" contains '/'`},
		{"bad magic", npzWith(t, zip.Store, map[string][]byte{"W.npy": []byte("\x93NUMPZ\x01\x00\x00\x00")}), `array "W": not a .npy file`},
		{"too short", npzWith(t, zip.Store, map[string][]byte{"W.npy": []byte("\x93NUMPY")}), `array "W": 6 bytes is too short`},
		{"version", npzWith(t, zip.Store, map[string][]byte{"W.npy": []byte("\x93NUMPY\x04\x00\x00\x00")}), ".npy format version 4.0 is not supported"},
		{"header len", npzWith(t, zip.Store, map[string][]byte{"W.npy": []byte("\x93NUMPY\x01\x00\xff\xff")}), ".npy header of 65535 bytes does not fit"},
		{"data short", npzWith(t, zip.Store, map[string][]byte{"W.npy": npy(hdr, eight[:7])}), "shape (2,) needs more than the 7 data bytes of the member"},
		{"data long", npzWith(t, zip.Deflate, map[string][]byte{"W.npy": npy(hdr, make([]byte, 9))}), "shape (2,) needs 8 data bytes but the member has 9"},
		{"huge shape", npzWith(t, zip.Store, map[string][]byte{"W.npy": npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647), }", eight)}), "shape (2147483647, 2147483647) needs more than the 8 data bytes of the member"},
		{"dtype", npzWith(t, zip.Store, map[string][]byte{"W.npy": npy("{'descr': '|u1', 'fortran_order': False, 'shape': (8,), }", eight)}), `array "W": dtype "|u1" is not supported`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeNPZ(bytes.NewReader(c.in), int64(len(c.in)))
			var fe *FormatError
			if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got %v\nwant a FormatError containing %q", err, c.want)
			}
		})
	}
}

// TestNPZCorruptEveryByte changes every byte of a small archive: decoding
// must return arrays or an error, never panic, and a change inside array
// data must be caught by the ZIP CRC-32.
func TestNPZCorruptEveryByte(t *testing.T) {
	var buf bytes.Buffer
	if err := EncodeNPZ(&buf, goldenFile().Arrays); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	want, _ := DecodeNPZ(bytes.NewReader(good), int64(len(good)))
	b := make([]byte, len(good))
	for i := range good {
		copy(b, good)
		b[i] ^= 0x55
		got, err := DecodeNPZ(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			continue
		}
		// ZIP leaves some bytes unchecked (times, the local copies of names
		// and sizes, the names in the directory); the data must still be
		// right.
		for i := range got {
			if i < len(want) {
				got[i].Name = want[i].Name
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("byte %d: decoded wrong arrays without error", i)
		}
	}
}

// TestNPZHugeClaimsDoNotAllocate: a small archive whose member claims a
// huge uncompressed size, or whose .npy header claims a huge shape.
func TestNPZHugeClaimsDoNotAllocate(t *testing.T) {
	stored := npzWith(t, zip.Store, map[string][]byte{"W.npy": npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2147483647, 1000), }", nil)})
	deflated := npzWith(t, zip.Deflate, map[string][]byte{"W.npy": npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", make([]byte, 8))})
	// Patch the central directory's uncompressed size to 2^40.
	cd := bytes.LastIndex(deflated, []byte("PK\x01\x02"))
	binary.LittleEndian.PutUint32(deflated[cd+24:], math.MaxUint32-1)
	for _, in := range [][]byte{stored, deflated} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := DecodeNPZ(bytes.NewReader(in), int64(len(in)))
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Fatal("decoded an archive with impossible claims")
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 256<<10 {
			t.Errorf("decoding %d bytes allocated %d bytes (%v)", len(in), n, err)
		}
		t.Log(err)
	}
}

// TestNPZOverlappingMembers: two directory entries that point at the same
// member data (the trick behind "overlapping" zip bombs) are refused.
func TestNPZOverlappingMembers(t *testing.T) {
	// Random data does not compress, so each member's data fills most of
	// the archive.
	data := make([]byte, 4000)
	r := rng.New(7)
	for i := range data {
		data[i] = byte(r.Uint64())
	}
	z := npzWith(t, zip.Deflate, map[string][]byte{"a.npy": npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000,), }", data)})
	if _, err := DecodeNPZ(bytes.NewReader(z), int64(len(z))); err != nil {
		t.Fatal(err)
	}
	cd := bytes.LastIndex(z, []byte("PK\x01\x02"))
	eocd := bytes.LastIndex(z, []byte("PK\x05\x06"))
	rec := append([]byte(nil), z[cd:eocd]...)
	rec[46] = 'b' // the name "a.npy" becomes "b.npy"
	var bomb []byte
	bomb = append(bomb, z[:eocd]...)
	bomb = append(bomb, rec...)
	bomb = append(bomb, z[eocd:]...)
	e := bomb[eocd+len(rec):]
	binary.LittleEndian.PutUint16(e[8:], 2)
	binary.LittleEndian.PutUint16(e[10:], 2)
	binary.LittleEndian.PutUint32(e[12:], binary.LittleEndian.Uint32(e[12:])+uint32(len(rec)))
	_, err := DecodeNPZ(bytes.NewReader(bomb), int64(len(bomb)))
	if err == nil || !strings.Contains(err.Error(), "overlapping members") {
		t.Errorf("got %v; want an overlap error", err)
	}
}

func TestReadNPZMissing(t *testing.T) {
	if _, err := ReadNPZ(filepath.Join(t.TempDir(), "nope.npz")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v", err)
	}
}
