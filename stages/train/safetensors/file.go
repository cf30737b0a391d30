package safetensors

import (
	"fmt"
	"os"
	"sort"
)

// File is an open safetensors file; tensor bytes are read when asked for.
type File struct {
	path    string
	f       *os.File
	infos   []TensorInfo
	byName  map[string]int
	meta    map[string]string
	dataOff int64
}

// Open reads the header of the safetensors file at path.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening safetensors: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("opening safetensors: %w", err)
	}
	infos, meta, off, err := ParseHeader(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sf := &File{path: path, f: f, infos: infos, meta: meta, dataOff: off, byName: make(map[string]int, len(infos))}
	for i, t := range infos {
		sf.byName[t.Name] = i
	}
	return sf, nil
}

// Path is the file's path.
func (f *File) Path() string { return f.path }

// Tensors lists the tensors, sorted by name.
func (f *File) Tensors() []TensorInfo { return f.infos }

// Tensor returns a tensor's header entry.
func (f *File) Tensor(name string) (TensorInfo, bool) {
	i, ok := f.byName[name]
	if !ok {
		return TensorInfo{}, false
	}
	return f.infos[i], true
}

// Names lists the tensors' names, sorted.
func (f *File) Names() []string {
	out := make([]string, len(f.infos))
	for i, t := range f.infos {
		out[i] = t.Name
	}
	sort.Strings(out)
	return out
}

// Metadata is the header's __metadata__ (nil when absent).
func (f *File) Metadata() map[string]string { return f.meta }

// Raw reads a tensor's bytes.
func (f *File) Raw(name string) ([]byte, error) {
	t, ok := f.Tensor(name)
	if !ok {
		return nil, fmt.Errorf("%s: no tensor %q", f.path, name)
	}
	buf := make([]byte, t.End-t.Begin)
	if _, err := f.f.ReadAt(buf, f.dataOff+t.Begin); err != nil {
		return nil, fmt.Errorf("%s: reading tensor %q: %w", f.path, name, err)
	}
	return buf, nil
}

// Float32 reads a floating-point tensor as float32 values, with its shape.
func (f *File) Float32(name string) ([]float32, []int, error) {
	raw, err := f.Raw(name)
	if err != nil {
		return nil, nil, err
	}
	t, _ := f.Tensor(name)
	v, err := toFloat32(t.DType, raw)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: tensor %q: %w", f.path, name, err)
	}
	return v, t.Shape, nil
}

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }
