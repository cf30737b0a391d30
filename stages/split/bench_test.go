package split

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
)

// BenchmarkStratifiedSplit splits 40,000 rows of 1 KiB texts by key,
// stratified: the planning pass needs only the key and class columns.
func BenchmarkStratifiedSplit(b *testing.B) {
	path := filepath.Join(b.TempDir(), "data")
	w, err := table.Create(path, inputSchema)
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("lorem ipsum ", 85)
	for start := 0; start < 40000; start += 1000 {
		bl := array.NewRecordBuilder(memory.DefaultAllocator, inputSchema)
		for i := start; i < start+1000; i++ {
			bl.Field(0).(*array.Int64Builder).Append(int64(i))
			label := "ham"
			if i%10 < 3 {
				label = "spam"
			}
			bl.Field(1).(*array.StringBuilder).Append(label)
			bl.Field(2).(*array.StringBuilder).Append(text + string(rune('a'+i%26)))
		}
		rec := bl.NewRecordBatch()
		if err := w.Write(rec); err != nil {
			b.Fatal(err)
		}
		rec.Release()
		bl.Release()
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	params := map[string]any{"fractions": map[string]any{"train": 0.8, "test": 0.2}, "key": "id", "stratify": "label"}
	b.SetBytes(40000 * 1024)
	b.ResetTimer()
	for range b.N {
		env := &stages.Env{Stage: "sets", Inputs: map[string]string{"data": path}, OutDir: b.TempDir(), ScratchDir: b.TempDir(),
			Params: params, Seed: 1, Log: zerolog.Nop(), Output: io.Discard, Progress: stages.NopProgress{}}
		if _, err := (Kind{}).Run(context.Background(), env); err != nil {
			b.Fatal(err)
		}
	}
}
