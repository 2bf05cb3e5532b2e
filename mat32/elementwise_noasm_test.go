//go:build !amd64

package mat32

import "testing"

func forEachKernel(t *testing.T, f func(t *testing.T)) { t.Run("go", f) }
