package scan

import (
	"bytes"
	"context"
	"testing"

	"github.com/mlpipe/pipeline/stages/scan/archive"
)

// FuzzScanLeaf feeds arbitrary bytes to the scanner as text, JSONL and CSV
// (and whatever container they turn out to be): it must never crash, and
// every finding must be well formed.
func FuzzScanLeaf(f *testing.F) {
	f.Add([]byte("password = \"hunter2-Xy9\"\n"), uint8(0))
	f.Add([]byte("{\"a\": \"-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----\"}\n"), uint8(1))
	f.Add([]byte("id,text\n1,\"multi\nline\"\"q\"\"\"\n"), uint8(2))
	f.Add([]byte("\xff\xfep\x00a\x00s\x00s\x00:\x00 \x00x\x00"), uint8(0))
	names := []string{"a.txt", "a.jsonl", "a.csv", "a.py"}
	s := New(Options{Limits: archive.Limits{MaxDepth: 3, MaxEntryBytes: 1 << 20, MaxTotalBytes: 4 << 20, MaxRatio: 100, MaxEntries: 50}})
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		name := names[int(which)%len(names)]
		rep := &Report{}
		w := &archive.Walker{
			Limits: s.opts.Limits,
			Visit: func(ctx context.Context, l archive.Leaf) error {
				l.Name = name
				return s.scanLeaf(ctx, l, rep)
			},
			Warn: func(archive.Warning) {},
		}
		if err := w.WalkReader(context.Background(), name, bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatalf("scan: %v", err)
		}
		for _, fd := range rep.Findings {
			if fd.Line < 1 || fd.Kind == "" || len(fd.SecretSHA256) != 64 {
				t.Fatalf("malformed finding %+v", fd)
			}
		}
	})
}
