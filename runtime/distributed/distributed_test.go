package distributed

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/artifacts/remote"
	"github.com/mlpipe/pipeline/internal/testutil/graphtest"
	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/runtime"
	_ "github.com/mlpipe/pipeline/stages/exec"
)

const distributedDef = `version: 1
name: dist
params: {greeting: hello}
stages:
  prep:
    kind: exec
    deps: [data/words.txt]
    with: {cmd: "sort data/words.txt > $PIPELINE_OUT/sorted", outputs: [sorted]}
  count:
    kind: exec
    inputs: {sorted: prep.sorted}
    with: {cmd: "wc -l < $PIPELINE_IN_SORTED > $PIPELINE_OUT/n && echo ${greeting} >> $PIPELINE_OUT/n", outputs: [n]}
  report:
    kind: exec
    inputs: {n: count.n, sorted: prep.sorted}
    resources: {gpu: 1}
    with: {cmd: "cat $PIPELINE_IN_N $PIPELINE_IN_SORTED > $PIPELINE_OUT/report", outputs: [report]}
`

// project is a definition and its files in a temporary directory.
type project struct {
	t   testing.TB
	dir string
}

func newProject(t testing.TB, definition string, files map[string]string) *project {
	t.Helper()
	p := &project{t: t, dir: t.TempDir()}
	files = maps.Clone(files)
	if files == nil {
		files = map[string]string{}
	}
	files["pipeline.yaml"] = definition
	for name, content := range files {
		path := filepath.Join(p.dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func (p *project) graph(sets ...string) *pipeline.Graph {
	return graphtest.MustCompile(p.t, filepath.Join(p.dir, "pipeline.yaml"), sets...)
}

func (p *project) workspace() *runtime.Workspace {
	ws, err := runtime.OpenWorkspace(filepath.Join(p.dir, ".pipeline"))
	if err != nil {
		p.t.Fatal(err)
	}
	return ws
}

// run runs the whole definition locally and returns each stage's status.
func (p *project) run(opts runtime.Options) (*runtime.RunResult, string) {
	p.t.Helper()
	opts.Jobs, opts.Log = 2, zerolog.Nop()
	res, err := runtime.Run(context.Background(), p.graph(), p.workspace(), opts)
	if err != nil {
		p.t.Fatal(err)
	}
	return res, statuses(res)
}

// statuses renders "stage=status" for every stage, in run order.
func statuses(res *runtime.RunResult) string {
	parts := make([]string, len(res.Stages))
	for i, s := range res.Stages {
		parts[i] = s.Node.Name + "=" + s.Status
	}
	return strings.Join(parts, " ")
}

// execOnWorker plays one worker: it rebuilds the bundle in its own
// workspace, keys the stage, stores its spec and executes it.
func execOnWorker(t *testing.T, ws *runtime.Workspace, rs *remote.Store, bundle artifacts.Tree, stage string, upstream runtime.UpstreamOutputs) *StageOutcome {
	t.Helper()
	ctx := context.Background()
	m, err := MaterializeBundle(ctx, ws, rs, bundle)
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	spec := &StageSpec{Bundle: bundle, Stage: stage, Upstream: upstream}
	hit, key, err := runtime.RemoteHit(ctx, g, ws, spec.Stage, spec.Upstream, rs)
	if err != nil || hit != nil {
		t.Fatalf("stage %s before it ran: hit %v, %v", stage, hit != nil, err)
	}
	if err := rs.PutSpec(ctx, key, spec.Encode()); err != nil {
		t.Fatal(err)
	}
	stored, err := rs.GetSpec(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	spec, err = DecodeStageSpec(stored)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ExecStage(ctx, g, ws, spec, runtime.Options{Remote: rs, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Key != key {
		t.Fatalf("stage %s ran under key %s, keyed %s beforehand", stage, res.Key, key)
	}
	return Outcome(res)
}

func TestDistributedStagesMatchALocalRun(t *testing.T) {
	ctx := context.Background()
	files := map[string]string{"data/words.txt": "pear\napple\nfig\n"}
	local := newProject(t, distributedDef, files)
	want, st := local.run(runtime.Options{})
	if want.Status != runtime.RunSucceeded {
		t.Fatalf("local run: %s", st)
	}

	rs, err := remote.Open(ctx, "file://"+filepath.ToSlash(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	client := newProject(t, distributedDef, files)
	g, ws := client.graph(), client.workspace()
	b, err := MakeBundle(g, ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range b.Files {
		paths = append(paths, f.Path)
	}
	if got := strings.Join(paths, " "); got != "data/words.txt pipeline.yaml" || b.Definition != "pipeline.yaml" {
		t.Fatalf("bundle files = %q (definition %q)", got, b.Definition)
	}
	bundle, err := PushBundle(ctx, g, ws, rs, b)
	if err != nil {
		t.Fatal(err)
	}
	hits, keys, err := RemoteOutcomes(ctx, g, ws, rs)
	if err != nil || len(hits) != 0 {
		t.Fatalf("an empty remote holds %d stages (%v)", len(hits), err)
	}
	if len(keys) != 1 || keys["prep"] != want.Stages[0].Key {
		t.Fatalf("keyed %v before anything ran; want prep's key alone", keys)
	}

	// Two workers, each with its own workspace, share the stages.
	workers := []*runtime.Workspace{}
	for i := 0; i < 2; i++ {
		w, err := runtime.OpenWorkspace(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		workers = append(workers, w)
	}
	outcomes := map[string]*StageOutcome{}
	prep := execOnWorker(t, workers[0], rs, bundle, "prep", nil)
	count := execOnWorker(t, workers[1], rs, bundle, "count", runtime.UpstreamOutputs{"prep": prep.Outputs})
	report := execOnWorker(t, workers[0], rs, bundle, "report", runtime.UpstreamOutputs{"prep": prep.Outputs, "count": count.Outputs})
	for _, o := range []*StageOutcome{prep, count, report} {
		if o.Status != runtime.StatusRan {
			t.Fatalf("stage %s: %s %s", o.Name, o.Status, o.Error)
		}
		outcomes[o.Name] = o
	}
	res, err := RecordRun(ctx, g, ws, outcomes, time.Now(), runtime.Options{Remote: rs, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != runtime.RunSucceeded || statuses(res) != "prep=ran count=ran report=ran" {
		t.Fatalf("recorded run: %s %s", res.Status, statuses(res))
	}
	for i, s := range res.Stages {
		if s.Key != want.Stages[i].Key {
			t.Errorf("stage %s: distributed key %s, local key %s", s.Node.Name, s.Key, want.Stages[i].Key)
		}
		for port, o := range want.Stages[i].Outputs {
			if s.Outputs[port].Digest != o.Digest {
				t.Errorf("stage %s.%s: distributed %s, local %s", s.Node.Name, port, s.Outputs[port].Digest, o.Digest)
			}
		}
	}
	got, err := os.ReadFile(ws.OutPath(g.Def.File(), "report", "report"))
	if err != nil || string(got) != "3\nhello\napple\nfig\npear\n" {
		t.Fatalf("exposed report = %q, %v", got, err)
	}
	if _, err := artifacts.ReadManifest(res.ManifestPath); err != nil {
		t.Fatal(err)
	}

	// A worker asked for a stage the remote holds answers with one request
	// and downloads nothing.
	fresh, err := runtime.OpenWorkspace(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m, err := MaterializeBundle(ctx, fresh, rs, bundle)
	if err != nil {
		t.Fatal(err)
	}
	wg, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	before := rs.Stats()
	hit, _, err := runtime.RemoteHit(ctx, wg, fresh, "count", runtime.UpstreamOutputs{"prep": prep.Outputs}, rs)
	if err != nil || hit == nil || hit.Status != runtime.StatusCached || hit.Outputs["n"].Digest != count.Outputs["n"].Digest {
		t.Fatalf("remote hit of count: %+v, %v", hit, err)
	}
	if after := rs.Stats(); after.Gets-before.Gets != 1 || after.BytesDown-before.BytesDown > 4096 {
		t.Errorf("a hit cost %d requests and %d bytes", after.Gets-before.Gets, after.BytesDown-before.BytesDown)
	}

	// A teammate's fresh workspace finds every stage in the remote, one
	// lookup per stage, and a local run there is all hits.
	mate := newProject(t, distributedDef, files)
	gets := rs.Stats().Gets
	hits, keys, err = RemoteOutcomes(ctx, mate.graph(), mate.workspace(), rs)
	if err != nil || len(hits) != 3 || len(keys) != 3 {
		t.Fatalf("teammate found %d stages in the remote (%v)", len(hits), err)
	}
	if n := rs.Stats().Gets - gets; n != 3 {
		t.Errorf("looking up 3 stages cost %d requests", n)
	}
	if _, st := mate.run(runtime.Options{Remote: rs}); st != "prep=cached count=cached report=cached" {
		t.Fatalf("teammate's run: %s", st)
	}
}

func TestBundleRefusesFilesOutsideTheProject(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "elsewhere.txt")
	if err := os.WriteFile(outside, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := newProject(t, strings.ReplaceAll(`version: 1
name: out
stages:
  a:
    kind: exec
    deps: [OUTSIDE]
    with: {cmd: "cat OUTSIDE > $PIPELINE_OUT/x", outputs: [x]}
`, "OUTSIDE", outside), nil)
	_, err := MakeBundle(p.graph(), p.workspace(), nil)
	if err == nil || !strings.Contains(err.Error(), "lies outside the definition's directory") {
		t.Fatalf("err = %v", err)
	}
}

func TestExecStageNeedsItsUpstreamOutputs(t *testing.T) {
	p := newProject(t, distributedDef, map[string]string{"data/words.txt": "a\n"})
	rs, err := remote.Open(context.Background(), "file://"+filepath.ToSlash(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	_, err = ExecStage(context.Background(), p.graph(), p.workspace(), &StageSpec{Stage: "count", Bundle: artifacts.Tree{Digest: "x"}}, runtime.Options{Remote: rs, Log: zerolog.Nop()})
	if err == nil || !strings.Contains(err.Error(), "outputs of upstream stage prep are not given") {
		t.Fatalf("err = %v", err)
	}
	_, err = ExecStage(context.Background(), p.graph(), p.workspace(), &StageSpec{Stage: "nope"}, runtime.Options{Remote: rs, Log: zerolog.Nop()})
	if err == nil || !strings.Contains(err.Error(), "no stage instance nope") {
		t.Fatalf("err = %v", err)
	}
}

func TestBundleOfADefinitionNamedRelatively(t *testing.T) {
	p := newProject(t, distributedDef, map[string]string{"data/words.txt": "a\n"})
	t.Chdir(filepath.Dir(p.dir))
	g := graphtest.MustCompile(t, filepath.Join(filepath.Base(p.dir), "pipeline.yaml"))
	b, err := MakeBundle(g, p.workspace(), []string{"greeting=hi"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Definition != "pipeline.yaml" || len(b.Files) != 2 || b.Sets[0] != "greeting=hi" {
		t.Fatalf("bundle %+v", b)
	}
}

func TestWorkersApplyTheRunsOverrides(t *testing.T) {
	ctx := context.Background()
	p := newProject(t, `version: 1
name: sets
params: {greeting: hello}
stages:
  say: {kind: exec, with: {cmd: "echo ${greeting} > $PIPELINE_OUT/x", outputs: [x]}}
`, nil)
	rs, err := remote.Open(ctx, "file://"+filepath.ToSlash(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	g, ws := p.graph("greeting=bye"), p.workspace()
	b, err := MakeBundle(g, ws, []string{"greeting=bye"})
	if err != nil {
		t.Fatal(err)
	}
	bundle, err := PushBundle(ctx, g, ws, rs, b)
	if err != nil {
		t.Fatal(err)
	}
	_, keys, err := RemoteOutcomes(ctx, g, ws, rs)
	if err != nil {
		t.Fatal(err)
	}
	worker, err := runtime.OpenWorkspace(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	o := execOnWorker(t, worker, rs, bundle, "say", nil)
	if o.Key != keys["say"] {
		t.Fatalf("the worker keyed say %s, the client %s: the override was lost", o.Key, keys["say"])
	}
	got, err := os.ReadFile(worker.Store.ObjectPath(o.Outputs["x"].Digest))
	if err != nil || string(got) != "bye\n" {
		t.Fatalf("output %q, %v", got, err)
	}
}

// A literal secret never travels in a distributed run's bundle.
func TestBundleRefusesLiteralSecrets(t *testing.T) {
	p := newProject(t, `version: 1
name: b
params: {api_key: literal-key-value}
stages:
  s: {kind: exec, with: {cmd: "echo ${api_key} > $PIPELINE_OUT/o", outputs: [o]}}
`, nil)
	_, err := MakeBundle(p.graph("api_key=other-literal"), p.workspace(), []string{"api_key=other-literal"})
	if err == nil || !strings.Contains(err.Error(), "${secret:NAME}") || strings.Contains(err.Error(), "literal") {
		t.Errorf("MakeBundle: %v", err)
	}
}
