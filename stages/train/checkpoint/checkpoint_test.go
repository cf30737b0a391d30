package checkpoint

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestTensorFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.bin")
	in := []Tensor{
		{Name: "a", Dims: []int{2, 3}, Values: []float32{1, 2, 3, 4, 5, -6.5}},
		{Name: "b", Dims: []int{1}, Values: []float32{0.25}},
	}
	if err := WriteTensors(path, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadTensors(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip: got %+v, want %+v", out, in)
	}
	if err := WriteTensors(path, []Tensor{{Name: "bad", Dims: []int{2}, Values: []float32{1}}}); err == nil {
		t.Fatal("writing a tensor with the wrong number of values succeeded")
	}
	if err := os.WriteFile(path, []byte("nonsense"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadTensors(path); err == nil {
		t.Fatal("reading a non-tensor file succeeded")
	}
}

func score(v float64) *float64 { return &v }

func TestManagerKeepsLastAndBest(t *testing.T) {
	dir := t.TempDir()
	m := &Manager{Dir: dir, KeepLast: 2, KeepBest: 1}
	scores := map[int64]float64{10: 3, 20: 1, 30: 2, 40: 4, 50: 5}
	for _, step := range []int64{10, 20, 30, 40, 50} {
		c := &Checkpoint{Meta: Meta{Fingerprint: "f", Step: step, Score: score(scores[step])},
			Tensors: []Tensor{{Name: "w", Dims: []int{1}, Values: []float32{float32(step)}}}}
		if err := m.Save(c); err != nil {
			t.Fatal(err)
		}
	}
	// An interrupted save leaves a temporary directory; it is ignored.
	if err := os.MkdirAll(filepath.Join(dir, ".tmp-123"), 0o755); err != nil {
		t.Fatal(err)
	}
	metas, err := m.List()
	if err != nil {
		t.Fatal(err)
	}
	var steps []int64
	for _, mt := range metas {
		steps = append(steps, mt.Step)
	}
	if want := []int64{20, 40, 50}; !reflect.DeepEqual(steps, want) {
		t.Fatalf("kept steps %v, want %v", steps, want)
	}
	latest, err := m.Latest("f")
	if err != nil || latest == nil || latest.Meta.Step != 50 || latest.Tensors[0].Values[0] != 50 {
		t.Fatalf("Latest = %+v, %v; want step 50", latest, err)
	}
	if other, err := m.Latest("g"); err != nil || other != nil {
		t.Fatalf("Latest of another fingerprint = %+v, %v; want nil", other, err)
	}
	best, err := m.Best()
	if err != nil || best == nil || best.Step != 20 {
		t.Fatalf("Best = %+v, %v; want step 20", best, err)
	}
}
