package gemm

import "golang.org/x/sys/cpu"

// kernel4x16 adds to the 4×16 tile of C at c (rows ldc floats apart) the
// product of a 4-row panel of A and a 16-column panel of B, both k deep:
// C[r][j] += Σp a[r*rs+p*ps]·b[p*bs+j]. Strides are in floats; B's 16
// columns lie side by side. It is written in assembly (AVX2 and FMA3).
//
//go:noescape
func kernel4x16(k int, a *float32, rs, ps int, b *float32, bs int, c *float32, ldc int)

// haveKernel reports whether this CPU runs kernel4x16.
var haveKernel = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// kernelName names the micro-kernel in use, for stage keys and reports.
const kernelName = "avx2-fma-4x16"
