package safetensors

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reference builds a file the way the reference writer lays it out.
func reference(header string, data []byte) []byte {
	h := []byte(header)
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	var b bytes.Buffer
	_ = binary.Write(&b, binary.LittleEndian, uint64(len(h)))
	b.Write(h)
	b.Write(data)
	return b.Bytes()
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestWriteMatchesTheReferenceLayout(t *testing.T) {
	// safetensors.torch.save_file({"a": torch.zeros(2, 3), "b": torch.arange(4)})
	data := make([]byte, 24+32)
	for i := range 4 {
		binary.LittleEndian.PutUint64(data[24+8*i:], uint64(i))
	}
	want := reference(`{"a":{"data_offsets":[0,24],"dtype":"F32","shape":[2,3]},"b":{"data_offsets":[24,56],"dtype":"I64","shape":[4]}}`, data)
	a, err := FromFloat32("a", F32, []int{2, 3}, make([]float32, 6))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, []Tensor{{Name: "b", DType: I64, Shape: []int{4}, Data: data[24:]}, a}, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("written bytes differ:\n%q\n%q", buf.Bytes(), want)
	}
	f, err := Open(writeTemp(t, "m.safetensors", want))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.Names(); strings.Join(got, ",") != "a,b" {
		t.Fatalf("names %v", got)
	}
	raw, err := f.Raw("b")
	if err != nil || !bytes.Equal(raw, data[24:]) {
		t.Fatalf("raw b: %v %v", raw, err)
	}
	if _, _, err := f.Float32("b"); err == nil || !strings.Contains(err.Error(), `tensor "b": dtype I64 is not a floating-point type`) {
		t.Fatalf("I64 as float32: %v", err)
	}
}

func TestRoundTripEveryFloatDType(t *testing.T) {
	vals := []float32{0, 1, -2, 0.5, 3.140625, -65504}
	var ts []Tensor
	for _, d := range []DType{F32, F16, BF16} {
		tn, err := FromFloat32(string(d), d, []int{2, 3}, vals)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, tn)
	}
	p := filepath.Join(t.TempDir(), "m.safetensors")
	if err := WriteFile(p, ts, map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Metadata()["format"] != "pt" {
		t.Errorf("metadata %v", f.Metadata())
	}
	for _, d := range []DType{F32, F16, BF16} {
		got, shape, err := f.Float32(string(d))
		if err != nil {
			t.Fatal(err)
		}
		if len(shape) != 2 || shape[0] != 2 || shape[1] != 3 {
			t.Errorf("%s shape %v", d, shape)
		}
		for i := range vals {
			want := vals[i]
			if d == BF16 {
				want = BF16ToF32(F32ToBF16(want))
			}
			if got[i] != want {
				t.Errorf("%s[%d] = %v, want %v", d, i, got[i], want)
			}
		}
	}
}

func TestHalfConversions(t *testing.T) {
	cases := []struct {
		h uint16
		f float32
	}{{0x0000, 0}, {0x3c00, 1}, {0xc000, -2}, {0x7bff, 65504}, {0x0001, float32(math.Ldexp(1, -24))}, {0x7c00, float32(math.Inf(1))}, {0x0400, float32(math.Ldexp(1, -14))}}
	for _, c := range cases {
		if got := F16ToF32(c.h); got != c.f {
			t.Errorf("F16ToF32(%#04x) = %v, want %v", c.h, got, c.f)
		}
		if got := F32ToF16(c.f); got != c.h {
			t.Errorf("F32ToF16(%v) = %#04x, want %#04x", c.f, got, c.h)
		}
	}
	if F32ToF16(float32(math.Copysign(0, -1))) != 0x8000 || !math.IsNaN(float64(F16ToF32(0x7e00))) || F32ToF16(1e6) != 0x7c00 {
		t.Error("negative zero, NaN or overflow")
	}
	// 1 + 2^-11 lies halfway between 1 and the next half; ties go to even (1).
	if got := F32ToF16(1 + float32(math.Ldexp(1, -11))); got != 0x3c00 {
		t.Errorf("tie rounds to %#04x", got)
	}
	if got := F32ToF16(1 + 3*float32(math.Ldexp(1, -11))); got != 0x3c02 {
		t.Errorf("tie rounds to %#04x, want even 0x3c02", got)
	}
	for h := range 1 << 16 {
		f := F16ToF32(uint16(h))
		if math.IsNaN(float64(f)) {
			continue
		}
		if back := F32ToF16(f); back != uint16(h) {
			t.Fatalf("half %#04x → %v → %#04x", h, f, back)
		}
		if back := F32ToBF16(BF16ToF32(uint16(h))); !math.IsNaN(float64(BF16ToF32(uint16(h)))) && back != uint16(h) {
			t.Fatalf("bfloat16 %#04x → %#04x", h, back)
		}
	}
	if F32ToBF16(1+float32(math.Ldexp(1, -8))) != 0x3f80 || F32ToBF16(1+3*float32(math.Ldexp(1, -8))) != 0x3f82 {
		t.Error("bfloat16 ties to even")
	}
}

func TestBadHeadersNameFileAndTensor(t *testing.T) {
	ok4 := make([]byte, 4)
	cases := map[string]struct {
		file []byte
		want string
	}{
		"short":      {[]byte{1, 2}, "too short"},
		"huge":       {append(binary.LittleEndian.AppendUint64(nil, 1<<40), "{}"...), "header length 1099511627776"},
		"truncated":  {append(binary.LittleEndian.AppendUint64(nil, 100), "{}"...), "truncated file"},
		"not json":   {reference(`[1,2]`, nil), "not a JSON object"},
		"duplicate":  {reference(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, ok4), `tensor "a" appears twice`},
		"size":       {reference(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, ok4), `tensor "w": data_offsets [0, 4] hold 4 bytes, shape [2] F32 needs 8`},
		"dtype":      {reference(`{"w":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}}`, ok4), `tensor "w": unknown dtype "Q4"`},
		"hole":       {reference(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)), `tensor "w": data_offsets [4, 8] leave a hole`},
		"overlap":    {reference(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, ok4), "overlap"},
		"past end":   {reference(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, ok4), "tensors need 8 bytes of data, the file has 4"},
		"trailing":   {reference(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 6)), "2 bytes after the last tensor"},
		"negative":   {reference(`{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, ok4), `tensor "w": dimension -1 out of range`},
		"overflow":   {reference(`{"w":{"dtype":"F32","shape":[2147483647,2147483647,2147483647],"data_offsets":[0,4]}}`, ok4), "too many elements"},
		"rank":       {reference(`{"w":{"dtype":"U8","shape":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],"data_offsets":[0,1]}}`, []byte{0}), "rank 17"},
		"field":      {reference(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}`, ok4), `tensor "w": json: unknown field "x"`},
		"offsets":    {reference(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0]}}`, ok4), "data_offsets must be [begin, end]"},
		"metadata":   {reference(`{"__metadata__":{"a":1}}`, nil), "__metadata__: want an object of strings"},
		"not utf8":   {reference("{\"\xff\":1}", nil), "not valid UTF-8"},
		"after json": {reference(`{} {}`, nil), "trailing data"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p := writeTemp(t, "bad.safetensors", c.file)
			_, err := Open(p)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
				t.Fatalf("got %v, want an error naming %s and containing %q", err, p, c.want)
			}
		})
	}
}

func TestShardedDirectory(t *testing.T) {
	dir := t.TempDir()
	a, _ := FromFloat32("a", F32, []int{1}, []float32{1})
	b, _ := FromFloat32("b", BF16, []int{2}, []float32{2, 3})
	if err := WriteFile(filepath.Join(dir, "model-00001-of-00002.safetensors"), []Tensor{a}, nil); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(filepath.Join(dir, "model-00002-of-00002.safetensors"), []Tensor{b}, nil); err != nil {
		t.Fatal(err)
	}
	index := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, IndexFile), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	index(`{"metadata": {}, "weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}`)
	s, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := s.Float32("b")
	if err != nil || v[0] != 2 || v[1] != 3 || strings.Join(s.Names(), ",") != "a,b" {
		t.Fatalf("b = %v, %v; names %v", v, err, s.Names())
	}
	s.Close()
	for bad, want := range map[string]string{
		`{"weight_map": {"a": "../model-00001-of-00002.safetensors"}}`:                                                                                `weight_map["a"] = "../model-00001-of-00002.safetensors": want a file name in the same directory`,
		`{"weight_map": {"a": "missing.safetensors"}}`:                                                                                                "lists shard missing.safetensors",
		`{"weight_map": {"a": "model-00002-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}`:                                          `maps tensor "a" to model-00002-of-00002.safetensors, which does not hold it`,
		`{"weight_map": {"a": "model-00001-of-00002.safetensors"}}`:                                                                                   "", // b's shard is never opened: fine
		`{"weight_map": {"b": "model-00002-of-00002.safetensors", "a": "model-00001-of-00002.safetensors", "c": "model-00001-of-00002.safetensors"}}`: `maps tensor "c"`,
	} {
		index(bad)
		s, err := OpenDir(dir)
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", bad, err)
			} else {
				s.Close()
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", bad, err, want)
		}
	}
	if _, err := OpenDir(t.TempDir()); err == nil || !strings.Contains(err.Error(), "has neither model.safetensors nor model.safetensors.index.json") {
		t.Errorf("empty dir: %v", err)
	}
}

func FuzzParseHeader(f *testing.F) {
	f.Add(reference(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"__metadata__":{"k":"v"}}`, make([]byte, 4)))
	f.Add(reference(`{"a":{"dtype":"BF16","shape":[2,1],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[],"data_offsets":[4,5]}}`, make([]byte, 5)))
	f.Add(reference(`{"a":{"dtype":"F16","shape":[0],"data_offsets":[0,0]}}`, nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		infos, _, start, err := ParseHeader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		for _, i := range infos {
			if i.Begin < 0 || i.End < i.Begin || start+i.End > int64(len(b)) {
				t.Fatalf("accepted tensor %q at [%d, %d) outside the %d data bytes", i.Name, i.Begin, i.End, int64(len(b))-start)
			}
			if i.NumElements()*int64(i.DType.Size()) != i.End-i.Begin {
				t.Fatalf("accepted tensor %q whose shape does not fill its range", i.Name)
			}
		}
	})
}

func BenchmarkFloat32BF16(b *testing.B) {
	vals := make([]float32, 4<<20)
	for i := range vals {
		vals[i] = float32(i) / 7
	}
	tn, _ := FromFloat32("w", BF16, []int{len(vals)}, vals)
	b.SetBytes(int64(len(tn.Data)))
	for b.Loop() {
		if _, err := toFloat32(BF16, tn.Data); err != nil {
			b.Fatal(err)
		}
	}
}
