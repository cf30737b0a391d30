//go:build !amd64

package gemm

// kernel4x16 is only written for amd64; elsewhere SimpleGo keeps its own
// DotGeneral kernels and this one is never called.
func kernel4x16(k int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int) {
	panic("gemm: no micro-kernel on this architecture")
}

// haveKernel reports whether this CPU runs kernel4x16.
var haveKernel = false

// kernelName names the micro-kernel in use, for stage keys and reports.
const kernelName = "none"
