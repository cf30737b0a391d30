package main

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/artifacts"
)

// lastManifest reads the newest manifest of the definition at def.
func lastManifest(t *testing.T, def string) *artifacts.Manifest {
	t.Helper()
	return lastManifestIn(t, filepath.Join(filepath.Dir(def), ".pipeline"))
}

// lastManifestIn reads the newest manifest of the workspace ws.
func lastManifestIn(t *testing.T, ws string) *artifacts.Manifest {
	t.Helper()
	ms, _ := filepath.Glob(filepath.Join(ws, "runs", "*", "manifest.json"))
	if len(ms) == 0 {
		t.Fatal("no manifest written")
	}
	sort.Strings(ms)
	m, err := artifacts.ReadManifest(ms[len(ms)-1])
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func stageRecord(t *testing.T, m *artifacts.Manifest, name string) *artifacts.StageRecord {
	t.Helper()
	for i := range m.Stages {
		if m.Stages[i].Name == name {
			return &m.Stages[i]
		}
	}
	t.Fatalf("no stage %s in the manifest", name)
	return nil
}

// Tables written by pyarrow in every codec it offers, by pandas and by
// polars, declared `table` by an exec stage: each is recorded with its rows
// and schema and read by split and tokenize like an ingest output.
func TestTableOutputsOfOtherWriters(t *testing.T) {
	fixtures, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "parquet", "*.parquet"))
	if len(fixtures) < 8 {
		t.Fatalf("want the 8 Parquet fixtures of testdata/parquet, found %d", len(fixtures))
	}
	for _, fx := range fixtures {
		t.Run(filepath.Base(fx), func(t *testing.T) {
			abs, _ := filepath.Abs(fx)
			def := writeDef(t, `version: 1
stages:
  prep: {kind: exec, with: {cmd: "cp `+abs+` $PIPELINE_OUT/data", outputs: {data: table}}}
  sets:
    kind: split
    inputs: {data: prep.data}
    with: {fractions: {train: 0.75, test: 0.25}, seed: 1}
  tokens:
    kind: tokenize
    inputs: {train: sets.train, test: sets.test}
    with: {tokenizer: {type: whitespace, vocab_size: 64, train_on: train}, column: text, max_length: 16}
`)
			if code, out, errs := cli(t, "run", def); code != 0 {
				t.Fatalf("exit %d: %s %s", code, out, errs)
			}
			prep := stageRecord(t, lastManifest(t, def), "prep")
			if len(prep.Outputs) != 1 || prep.Outputs[0].Rows == nil || *prep.Outputs[0].Rows != 80 || prep.Outputs[0].Schema == "" {
				t.Errorf("prep's table output is not recorded with 80 rows and a schema: %+v", prep.Outputs)
			}
		})
	}
}

// Each bad output is a clear error naming the port, and nothing is cached:
// the next status still has the stage to run.
func TestBadCommandOutputs(t *testing.T) {
	cases := []struct {
		name, cmd, outputs, want string
	}{
		{"not-parquet", `printf 'text,label\na,1\n' > $PIPELINE_OUT/data`, `{data: table}`,
			"output `data` is declared `table` but is not a Parquet file (it does not start with PAR1)"},
		{"truncated-parquet", `head -c 300 ` + fixture(t, "pyarrow-zstd.parquet") + ` > $PIPELINE_OUT/data`, `{data: table}`,
			"output `data` is declared `table` but is not a readable Parquet file"},
		{"dataset-directory", `mkdir $PIPELINE_OUT/data && cp ` + fixture(t, "pyarrow-zstd.parquet") + ` $PIPELINE_OUT/data/part-0.parquet`, `{data: table}`,
			"output `data` is declared `table` but is a directory (write one Parquet file"},
		{"undeclared-port", `echo x > $PIPELINE_OUT/dta`, `{data: file}`,
			"the command wrote `dta` under $PIPELINE_OUT, which is not a declared output (declared: `data`)"},
		{"file-for-dir", `echo x > $PIPELINE_OUT/data`, `{data: dir}`,
			"output `data` is declared `dir` but is not a directory"},
		{"unknown-type", `true`, `{data: parquet}`,
			"output `data` has type parquet; the types are `table`, `file`, `dir`, `any`"},
		{"step-not-a-number", `echo '{"step": 0, "loss": 1}' >> $PIPELINE_STEPS; echo '{"step": 1, "acc": "high"}' >> $PIPELINE_STEPS`, `{history: table}`,
			"$PIPELINE_STEPS line 2: metric `acc` is the string \"high\", not a number"},
		{"steps-undeclared", `echo '{"loss": 1}' > $PIPELINE_STEPS`, `[]`,
			"logged step metrics to $PIPELINE_STEPS, but `history` is not a declared `table` output"},
		{"metric-a-list", `echo '{"acc": [0.5, 0.7]}' > $PIPELINE_METRICS`, `[]`,
			"$PIPELINE_METRICS: metric `acc` is a list, not a number"},
		{"history-written-by-command", `echo x > $PIPELINE_OUT/history`, `{history: table}`,
			"the command wrote `history` under $PIPELINE_OUT; that output is written by the engine"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			def := writeDef(t, "version: 1\nstages:\n  prep:\n    kind: exec\n    with:\n      cmd: |\n        "+c.cmd+"\n      outputs: "+c.outputs+"\n")
			code, out, errs := cli(t, "run", def)
			if code == 0 || !strings.Contains(out+errs, c.want) {
				t.Fatalf("exit %d, want an error with %q:\n%s%s", code, c.want, out, errs)
			}
			if code == 2 {
				return // a definition error: nothing ran
			}
			if code, out, _ := cli(t, "status", def, "--json"); code == 2 || strings.Contains(out, `"cached"`) {
				t.Errorf("a failed stage was cached: %s", out)
			}
		})
	}
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "testdata", "parquet", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Step metrics logged to $PIPELINE_STEPS become the history table (step,
// then a column per metric, null where a step did not log it), and each
// metric's last value is a final metric unless the command reports it.
func TestStepMetricsBecomeHistory(t *testing.T) {
	def := writeDef(t, `version: 1
stages:
  fit:
    kind: exec
    with:
      cmd: |
        for i in 0 1 2; do echo "{\"step\": $((i*10)), \"loss\": 0.$((9-i))}" >> $PIPELINE_STEPS; done
        echo '{"step": 30, "val_loss": 0.5}' >> $PIPELINE_STEPS
        echo '{"loss": 0.1}' > $PIPELINE_METRICS
      outputs: {history: table}
`)
	if code, out, errs := cli(t, "run", def); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	code, out, errs := cli(t, "cat", def, "fit.history")
	want := `{"step":0,"loss":0.9,"val_loss":null}
{"step":10,"loss":0.8,"val_loss":null}
{"step":20,"loss":0.7,"val_loss":null}
{"step":30,"loss":null,"val_loss":0.5}
`
	if code != 0 || out != want {
		t.Fatalf("cat fit.history: exit %d\n%s%s\nwant\n%s", code, out, errs, want)
	}
	fit := stageRecord(t, lastManifest(t, def), "fit")
	if fit.Metrics["loss"] != 0.1 || fit.Metrics["val_loss"] != 0.5 {
		t.Errorf("metrics %v: want loss 0.1 (reported) and val_loss 0.5 (its last step)", fit.Metrics)
	}
}

// ingest reads an upstream output through its `src` input: a directory of
// files (format from their names) or one file (format given).
func TestIngestReadsAnUpstreamOutput(t *testing.T) {
	def := writeDef(t, `version: 1
stages:
  prep:
    kind: exec
    with: {cmd: "mkdir $PIPELINE_OUT/out && printf 'text,label\nhello,1\nbye,0\n' > $PIPELINE_OUT/out/a.csv && printf 'text,label\nhi,1\n' > $PIPELINE_OUT/out/b.csv", outputs: {out: dir}}
  one:
    kind: exec
    with: {cmd: "printf '{\"text\": \"x\"}\n' > $PIPELINE_OUT/f", outputs: {f: file}}
  data: {kind: ingest, inputs: {src: prep.out}}
  single: {kind: ingest, inputs: {src: one.f}, with: {format: jsonl}}
  guess: {kind: ingest, inputs: {src: one.f}}
`)
	code, out, errs := cli(t, "run", def, "--keep-going")
	if code == 0 || !strings.Contains(out+errs, "cannot tell the format of src from its name; set format") {
		t.Fatalf("the unnamed file's format was not asked for: exit %d\n%s%s", code, out, errs)
	}
	m := lastManifest(t, def)
	for name, rows := range map[string]int64{"data": 3, "single": 1} {
		st := stageRecord(t, m, name)
		if st.Status != "ran" || st.Outputs[0].Rows == nil || *st.Outputs[0].Rows != rows {
			t.Errorf("%s: %s %+v, want %d rows", name, st.Status, st.Outputs, rows)
		}
	}
	bad := writeDef(t, "version: 1\nstages:\n  a: {kind: exec, with: {cmd: 'true', outputs: {o: dir}}}\n  b: {kind: ingest, inputs: {src: a.o}, with: {path: ../x}}\n")
	if code, _, errs := cli(t, "run", bad); code != 2 || !strings.Contains(errs, "must lie inside the `src` input") {
		t.Errorf("a path leaving the input: exit %d %s", code, errs)
	}
}
