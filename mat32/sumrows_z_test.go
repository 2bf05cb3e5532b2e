package mat32

import (
	"fmt"
	"testing"
)

func BenchmarkSumRowsZ(b *testing.B) {
	w, tasks, dst := sumRowsBench()
	for _, pf := range []bool{false, true} {
		for _, sh := range []int{5, 6, 7} {
			sumRowsPrefetch = pf
			sumRowsChunkShift = sh
			b.Run(fmt.Sprintf("pf=%v/chunk=%d", pf, 1<<sh), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					SumRows(dst, w, &tasks[i%len(tasks)])
				}
			})
		}
	}
	sumRowsPrefetch = false
	sumRowsChunkShift = 7
}
