// Package safetensors reads and writes the safetensors format Hugging Face
// models are stored in: an 8-byte little-endian header length, a JSON header
// naming each tensor's dtype, shape and byte range, then the tensors' bytes,
// row-major and little-endian. Reading is lazy (ReadAt per tensor) and every
// field of the header is bounded, so a hostile file is an error, never a
// panic or an unbounded allocation.
package safetensors

// DType is a tensor's element type as the header names it.
type DType string

// The dtypes this package knows.
const (
	F64  DType = "F64"
	F32  DType = "F32"
	F16  DType = "F16"
	BF16 DType = "BF16"
	I64  DType = "I64"
	I32  DType = "I32"
	I16  DType = "I16"
	I8   DType = "I8"
	U8   DType = "U8"
	Bool DType = "BOOL"
	U16  DType = "U16"
	U32  DType = "U32"
	U64  DType = "U64"
	// F8E4M3 and F8E5M2 are 8-bit floats: parsed, not converted.
	F8E4M3 DType = "F8_E4M3"
	F8E5M2 DType = "F8_E5M2"
)

// Size is the number of bytes of one element, 0 for an unknown dtype.
func (d DType) Size() int {
	switch d {
	case F64, I64, U64:
		return 8
	case F32, I32, U32:
		return 4
	case F16, BF16, I16, U16:
		return 2
	case I8, U8, Bool, F8E4M3, F8E5M2:
		return 1
	}
	return 0
}
