package ingest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/stages"
	"github.com/rs/zerolog"
)

// emailJSONL returns n e-mail-like JSON Lines records of about 2 kB (the
// size of the SpamAssassin mails bench/ingest uses), each text distinct.
func emailJSONL(n int) []byte {
	var b strings.Builder
	body := strings.Repeat("Hello team,\\n\\nThe quarterly \\\"numbers\\\" are attached; see https://example.com/r?id=42 & reply.\\n", 22)
	for i := range n {
		label := "ham"
		if i%3 == 0 {
			label = "spam"
		}
		fmt.Fprintf(&b, `{"id": "mail/%d", "group": "g%d", "label": "%s", "subject": "Re: report %d", "text": "X-Row: %d\n%s"}`+"\n",
			i, i%5, label, i, i, body)
	}
	return []byte(b.String())
}

// BenchmarkIngestJSONL measures JSON Lines to Parquet (zstd) per byte of input.
func BenchmarkIngestJSONL(b *testing.B) {
	work := b.TempDir()
	data := emailJSONL(20000)
	if err := os.WriteFile(filepath.Join(work, "mail.jsonl"), data, 0o644); err != nil {
		b.Fatal(err)
	}
	params := map[string]any{"path": "mail.jsonl"}
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		out := b.TempDir()
		env := &stages.Env{Stage: "bench", OutDir: out, ScratchDir: out, WorkDir: work, Params: params,
			Log: zerolog.Nop(), Output: io.Discard, Progress: stages.NopProgress{}}
		if _, err := (Kind{}).Run(context.Background(), env); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONScanner measures the JSON Lines scanner alone.
func BenchmarkJSONScanner(b *testing.B) {
	lines := strings.Split(strings.TrimSpace(string(emailJSONL(1000))), "\n")
	total := 0
	for _, l := range lines {
		total += len(l)
	}
	var sc jsonScanner
	noop := func([]byte, *jsonValue) error { return nil }
	b.SetBytes(int64(total))
	b.ResetTimer()
	for range b.N {
		for _, l := range lines {
			if err := sc.object([]byte(l), noop); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCSVReader measures the RFC 4180 reader alone.
func BenchmarkCSVReader(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("id,label,text\n")
	for i := range 20000 {
		fmt.Fprintf(&sb, "%d,spam,\"quoted, \"\"text\"\" number %d\nwith a line break\"\n", i, i)
	}
	data := sb.String()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		cr := newCSVReader(strings.NewReader(data), ',', defaultMaxRecordBytes)
		for {
			if _, err := cr.next(); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				break
			}
		}
	}
}
