package ingest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/internal/testutil"
	"github.com/mlpipe/pipeline/stages"
)

// gz and zst compress test file contents.
func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

// half is the first half of s (a truncated stream).
func half(s string) string { return s[:len(s)/2] }

func zst(s string) string {
	var b bytes.Buffer
	w, _ := zstd.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

// runStage writes files into a fresh work dir, plans and runs the stage, and
// returns a text of its metrics and output tables, or the error.
func runStage(t *testing.T, files map[string]string, params map[string]any) (string, error) {
	t.Helper()
	work := t.TempDir()
	for name, content := range files {
		p := filepath.Join(work, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return runIn(t, work, params)
}

// runIn plans and runs the stage in work.
func runIn(t *testing.T, work string, params map[string]any) (string, error) {
	t.Helper()
	plan, err := Kind{}.Plan(stages.PlanRequest{Stage: "in", Params: params, WorkDir: work})
	if err != nil {
		return "", fmt.Errorf("plan: %w", err)
	}
	out := t.TempDir()
	env := &stages.Env{Stage: "in", OutDir: out, ScratchDir: t.TempDir(), WorkDir: work, Params: params,
		Log: zerolog.Nop(), Output: io.Discard, Progress: stages.NopProgress{}}
	res, err := Kind{}.Run(context.Background(), env)
	if err != nil {
		if left, _ := os.ReadDir(out); len(left) != 0 {
			t.Errorf("failed run left outputs behind: %v", left)
		}
		return "", err
	}
	var b strings.Builder
	var keys []string
	for k := range res.Metrics {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "bytes" {
			continue // depends on compression; checked separately
		}
		fmt.Fprintf(&b, "%s: %v\n", k, res.Metrics[k])
	}
	for _, port := range plan.Outputs {
		r, err := table.Open(env.OutPath(port))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "--- %s %s\n", port, fieldsOf(r))
		r.Close()
		if err := table.Dump(&b, env.OutPath(port), "jsonl", 0); err != nil {
			t.Fatal(err)
		}
	}
	return b.String(), nil
}

// fieldsOf lists a table's columns and types.
func fieldsOf(r *table.Reader) string {
	var parts []string
	for _, f := range r.Schema().Fields() {
		parts = append(parts, f.Name+":"+f.Type.String())
	}
	return strings.Join(parts, " ")
}

const mixedJSONL = `{"id": 1, "score": 0.5, "ok": true, "name": "a\"b\\c\u00e9\ud83d\ude00", "tags": ["x", {"y": null}], "n": null}
{"id": 2, "score": 3, "ok": false, "name": "line\nbreak\ttab", "tags": {"k": 1}}

{"id": -3, "score": -1.5e3, "ok": null, "name": "", "tags": [], "n": null, "late": "x"}
`

const rfcCSV = "id,text,price,flag\r\n" +
	"1,plain,1.5,true\r\n" +
	"2,\"a, quoted \"\"field\"\"\",2,FALSE\r\n" +
	"3,\"multi\r\nline\nfield\",,true\r\n" +
	"4,,-7,\r\n"

func TestIngest(t *testing.T) {
	cases := []struct {
		name    string
		files   map[string]string
		params  map[string]any
		wantErr string // substring; empty: compare with testdata/golden/<name>.golden
	}{
		{"jsonl-inferred", map[string]string{"d.jsonl": mixedJSONL}, map[string]any{"path": "d.jsonl"}, ""},
		{"jsonl-declared", map[string]string{"d.jsonl": mixedJSONL},
			map[string]any{"path": "d.jsonl", "columns": []any{map[string]any{"name": "string"}, map[string]any{"id": "int"}, map[string]any{"score": "float"}}}, ""},
		{"jsonl-declared-map", map[string]string{"d.jsonl": mixedJSONL},
			map[string]any{"path": "d.jsonl", "columns": map[string]any{"score": "string", "id": "float"}}, ""},
		{"jsonl-gz", map[string]string{"d.jsonl.gz": gz(mixedJSONL)}, map[string]any{"path": "d.jsonl.gz"}, ""},
		{"jsonl-zst", map[string]string{"d.jsonl.zst": zst(mixedJSONL)}, map[string]any{"path": "d.jsonl.zst"}, ""},
		{"jsonl-missing-declared", map[string]string{"d.jsonl": mixedJSONL},
			map[string]any{"path": "d.jsonl", "columns": map[string]any{"late": "string"}}, `d.jsonl:1: missing declared column "late"`},
		{"jsonl-bad-type", map[string]string{"d.jsonl": "{\"a\": 1}\n{\"a\": \"x\"}\n"},
			map[string]any{"path": "d.jsonl", "columns": map[string]any{"a": "int"}}, `d.jsonl:2: member "a": "x" does not parse as int`},
		{"jsonl-bad-json", map[string]string{"d.jsonl": "{\"a\": 1}\n{\"a\": 1,}\n"},
			map[string]any{"path": "d.jsonl"}, `d.jsonl:2: invalid JSON at column 9: expected a member name`},
		{"jsonl-not-object", map[string]string{"d.jsonl": "{\"a\": 1}\n[1]\n"},
			map[string]any{"path": "d.jsonl"}, `d.jsonl:2: invalid JSON at column 1: a record must be a JSON object`},
		{"jsonl-unknown-member", map[string]string{"d.jsonl": "{\"a\": 1}\n{\"b\": 1}\n"},
			map[string]any{"path": "d.jsonl", "infer_rows": int64(1)}, `d.jsonl:2: member "b" is not in the schema inferred from the first 1 records`},
		{"jsonl-not-utf8", map[string]string{"d.jsonl": "{\"a\": \"ok\"}\n{\"a\": \"\xff\"}\n"},
			map[string]any{"path": "d.jsonl"}, `d.jsonl:2: not valid UTF-8`},
		{"jsonl-empty", map[string]string{"d.jsonl": ""}, map[string]any{"path": "d.jsonl", "columns": map[string]any{"a": "int"}}, `d.jsonl: empty file`},
		{"jsonl-blank", map[string]string{"d.jsonl": "\n  \n"}, map[string]any{"path": "d.jsonl"}, `no valid JSON record to infer a schema from in d.jsonl`},
		{"jsonl-truncated-gz", map[string]string{"d.jsonl.gz": half(gz(strings.Repeat(mixedJSONL, 50)))},
			map[string]any{"path": "d.jsonl.gz"}, `reading d.jsonl.gz: truncated gzip stream`},
		{"jsonl-corrupt-zst", map[string]string{"d.jsonl.zst": "(\xb5/\xfd garbage garbage garbage"},
			map[string]any{"path": "d.jsonl.zst"}, `d.jsonl.zst`},
		{"jsonl-skip", map[string]string{"d.jsonl": "{\"a\": 1}\n{\"a\": \"x\"}\n{\"a\" 1}\n{\"a\": \"\xfe\"}\n{\"a\": 4}\n"},
			map[string]any{"path": "d.jsonl", "columns": map[string]any{"a": "int"}, "on_error": "skip"}, ""},
		{"csv-rfc4180", map[string]string{"d.csv": rfcCSV}, map[string]any{"path": "d.csv"}, ""},
		{"csv-declared", map[string]string{"d.csv": rfcCSV},
			map[string]any{"path": "d.csv", "columns": []any{map[string]any{"text": "string"}, map[string]any{"id": "string"}}}, ""},
		{"csv-missing-declared", map[string]string{"d.csv": rfcCSV},
			map[string]any{"path": "d.csv", "columns": map[string]any{"label": "string"}}, `d.csv:1: missing declared column "label" (header has id, text, price, flag)`},
		{"csv-bad-value", map[string]string{"d.csv": "a,b\n1,2\nx,3\n"},
			map[string]any{"path": "d.csv", "columns": map[string]any{"a": "int"}}, `d.csv:3: bad record: column "a": "x" does not parse as int`},
		{"csv-bare-quote", map[string]string{"d.csv": "a,b\n1,2\n3,x\"y\n"},
			map[string]any{"path": "d.csv"}, `d.csv:3: invalid CSV: bare quote in an unquoted field`},
		{"csv-unclosed-quote", map[string]string{"d.csv": "a,b\n1,2\n3,\"xy\n4,5\n"},
			map[string]any{"path": "d.csv"}, `d.csv:3: invalid CSV: quoted field opened on line 3 is never closed`},
		{"csv-field-count", map[string]string{"d.csv": "a,b\n1,2\n3\n"},
			map[string]any{"path": "d.csv"}, `d.csv:3: bad record: 1 fields, but the header has 2`},
		{"csv-skip", map[string]string{"d.csv": "a,b\n1,2\n3\n4,\"x\"y\n5,\"multi\nline\"\nz,\xff\n6,6\n"},
			map[string]any{"path": "d.csv", "columns": map[string]any{"a": "int", "b": "string"}, "on_error": "skip"}, ""},
		{"csv-no-header", map[string]string{"d.csv": "1,x\n2,y\n"}, map[string]any{"path": "d.csv", "header": false}, ""},
		{"csv-skip-rows", map[string]string{"d.csv": "# exported 2026-01-02\ntitle, with \"odd\" quotes\na,b\n1,2\n3,x\"\n"},
			map[string]any{"path": "d.csv", "skip_rows": int64(2)}, `d.csv:5: invalid CSV: bare quote in an unquoted field`},
		{"csv-skip-rows-ok", map[string]string{"d.csv": "# meta\n# more meta, with, commas\na,b\n1,2\n"},
			map[string]any{"path": "d.csv", "skip_rows": int64(2)}, ""},
		{"csv-skip-rows-past-end", map[string]string{"d.csv": "# meta\n"},
			map[string]any{"path": "d.csv", "skip_rows": int64(3)}, `d.csv: ends after 1 lines, within the 3 that skip_rows skips`},
		{"csv-header-only", map[string]string{"d.csv": "a,b\n"}, map[string]any{"path": "d.csv"}, ""},
		{"csv-empty", map[string]string{"d.csv": ""}, map[string]any{"path": "d.csv"}, `d.csv: empty file (no header line)`},
		{"csv-dup-header", map[string]string{"d.csv": "a,a\n1,2\n"}, map[string]any{"path": "d.csv"}, `header: column name "a" appears twice`},
		{"tsv", map[string]string{"d.tsv": "a\tb\n1\tx,y\n2\t\"q\"\"q\"\n"}, map[string]any{"path": "d.tsv"}, ""},
		{"csv-semicolon", map[string]string{"d.txt": "a;b\n1;2.5\n"}, map[string]any{"path": "d.txt", "format": "csv", "delimiter": ";"}, ""},
		{"csv-glob", map[string]string{"p/a.csv": "a,b\n1,2\n", "p/b.csv": "b,a\n3,4\n", "p/c.json": "x"}, map[string]any{"path": "p/*.csv"}, ""},
		{"csv-glob-mismatch", map[string]string{"p/a.csv": "a,b\n1,2\n", "p/b.csv": "a,c\n3,4\n"}, map[string]any{"path": "p/*.csv"}, `p/b.csv:1: header lacks column "b"`},
		{"jsonl-bom", map[string]string{"d.jsonl": "\uFEFF{\"a\": 1}\n"}, map[string]any{"path": "d.jsonl"}, ""},
		{"text-lines", map[string]string{"t.txt": "first\r\nsecond\n\nlast"}, map[string]any{"path": "t.txt"}, ""},
		{"text-dir", map[string]string{"d/a.txt": "a1\na2\n", "d/sub/b.txt.gz": gz("b1\n"), "d/.hidden.txt": "no"}, map[string]any{"path": "d", "format": "text"}, ""},
		{"text-per-file", map[string]string{"d/a.txt": "a1\na2\n", "d/b.txt": "b"}, map[string]any{"path": "d", "per_file": true}, ""},
		{"text-paragraphs", map[string]string{"t.txt": "\n\nThe family of Dashwood  \r\nhad long been settled.\n \t\nIn Sussex.\n\n\n\nTheir estate\nwas large.\t"},
			map[string]any{"path": "t.txt", "paragraphs": true}, ""},
		{"text-paragraphs-dir", map[string]string{"d/a.txt": "a1\na2\n\na3\n", "d/b.txt": "b1\n"}, map[string]any{"path": "d", "paragraphs": true}, ""},
		{"text-paragraphs-skip", map[string]string{"t.txt": "ok\nstill ok\n\nbad\nbad\xc3\nrest\n\n" + strings.Repeat("x", 40) + "\n" + strings.Repeat("y", 40) + "\n\nlast\n"},
			map[string]any{"path": "t.txt", "paragraphs": true, "on_error": "skip", "max_record_bytes": int64(60)}, ""},
		{"text-paragraphs-too-long", map[string]string{"t.txt": "a\n\n" + strings.Repeat("x", 40) + "\n" + strings.Repeat("y", 40) + "\n"},
			map[string]any{"path": "t.txt", "paragraphs": true, "max_record_bytes": int64(60)}, `t.txt:4: record of 81 bytes or more is longer than with.max_record_bytes (60)`},
		{"text-paragraphs-blank", map[string]string{"t.txt": "\n \n"}, map[string]any{"path": "t.txt", "paragraphs": true}, ""},
		{"text-paragraphs-and-per-file", map[string]string{"t.txt": "x"}, map[string]any{"path": "t.txt", "paragraphs": true, "per_file": true}, "with.paragraphs: a row is a file (per_file) or a paragraph, not both"},
		{"text-paragraphs-csv", map[string]string{"d.csv": "a\n1\n"}, map[string]any{"path": "d.csv", "paragraphs": true}, "with.paragraphs: only for format text, not csv"},
		{"text-not-utf8", map[string]string{"t.txt": "ok\nbad\xc3\n"}, map[string]any{"path": "t.txt"}, `t.txt:2: not valid UTF-8`},
		{"text-skip", map[string]string{"t.txt": "ok\nbad\xc3\nok2\n"}, map[string]any{"path": "t.txt", "on_error": "skip"}, ""},
		{"text-empty", map[string]string{"t.txt": ""}, map[string]any{"path": "t.txt"}, `t.txt: empty file`},
		{"mixed-formats", map[string]string{"d/a.txt": "x", "d/b.csv": "a\n1\n"}, map[string]any{"path": "d"}, `files of several formats`},
		{"no-match", map[string]string{"a.txt": "x"}, map[string]any{"path": "*.csv"}, `"*.csv" matches no file`},
		{"missing-file", map[string]string{}, map[string]any{"path": "nope.jsonl"}, `with.path: stat`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := runStage(t, tc.files, tc.params)
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("no error, want %q; output:\n%s", tc.wantErr, got)
				}
				if !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %q\nwant it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "golden", tc.name+".golden"), []byte(got))
		})
	}
}

// golden compares got with the file at path, or rewrites it under -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	testutil.Golden(t, path, got)
}
