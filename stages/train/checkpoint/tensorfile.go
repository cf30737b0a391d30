// Package checkpoint stores named float32 tensors in a small binary file and
// keeps a training's checkpoints: write atomically, find the latest, keep the
// last k and the best k.
package checkpoint

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
)

// tensorMagic starts every tensor file; the digit is the format version.
const tensorMagic = "MLPTENSORS1\n"

// Tensor is one named float32 tensor.
type Tensor struct {
	Name   string    `json:"name"`
	Dims   []int     `json:"dims"`
	Values []float32 `json:"-"`
}

// tensorHeader is the JSON header of a tensor file.
type tensorHeader struct {
	DType   string   `json:"dtype"`
	Tensors []Tensor `json:"tensors"`
}

func size(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

// WriteTensors writes tensors to path: the magic line, a little-endian uint32
// header length, a JSON header (dtype, names and shapes in order), then every
// tensor's values as little-endian float32. The bytes depend only on the
// tensors, so equal weights give equal digests.
func WriteTensors(path string, tensors []Tensor) (err error) {
	for _, t := range tensors {
		if len(t.Values) != size(t.Dims) {
			return fmt.Errorf("writing %s: tensor %s has %d values for shape %v", path, t.Name, len(t.Values), t.Dims)
		}
	}
	hdr, err := json.Marshal(tensorHeader{DType: "float32", Tensors: tensors})
	if err != nil {
		return fmt.Errorf("writing %s: encoding header: %w", path, err)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing tensors: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("writing %s: %w", path, cerr)
		}
	}()
	w := bufio.NewWriterSize(f, 1<<20)
	if _, err := w.WriteString(tensorMagic); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(hdr)))
	_, _ = w.Write(n[:])
	_, _ = w.Write(hdr)
	buf := make([]byte, 4)
	for _, t := range tensors {
		for _, v := range t.Values {
			binary.LittleEndian.PutUint32(buf, math.Float32bits(v))
			if _, err := w.Write(buf); err != nil {
				return fmt.Errorf("writing %s: %w", path, err)
			}
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// ReadTensors reads a file written by WriteTensors.
func ReadTensors(path string) ([]Tensor, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading tensors: %w", err)
	}
	r := bytes.NewReader(data)
	magic := make([]byte, len(tensorMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != tensorMagic {
		return nil, fmt.Errorf("reading %s: not a tensor file (bad magic)", path)
	}
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, fmt.Errorf("reading %s: truncated header length", path)
	}
	hl := int(binary.LittleEndian.Uint32(n[:]))
	if hl > r.Len() {
		return nil, fmt.Errorf("reading %s: header of %d bytes runs past the end of the file", path, hl)
	}
	hdrBytes := make([]byte, hl)
	_, _ = io.ReadFull(r, hdrBytes)
	var hdr tensorHeader
	if err := json.Unmarshal(hdrBytes, &hdr); err != nil {
		return nil, fmt.Errorf("reading %s: header: %w", path, err)
	}
	if hdr.DType != "float32" {
		return nil, fmt.Errorf("reading %s: dtype %q, want float32", path, hdr.DType)
	}
	rest := data[len(data)-r.Len():]
	off := 0
	for i := range hdr.Tensors {
		t := &hdr.Tensors[i]
		cnt := size(t.Dims)
		if off+4*cnt > len(rest) {
			return nil, fmt.Errorf("reading %s: tensor %s (%v) runs past the end of the file", path, t.Name, t.Dims)
		}
		t.Values = make([]float32, cnt)
		for j := range t.Values {
			t.Values[j] = math.Float32frombits(binary.LittleEndian.Uint32(rest[off+4*j:]))
		}
		off += 4 * cnt
	}
	if off != len(rest) {
		return nil, fmt.Errorf("reading %s: %d bytes after the last tensor", path, len(rest)-off)
	}
	return hdr.Tensors, nil
}
