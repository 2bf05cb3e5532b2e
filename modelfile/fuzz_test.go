package modelfile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to DecodeBytes. Most random inputs fail
// the checksum, so each input is also decoded after its header length and
// checksum are made right, which lets the fuzzer reach the field checks.
// A file that decodes must encode back to exactly the same bytes: the
// format has one encoding per File.
func FuzzDecode(f *testing.F) {
	f.Add(encode(f, goldenFile()))
	f.Add(encode(f, &File{Kind: "x"}))
	f.Add(encode(f, &File{Kind: "sbn", Arrays: []Array{{Name: "s", Shape: []int{}, Data64: []float64{1}}}}))
	f.Add([]byte(Magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		DecodeBytes(b)
		if len(b) < headerLen+trailerLen {
			return
		}
		s := append([]byte(nil), b...)
		copy(s, Magic)
		binary.LittleEndian.PutUint32(s[8:], Version)
		binary.LittleEndian.PutUint64(s[12:], uint64(len(s)))
		end := len(s) - trailerLen
		binary.LittleEndian.PutUint32(s[end:], crc32.Checksum(s[:end], castagnoli))
		file, err := DecodeBytes(s)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := Encode(&buf, file); err != nil {
			t.Fatalf("decoded file does not encode: %v", err)
		}
		if !bytes.Equal(buf.Bytes(), s) {
			t.Fatalf("decoded file re-encodes to different bytes")
		}
	})
}

// FuzzReadNPZ feeds arbitrary bytes to DecodeNPZ, both as a whole archive
// and as the content of a stored member "x.npy" (the ZIP CRC would otherwise
// shield the .npy parser from most changes). Arrays it returns must survive
// a round trip through EncodeNPZ.
func FuzzReadNPZ(f *testing.F) {
	for _, name := range []string{"rbm_f32.npz", "f64_compressed.npz", "fortran.npz", "int64.npz"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	var buf bytes.Buffer
	if err := EncodeNPZ(&buf, goldenFile().Arrays); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	for _, a := range goldenFile().Arrays {
		var b bytes.Buffer
		writeNPY(&b, &a)
		f.Add(b.Bytes())
	}
	f.Add(npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1, 2), }", make([]byte, 32)))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkNPZ(t, b)
		var zbuf bytes.Buffer
		zw := zip.NewWriter(&zbuf)
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: "x.npy", Method: zip.Store})
		w.Write(b)
		zw.Close()
		checkNPZ(t, zbuf.Bytes())
	})
}

func checkNPZ(t *testing.T, b []byte) {
	arrays, err := DecodeNPZ(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return
	}
	var out bytes.Buffer
	if err := EncodeNPZ(&out, arrays); err != nil {
		t.Fatalf("decoded arrays do not encode: %v", err)
	}
	again, err := DecodeNPZ(bytes.NewReader(out.Bytes()), int64(out.Len()))
	if err != nil {
		t.Fatalf("re-encoded arrays do not decode: %v", err)
	}
	if len(again) != len(arrays) {
		t.Fatalf("%d arrays became %d", len(arrays), len(again))
	}
	for i := range arrays {
		a, g := &arrays[i], &again[i]
		if a.Name != g.Name || len(a.Shape) != len(g.Shape) || a.Len() != g.Len() || a.Is64() != g.Is64() {
			t.Fatalf("array %q changed in a round trip", a.Name)
		}
	}
}
