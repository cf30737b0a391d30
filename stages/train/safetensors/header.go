package safetensors

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"
)

// Bounds on what a header may declare.
const (
	// MaxHeaderBytes is the largest header read, as the reference
	// implementation limits it.
	MaxHeaderBytes = 100 << 20
	// MaxTensors is the most tensors one file may hold.
	MaxTensors = 1 << 20
	// MaxRank is the most dimensions a tensor may have.
	MaxRank = 16
)

// metadataKey is the header entry that holds free-form string metadata.
const metadataKey = "__metadata__"

// TensorInfo is one header entry.
type TensorInfo struct {
	// Name is the tensor's name.
	Name string
	// DType is its element type.
	DType DType
	// Shape is its dimensions, outermost first.
	Shape []int
	// Begin and End are its byte range, relative to the data area.
	Begin, End int64
}

// NumElements is the product of the dimensions (1 for a scalar).
func (t TensorInfo) NumElements() int64 {
	n := int64(1)
	for _, d := range t.Shape {
		n *= int64(d)
	}
	return n
}

// entry is a tensor's header entry as written.
type entry struct {
	DType       DType    `json:"dtype"`
	Shape       []int64  `json:"shape"`
	DataOffsets []uint64 `json:"data_offsets"`
}

// ParseHeader reads the header of a safetensors file of size bytes: the
// tensors sorted by name, the metadata, and the offset of the data area.
func ParseHeader(r io.ReaderAt, size int64) ([]TensorInfo, map[string]string, int64, error) {
	var lenBuf [8]byte
	if size < 8 {
		return nil, nil, 0, fmt.Errorf("%d bytes: too short for a safetensors header", size)
	}
	if _, err := r.ReadAt(lenBuf[:], 0); err != nil {
		return nil, nil, 0, fmt.Errorf("reading the header length: %w", err)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	if n < 2 || n > MaxHeaderBytes {
		return nil, nil, 0, fmt.Errorf("header length %d: want 2 to %d bytes", n, MaxHeaderBytes)
	}
	if int64(n) > size-8 {
		return nil, nil, 0, fmt.Errorf("header length %d is more than the %d bytes after it (truncated file?)", n, size-8)
	}
	raw := make([]byte, n)
	if _, err := r.ReadAt(raw, 8); err != nil {
		return nil, nil, 0, fmt.Errorf("reading the header: %w", err)
	}
	infos, meta, err := parseJSON(raw)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("header: %w", err)
	}
	start := 8 + int64(n)
	if err := checkLayout(infos, size-start); err != nil {
		return nil, nil, 0, err
	}
	return infos, meta, start, nil
}

// parseJSON decodes the header object, refusing duplicate names.
func parseJSON(raw []byte) ([]TensorInfo, map[string]string, error) {
	if !utf8.Valid(raw) {
		return nil, nil, fmt.Errorf("not valid UTF-8")
	}
	trimmed := bytes.TrimLeft(raw, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, nil, fmt.Errorf("not a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, nil, fmt.Errorf("invalid JSON: %w", err)
	}
	seen := map[string]bool{}
	var infos []TensorInfo
	var meta map[string]string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("invalid JSON: %w", err)
		}
		name, _ := tok.(string)
		if seen[name] {
			return nil, nil, fmt.Errorf("tensor %q appears twice", name)
		}
		seen[name] = true
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, nil, fmt.Errorf("entry %q: invalid JSON: %w", name, err)
		}
		if name == metadataKey {
			if err := json.Unmarshal(value, &meta); err != nil {
				return nil, nil, fmt.Errorf("%s: want an object of strings: %w", metadataKey, err)
			}
			continue
		}
		if len(infos) == MaxTensors {
			return nil, nil, fmt.Errorf("more than %d tensors", MaxTensors)
		}
		info, err := parseEntry(name, value)
		if err != nil {
			return nil, nil, err
		}
		infos = append(infos, info)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return nil, nil, fmt.Errorf("trailing data after the header object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, fmt.Errorf("trailing data after the header object")
	}
	slices.SortFunc(infos, func(a, b TensorInfo) int { return strings.Compare(a.Name, b.Name) })
	return infos, meta, nil
}

// parseEntry checks one tensor's entry.
func parseEntry(name string, value json.RawMessage) (TensorInfo, error) {
	var e entry
	dec := json.NewDecoder(bytes.NewReader(value))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return TensorInfo{}, fmt.Errorf("tensor %q: %w", name, err)
	}
	info := TensorInfo{Name: name, DType: e.DType}
	if e.DType.Size() == 0 {
		return info, fmt.Errorf("tensor %q: unknown dtype %q", name, e.DType)
	}
	if len(e.Shape) > MaxRank {
		return info, fmt.Errorf("tensor %q: rank %d is more than %d", name, len(e.Shape), MaxRank)
	}
	if len(e.DataOffsets) != 2 {
		return info, fmt.Errorf("tensor %q: data_offsets must be [begin, end], got %d numbers", name, len(e.DataOffsets))
	}
	elems := uint64(1)
	for _, d := range e.Shape {
		if d < 0 || d > math.MaxInt32 {
			return info, fmt.Errorf("tensor %q: dimension %d out of range", name, d)
		}
		hi, lo := bits.Mul64(elems, uint64(d))
		if hi != 0 || lo > math.MaxInt64/8 {
			return info, fmt.Errorf("tensor %q: shape %v has too many elements", name, e.Shape)
		}
		elems = lo
		info.Shape = append(info.Shape, int(d))
	}
	if info.Shape == nil {
		info.Shape = []int{}
	}
	begin, end := e.DataOffsets[0], e.DataOffsets[1]
	if begin > end || end > math.MaxInt64 {
		return info, fmt.Errorf("tensor %q: data_offsets [%d, %d] are not a range", name, begin, end)
	}
	info.Begin, info.End = int64(begin), int64(end)
	if need := elems * uint64(e.DType.Size()); need != end-begin {
		return info, fmt.Errorf("tensor %q: data_offsets [%d, %d] hold %d bytes, shape %v %s needs %d", name, begin, end, end-begin, info.Shape, e.DType, need)
	}
	return info, nil
}

// checkLayout checks that the tensors tile the data area exactly: no
// overlap, no hole, nothing after the last tensor.
func checkLayout(infos []TensorInfo, dataLen int64) error {
	byOffset := slices.Clone(infos)
	slices.SortStableFunc(byOffset, func(a, b TensorInfo) int {
		if c := cmp.Compare(a.Begin, b.Begin); c != 0 {
			return c
		}
		return cmp.Compare(a.End, b.End)
	})
	var at int64
	for _, t := range byOffset {
		if t.Begin != at {
			if t.Begin < at {
				return fmt.Errorf("tensor %q: data_offsets [%d, %d] overlap the tensor before it", t.Name, t.Begin, t.End)
			}
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] leave a hole at byte %d of the data area", t.Name, t.Begin, t.End, at)
		}
		at = t.End
	}
	if at > dataLen {
		return fmt.Errorf("tensors need %d bytes of data, the file has %d after its header (truncated file?)", at, dataLen)
	}
	if at < dataLen {
		return fmt.Errorf("%d bytes after the last tensor", dataLen-at)
	}
	return nil
}
