// Package modelfile reads and writes belief's model files, and exports and
// imports models as NumPy .npz archives.
//
// # Model files
//
// A model file holds one File: the model's Kind ("rbm", "sbn", "dbn",
// "mlp", ...), free-form metadata, the settings and training history that
// produced it (as JSON), and its parameters as named float32 (or float64)
// arrays in C order. The container is generic: each model package maps its
// fields to array names (an RBM writes W (nv, nh), vbias (nv), hbias (nh),
// and sigma (nv) for Gaussian visible units; an SBN writes W0, W1, ...),
// using File.AddDense and File.AddVec to save and File.Dense and File.Vec to
// load with shape checks.
//
// Write replaces a file atomically: it writes a temporary file in the same
// directory, syncs it, renames it over the target and syncs the directory,
// so a crash leaves either the old file or the new one, never a mixture.
//
// Read and Decode never panic and never allocate more than the input could
// hold, whatever its fields claim (FuzzDecode checks this). A damaged file,
// one from a newer belief, or something that is not a model file gives a
// *FormatError naming the file, the byte offset and the cause, e.g.
//
//	modelfile: rbm.belief: offset 8: written by a newer belief (format v2); this build reads up to v1: upgrade belief
//	modelfile: rbm.belief: offset 2044: corrupted: checksum mismatch (stored 8a1f03c2, computed 5be11d07)
//
// # The format, version 1
//
// All integers are little-endian. A string is a uint32 byte count followed
// by that many bytes (UTF-8, no terminator).
//
//	offset  size  field
//	0       8     magic "\x89BLF\r\n\x1a\n" (PNG-style: a high byte, CR LF, ^Z, LF)
//	8       4     uint32 format version, 1
//	12      8     uint64 total file length in bytes, this header and the checksum included
//	20            string  model kind: 1-64 bytes of [A-Za-z0-9_.-]
//	              uint32  number of metadata entries, then for each, in
//	                      strictly increasing byte order of the key:
//	                      string key, string value
//	              string  settings JSON (empty if none)
//	              string  history JSON (empty if none)
//	              uint32  number of arrays, then for each:
//	                        string  name (unique; 1-255 bytes of UTF-8 without
//	                                control characters, '/' or '\')
//	                        uint8   element type: 1 float32, 2 float64
//	                        uint8   number of dimensions, 0-32 (0 is a scalar)
//	                        uint64  each dimension, 0 to 2^31-1
//	                        the elements in C (row-major) order, 4 or 8 bytes
//	                        each, IEEE 754 little-endian, unaligned
//	len-4   4     uint32 CRC-32C (Castagnoli) of every byte before it
//
// The decoder checks, in this order, the magic, the version (a newer one is
// refused before anything else is read, so a future format may change
// everything after the version field), the recorded length (telling a
// truncated file from one with bytes appended), the checksum (CRC-32C
// detects every error within 32 consecutive bits), and then each field: every
// count and length is compared with the bytes that remain before anything is
// allocated for it, shapes must not overflow and must match the data, names
// must be valid and unique, JSON must be valid, and no bytes may be left
// over. The encoding is canonical: a File has exactly one encoding, so a
// decoded file re-encodes to the same bytes.
//
// # NumPy
//
// WriteNPZ writes arrays as an uncompressed .npz archive (a ZIP of .npy
// files, format 1.0, dtype '<f4' or '<f8', C order), which NumPy loads in
// one line:
//
//	d = numpy.load("rbm.npz"); W, vbias, hbias = d["W"], d["vbias"], d["hbias"]
//
// ReadNPZ reads archives from WriteNPZ, numpy.savez and
// numpy.savez_compressed: float32 and float64 arrays in either byte order,
// .npy versions 1.0 to 3.0; Fortran-order arrays are transposed into C
// order. Other dtypes are refused with a message naming the array and its
// dtype. Integrity comes from the ZIP CRC-32 of each member's data; the ZIP
// format does not protect member names. NumPy arrays carry no model kind, so
// ReadNPZFile takes it from the caller.
//
// The .npy and .npz code is this package's own (archive/zip plus a small
// parser for the .npy header dictionary) rather than github.com/sbinet/npyio:
// the reader must bound every allocation by the archive's size for
// untrusted input (a member's data may not exceed its stored size, or what
// DEFLATE can expand its compressed size to; members may not overlap; the
// shape must match the data exactly), return errors that name the array, and transpose
// Fortran-order data; and the writer must produce the same bytes for the same
// arrays. That is a few hundred lines that FuzzReadNPZ exercises directly.
package modelfile
