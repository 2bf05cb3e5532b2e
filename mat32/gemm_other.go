//go:build !amd64 || purego

package mat32

// gemmAvailable returns the kernel sets this CPU can run: only the
// portable Go one without assembly.
func gemmAvailable() []*gemmKernels { return []*gemmKernels{gemmGo} }
