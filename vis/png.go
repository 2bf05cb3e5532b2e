package vis

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
)

// WritePNG encodes img as PNG into the file path. It writes a temporary
// file in the same directory and renames it over path only once it is
// complete, so a reader never sees a half-written picture and a failed
// write leaves any earlier file in place. The file is made readable by
// everyone (mode 0644). Errors name the path.
func WritePNG(path string, img image.Image) error {
	return writeAtomic(path, func(f *os.File) error { return png.Encode(f, img) })
}

// writeAtomic calls write on a temporary file next to path, then syncs,
// closes and renames it to path. On any error the temporary file is removed.
func writeAtomic(path string, write func(f *os.File) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("vis: writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
			err = fmt.Errorf("vis: writing %s: %w", path, err)
		}
	}()
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = write(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
