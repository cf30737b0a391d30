package runtime

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/mlpipe/pipeline/artifacts"
)

const chain = `version: 1
name: chain
params: {seed: 5, sep: "-"}
stages:
  clean:
    kind: exec
    deps: [words.txt]
    with: {cmd: "tr -d ' ' < words.txt > $PIPELINE_OUT/words", outputs: [words]}
  count:
    kind: exec
    inputs: {words: clean}
    with: {cmd: "echo run >> runs.log; wc -c < $PIPELINE_IN_WORDS > $PIPELINE_OUT/n", outputs: [n]}
  label:
    kind: exec
    inputs: {n: count.n}
    with: {cmd: "echo \"n${sep}$(cat $PIPELINE_IN_N) seed=$PIPELINE_SEED\" > $PIPELINE_OUT/label", outputs: [label]}
`

func TestCacheHitsAndEarlyCutoff(t *testing.T) {
	p := newProject(t, chain, map[string]string{"words.txt": "a b c\n"})
	if got := statuses(p.run(Options{})); got != "clean=ran count=ran label=ran" {
		t.Fatalf("first run: %s", got)
	}
	if got := statuses(p.run(Options{})); got != "clean=cached count=cached label=cached" {
		t.Fatalf("second run: %s", got)
	}
	// Same content after clean strips the spaces: clean re-runs, the rest is cut off.
	p.write("words.txt", "a  b  c\n")
	if got := statuses(p.run(Options{})); got != "clean=ran count=cached label=cached" {
		t.Fatalf("after a change clean absorbs: %s", got)
	}
	// A parameter only label reads.
	if got := statuses(p.run(Options{}, "sep=+")); got != "clean=cached count=cached label=ran" {
		t.Fatalf("after --set sep: %s", got)
	}
	b, _ := os.ReadFile(filepath.Join(p.dir, "runs.log"))
	if n := strings.Count(string(b), "run"); n != 1 {
		t.Errorf("count ran %d times, want 1", n)
	}
	out, err := os.ReadFile(filepath.Join(p.dir, ".pipeline", "out", "pipeline", "label", "label"))
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "n+4 seed=5\n" {
		t.Errorf("exposed output = %q", out)
	}
	if info, err := os.Stat(filepath.Join(p.dir, ".pipeline", "out", "pipeline", "label", "label")); err != nil || info.Mode().Perm()&0o222 != 0 {
		t.Errorf("exposed output is writable or missing: %v", err)
	}
}

func TestForceRerunsEverything(t *testing.T) {
	p := newProject(t, chain, map[string]string{"words.txt": "a b\n"})
	p.run(Options{})
	if got := statuses(p.run(Options{Force: true})); got != "clean=ran count=ran label=ran" {
		t.Fatalf("forced run: %s", got)
	}
}

const failing = `version: 1
name: failing
stages:
  bad:
    kind: exec
    with: {cmd: "echo partial > $PIPELINE_OUT/o; echo boom >&2; exit 3", outputs: [o]}
  after:
    kind: exec
    inputs: {x: bad}
    with: {cmd: "cp $PIPELINE_IN_X $PIPELINE_OUT/o", outputs: [o]}
  other:
    kind: exec
    with: {cmd: "echo fine > $PIPELINE_OUT/o", outputs: [o]}
  missing:
    kind: exec
    with: {cmd: "true", outputs: [o]}
`

func TestFailuresAreNotCached(t *testing.T) {
	p := newProject(t, failing, nil)
	res := p.run(Options{Jobs: 1})
	if res.Status != RunFailed {
		t.Fatalf("run status %s", res.Status)
	}
	if got := statuses(res); got != "bad=failed after=skipped other=skipped missing=skipped" {
		t.Fatalf("statuses %s", got)
	}
	bad := res.Stages[0]
	if !strings.Contains(bad.Err.Error(), "exit status 3") || !strings.Contains(bad.LogTail, "boom") {
		t.Errorf("failure not explained: %v / %q", bad.Err, bad.LogTail)
	}
	if rec, _ := p.workspace().Store.LoadAction(bad.Key); rec != nil {
		t.Error("a failed stage was recorded in the action cache")
	}
	res = p.run(Options{Jobs: 1, KeepGoing: true})
	got := statuses(res)
	for _, w := range []string{"bad=failed", "after=skipped", "other=", "missing=failed"} {
		if !strings.Contains(got, w) {
			t.Errorf("keep-going statuses %s lack %s", got, w)
		}
	}
	for _, s := range res.Stages {
		if s.Node.Name == "other" && s.Status != StatusRan && s.Status != StatusCached {
			t.Errorf("independent stage not run with --keep-going: %s", s.Status)
		}
		if s.Node.Name == "missing" && !strings.Contains(s.Err.Error(), "did not write output `o`") {
			t.Errorf("missing output error: %v", s.Err)
		}
	}
	// The log of the failed stage is kept in the run's directory.
	logs, _ := filepath.Glob(filepath.Join(p.dir, ".pipeline", "runs", res.RunID, "logs", "bad.log"))
	if len(logs) != 1 {
		t.Error("no log file for the failed stage")
	}
}

func TestStatusAndDryRunWriteNothing(t *testing.T) {
	p := newProject(t, chain, map[string]string{"words.txt": "a b\n"})
	g := p.graph()
	// Before any run the workspace must not even be created.
	st, err := Status(g, p.workspace())
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 3 || st[0].State != WouldRun || st[0].Reasons[0] != "it has never run in this workspace" {
		t.Fatalf("status before any run: %+v", st)
	}
	if _, err := os.Stat(filepath.Join(p.dir, ".pipeline")); !os.IsNotExist(err) {
		t.Fatal("status created the workspace")
	}
	p.run(Options{})
	p.write("words.txt", "a b c\n")
	before := snapshot(t, p.dir)
	st, err = Status(p.graph(), p.workspace())
	if err != nil {
		t.Fatal(err)
	}
	if st[0].State != WouldRun || !strings.Contains(st[0].Reasons[0], "dep `words.txt` changed") {
		t.Errorf("status of clean: %+v", st[0])
	}
	if !strings.Contains(st[1].Reasons[0], "upstream `clean` will run") {
		t.Errorf("status of count: %+v", st[1])
	}
	ex, err := Explain(p.graph("sep=:"), p.workspace(), "label")
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(ex[0].Reasons, "\n")
	if !strings.Contains(joined, "parameter `cmd` changed") {
		t.Errorf("explain label: %s", joined)
	}
	if after := snapshot(t, p.dir); after != before {
		t.Errorf("status or explain wrote to the project:\n%s\n---\n%s", before, after)
	}
}

func TestConcurrentRunsShareWork(t *testing.T) {
	def := `version: 1
name: shared
stages:
  slow:
    kind: exec
    with: {cmd: "echo x >> calls.log; seq 1 20000 > $PIPELINE_OUT/o", outputs: [o]}
  fan1: {kind: exec, inputs: {x: slow}, with: {cmd: "echo a >> calls.log; wc -l < $PIPELINE_IN_X > $PIPELINE_OUT/o", outputs: [o]}}
  fan2: {kind: exec, inputs: {x: slow}, with: {cmd: "echo b >> calls.log; head -3 $PIPELINE_IN_X > $PIPELINE_OUT/o", outputs: [o]}}
`
	p := newProject(t, def, nil)
	var wg sync.WaitGroup
	results := make([]*RunResult, 2)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = p.run(Options{})
		}(i)
	}
	wg.Wait()
	for _, r := range results {
		if r.Status != RunSucceeded {
			t.Fatalf("a concurrent run failed: %s", statuses(r))
		}
	}
	for i := range results[0].Stages {
		a, b := results[0].Stages[i], results[1].Stages[i]
		if a.Key != b.Key || a.Outputs["o"].Digest != b.Outputs["o"].Digest {
			t.Errorf("runs disagree on %s", a.Node.Name)
		}
	}
	calls, _ := os.ReadFile(filepath.Join(p.dir, "calls.log"))
	if got := string(calls); strings.Count(got, "x") != 1 || strings.Count(got, "a") != 1 || strings.Count(got, "b") != 1 {
		t.Errorf("each stage must run once across both runs; calls:\n%s", got)
	}
}

func TestManifestValidatesAndHidesSecrets(t *testing.T) {
	const secret = "s3cr3t-value-that-must-not-leak"
	t.Setenv("PIPELINE_API_TOKEN", secret)
	t.Setenv("PIPELINE_MODE", "test")
	def := `version: 1
name: secrets
params: {seed: 1}
stages:
  leak:
    kind: exec
    with: {cmd: "echo token is $PIPELINE_API_TOKEN; echo $PIPELINE_API_TOKEN | wc -c > $PIPELINE_OUT/o; echo '{\"rows\": 3}' > $PIPELINE_METRICS", outputs: [o]}
`
	p := newProject(t, def, nil)
	res := p.run(Options{})
	if res.Status != RunSucceeded {
		t.Fatal(statuses(res))
	}
	b, err := os.ReadFile(res.ManifestPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var schemaDoc any
	if err := json.Unmarshal(artifacts.ManifestSchema, &schemaDoc); err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("manifest.schema.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("manifest.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("manifest does not match its schema: %v", err)
	}
	m := res.Manifest
	if m.Environment.Variables["PIPELINE_API_TOKEN"] != Redacted || m.Environment.Variables["PIPELINE_MODE"] != "test" {
		t.Errorf("environment variables: %v", m.Environment.Variables)
	}
	if m.Stages[0].Metrics["rows"] != 3 {
		t.Errorf("stage metrics: %v", m.Stages[0].Metrics)
	}
	ndjson, err := os.ReadFile(filepath.Join(p.dir, ".pipeline", "runs", res.RunID, "metrics.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	var line struct {
		SchemaVersion int `json:"schema_version"`
		Run, Stage    string
		Timestamp     string
		Metrics       map[string]float64
	}
	if err := json.Unmarshal(ndjson, &line); err != nil || line.SchemaVersion != 1 || line.Run != res.RunID || line.Stage != "leak" || line.Timestamp == "" || line.Metrics["rows"] != 3 {
		t.Errorf("metrics.ndjson: %s (%v)", ndjson, err)
	}
	_ = filepath.WalkDir(filepath.Join(p.dir, ".pipeline"), func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if data, _ := os.ReadFile(path); bytes.Contains(data, []byte(secret)) {
				t.Errorf("the secret appears in %s", path)
			}
		}
		return nil
	})
}

func TestAuditAndReexecute(t *testing.T) {
	def := `version: 1
name: audit
stages:
  det: {kind: exec, with: {cmd: "seq 1 100 > $PIPELINE_OUT/o", outputs: [o]}}
  nondet: {kind: exec, inputs: {x: det}, with: {cmd: "cat /proc/sys/kernel/random/uuid > $PIPELINE_OUT/o", outputs: [o]}}
`
	p := newProject(t, def, nil)
	res := p.run(Options{})
	ws := p.workspace()
	if bad := Audit(res.Manifest, ws); len(bad) != 0 {
		t.Fatalf("fresh run has mismatches: %v", bad)
	}
	rx, err := Reexecute(t.Context(), res.Manifest, ws, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	if len(rx) != 2 || rx[0].Result != "identical" || rx[1].Result != "different" {
		t.Fatalf("re-execution: %+v", rx)
	}
	// Corrupt the object behind det's output.
	obj := ws.Store.ObjectPath(res.Stages[0].Outputs["o"].Digest)
	if err := os.Chmod(obj, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(obj, []byte("tampered\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := Audit(res.Manifest, ws)
	if len(bad) != 1 || bad[0].Stage != "det" || bad[0].Port != "o" {
		t.Fatalf("audit after corruption: %v", bad)
	}
	// A size-preserving corruption is only caught by --verify, which rebuilds.
	if got := statuses(p.run(Options{Verify: true})); !strings.HasPrefix(got, "det=ran") {
		t.Errorf("--verify did not rebuild the corrupt output: %s", got)
	}
	if bad := Audit(res.Manifest, ws); len(bad) != 0 {
		t.Errorf("after rebuild: %v", bad)
	}
}
