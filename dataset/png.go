package dataset

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/belief-ml/belief/mat32"
)

// maxPNGPixels bounds the size of one image (2048x2048), whatever the file
// holds: a visible layer of more than 4 million units is beyond this
// library, and the bound keeps decoding a small hostile file quick.
const maxPNGPixels = 1 << 22

// DecodeGray decodes one PNG image from r into gray levels in [0, 1], row
// by row (len(pix) == width*height). 8- and 16-bit gray images map exactly
// (v/255, v/65535); colour images use the luminance 0.299 R + 0.587 G +
// 0.114 B of their alpha-premultiplied colours, so transparent pixels are
// black. The image size the header claims is checked against what the
// compressed data could hold before any pixel memory is allocated, and
// images above 2048x2048 pixels (4 Mi) are refused. name is used in errors.
func DecodeGray(r io.Reader, name string) (pix []float32, width, height int, err error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("dataset: %s: %w", name, err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, 0, 0, formatErr(name, "header", "%v", err)
	}
	w, h := cfg.Width, cfg.Height
	// Every row costs at least one filter byte plus one bit per pixel
	// before compression, and deflate expands by at most about 1032.
	if w <= 0 || h <= 0 || int64(w)*int64(h) > maxPNGPixels {
		return nil, 0, 0, formatErr(name, "header", "image size %dx%d: want 1 to %d pixels", w, h, maxPNGPixels)
	}
	if int64(h)*(1+int64(w)/8) > deflateMaxRatio*int64(len(data)) {
		return nil, 0, 0, formatErr(name, "header", "image size %dx%d is impossible for a file of %d bytes", w, h, len(data))
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, 0, 0, formatErr(name, "image data", "%v", err)
	}
	b := img.Bounds()
	w, h = b.Dx(), b.Dy()
	pix = make([]float32, w*h)
	switch im := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			row := im.Pix[y*im.Stride : y*im.Stride+w]
			for x, v := range row {
				pix[y*w+x] = float32(v) / 255
			}
		}
	case *image.Gray16:
		for y := 0; y < h; y++ {
			row := im.Pix[y*im.Stride : y*im.Stride+2*w]
			for x := 0; x < w; x++ {
				pix[y*w+x] = float32(uint16(row[2*x])<<8|uint16(row[2*x+1])) / 65535
			}
		}
	default:
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
				pix[y*w+x] = (0.299*float32(r) + 0.587*float32(g) + 0.114*float32(bl)) / 65535
			}
		}
	}
	for i, v := range pix {
		pix[i] = min(max(v, 0), 1)
	}
	return pix, w, h, nil
}

// LoadPNGDir reads a folder of PNG images (files ending in .png, any case).
// If dir has sub-folders, each sub-folder is a class: labels number the
// sub-folder names in sorted order (Set.Classes holds the names) and PNG
// files directly in dir are ignored. Without sub-folders the PNG files in
// dir form an unlabeled set. Files are read in sorted name order. All
// images must have the same size; see DecodeGray for the conversion to
// gray levels in [0, 1].
func LoadPNGDir(dir string) (*Set, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	var classes []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			classes = append(classes, e.Name())
		}
	}
	sort.Strings(classes)
	var files []string
	var labels []int
	if classes == nil {
		files = pngFiles(entries, dir)
	} else {
		for l, c := range classes {
			sub := filepath.Join(dir, c)
			es, err := os.ReadDir(sub)
			if err != nil {
				return nil, fmt.Errorf("dataset: %w", err)
			}
			fs := pngFiles(es, sub)
			files = append(files, fs...)
			for range fs {
				labels = append(labels, l)
			}
		}
		if len(classes)-1 > MaxLabel {
			return nil, formatErr(dir, "sub-folders", "%d classes, more than %d", len(classes), MaxLabel+1)
		}
	}
	if len(files) == 0 {
		return nil, formatErr(dir, "folder", "no PNG files")
	}
	var x *mat32.Dense
	var w0, h0 int
	for i, path := range files {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		pix, w, h, err := DecodeGray(f, path)
		f.Close()
		if err != nil {
			return nil, err
		}
		if i == 0 {
			w0, h0 = w, h
			x = mat32.NewDense(len(files), w*h, nil)
		} else if w != w0 || h != h0 {
			return nil, formatErr(path, "image size", "%dx%d differs from the %dx%d of %s", w, h, w0, h0, files[0])
		}
		copy(x.Row(i), pix)
	}
	return &Set{X: x, Labels: labels, Classes: classes, Width: w0, Height: h0, Name: dir}, nil
}

func pngFiles(entries []os.DirEntry, dir string) []string {
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".png") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out
}
