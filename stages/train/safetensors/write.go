package safetensors

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Tensor is a tensor to write.
type Tensor struct {
	// Name, DType and Shape go into the header.
	Name  string
	DType DType
	Shape []int
	// Data is the tensor's bytes, row-major, little-endian.
	Data []byte
}

// FromFloat32 encodes values as F32, F16 or BF16 (rounding to nearest even).
func FromFloat32(name string, dtype DType, shape []int, values []float32) (Tensor, error) {
	n := 1
	for _, d := range shape {
		n *= d
	}
	if n != len(values) {
		return Tensor{}, fmt.Errorf("tensor %q: %d values for shape %v", name, len(values), shape)
	}
	t := Tensor{Name: name, DType: dtype, Shape: slices.Clone(shape)}
	switch dtype {
	case F32:
		t.Data = make([]byte, 4*n)
		for i, v := range values {
			binary.LittleEndian.PutUint32(t.Data[4*i:], math.Float32bits(v))
		}
	case F16, BF16:
		conv := F32ToF16
		if dtype == BF16 {
			conv = F32ToBF16
		}
		t.Data = make([]byte, 2*n)
		for i, v := range values {
			binary.LittleEndian.PutUint16(t.Data[2*i:], conv(v))
		}
	default:
		return Tensor{}, fmt.Errorf("tensor %q: cannot encode float32 values as %s", name, dtype)
	}
	return t, nil
}

// Write writes tensors in name order, with a header whose keys are sorted
// and padded with spaces to a multiple of 8 bytes, as the reference writer
// pads it. Metadata is omitted when empty.
func Write(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	ts := slices.Clone(tensors)
	slices.SortFunc(ts, func(a, b Tensor) int { return strings.Compare(a.Name, b.Name) })
	header := map[string]any{}
	if len(metadata) > 0 {
		header[metadataKey] = metadata
	}
	var off uint64
	for i, t := range ts {
		if i > 0 && ts[i-1].Name == t.Name {
			return fmt.Errorf("writing safetensors: tensor %q given twice", t.Name)
		}
		if t.Name == metadataKey {
			return fmt.Errorf("writing safetensors: %q is reserved", t.Name)
		}
		n := 1
		for _, d := range t.Shape {
			n *= d
		}
		if n*t.DType.Size() != len(t.Data) || t.DType.Size() == 0 {
			return fmt.Errorf("writing safetensors: tensor %q: %d bytes for shape %v %s", t.Name, len(t.Data), t.Shape, t.DType)
		}
		shape := t.Shape
		if shape == nil {
			shape = []int{}
		}
		header[t.Name] = map[string]any{"dtype": t.DType, "shape": shape, "data_offsets": []uint64{off, off + uint64(len(t.Data))}}
		off += uint64(len(t.Data))
	}
	hb, err := json.Marshal(header) // map keys come out sorted
	if err != nil {
		return fmt.Errorf("writing safetensors: %w", err)
	}
	if pad := (8 - len(hb)%8) % 8; pad > 0 {
		hb = append(hb, strings.Repeat(" ", pad)...)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(hb)))
	if _, err := bw.Write(lenBuf[:]); err != nil {
		return fmt.Errorf("writing safetensors: %w", err)
	}
	if _, err := bw.Write(hb); err != nil {
		return fmt.Errorf("writing safetensors: %w", err)
	}
	for _, t := range ts {
		if _, err := bw.Write(t.Data); err != nil {
			return fmt.Errorf("writing safetensors: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing safetensors: %w", err)
	}
	return nil
}

// WriteFile writes path through a temporary file in the same directory,
// synced, then renamed, so a reader never sees half a file.
func WriteFile(path string, tensors []Tensor, metadata map[string]string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := Write(tmp, tensors, metadata); err != nil {
		tmp.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
