//go:build integration

package temporal

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/mlpipe/pipeline/artifacts/remote/remotetest"
)

// threeStages records, in MARKS/<stage>, the worker that executed each
// stage; train asks for a GPU.
const threeStages = `version: 1
name: dist
params: {marks: MARKS}
stages:
  words:
    kind: exec
    deps: [data/words.txt]
    with: {cmd: "echo $WORKER_NAME >> ${marks}/words && sort data/words.txt > $PIPELINE_OUT/sorted", outputs: [sorted]}
  count:
    kind: exec
    inputs: {sorted: words.sorted}
    with: {cmd: "echo $WORKER_NAME >> ${marks}/count && wc -l < $PIPELINE_IN_SORTED | tr -d ' ' > $PIPELINE_OUT/n", outputs: [n]}
  train:
    kind: exec
    inputs: {sorted: words.sorted, n: count.n}
    resources: {gpu: 1}
    with: {cmd: "echo $WORKER_NAME >> ${marks}/train && cat $PIPELINE_IN_N $PIPELINE_IN_SORTED > $PIPELINE_OUT/model", outputs: [model]}
`

func TestPipelineRunsAcrossWorkersAndIsSharedAfterwards(t *testing.T) {
	c := newCluster(t)
	c.startWorker("cpu-only", "cpu")
	c.startWorker("gpu-node", "cpu,gpu")
	marks := t.TempDir()
	def := strings.ReplaceAll(threeStages, "MARKS", marks)
	files := func() map[string]string { return map[string]string{"data/words.txt": "pear\napple\nfig\n"} }

	first, logs := c.run(project(t, def, files()))
	if first.Status != "succeeded" || first.statuses() != "words=ran count=ran train=ran" {
		t.Fatalf("first run: %s %s\n%s", first.Status, first.statuses(), logs)
	}
	if got := readLines(t, filepath.Join(marks, "train")); len(got) != 1 || got[0] != "gpu-node" {
		t.Errorf("train (gpu: 1) ran on %v, want the gpu worker only", got)
	}
	// The outputs are the ones a local run computes, and the client's
	// workspace holds them, so its manifest audits.
	local := localRun(t, project(t, strings.ReplaceAll(threeStages, "MARKS", t.TempDir()), files()))
	for port, d := range first.outputs() {
		if port == "words.sorted" && local.outputs()[port] != d {
			t.Errorf("%s: distributed %s, local %s", port, d, local.outputs()[port])
		}
	}
	if out, err := execPipeline("audit", first.Manifest); err != nil {
		t.Fatalf("audit of the distributed run: %v\n%s", err, out)
	}

	// A teammate's fresh workspace: every stage is a hit from the remote,
	// nothing is submitted, nothing executes again.
	second, logs := c.run(project(t, def, files()))
	if second.statuses() != "words=cached count=cached train=cached" {
		t.Fatalf("second run: %s\n%s", second.statuses(), logs)
	}
	if !strings.Contains(logs, "nothing to submit") {
		t.Errorf("the second run submitted a workflow:\n%s", logs)
	}
	for _, stage := range []string{"words", "count", "train"} {
		if got := readLines(t, filepath.Join(marks, stage)); len(got) != 1 {
			t.Errorf("stage %s executed %d times: %v", stage, len(got), got)
		}
	}
	for port, d := range first.outputs() {
		if second.outputs()[port] != d {
			t.Errorf("%s: first %s, second %s", port, d, second.outputs()[port])
		}
	}

	// A changed source re-runs what depends on it, on the cluster.
	changed := files()
	changed["data/words.txt"] = "pear\napple\nfig\nkiwi\n"
	third, logs := c.run(project(t, def, changed))
	if third.statuses() != "words=ran count=ran train=ran" {
		t.Fatalf("run after a change: %s\n%s", third.statuses(), logs)
	}
}

// gated blocks until GATE/go exists, after announcing which worker runs it.
const gated = `version: 1
name: gated
params: {gate: GATE}
stages:
  slow:
    kind: exec
    with:
      cmd: "touch ${gate}/started-$WORKER_NAME; while [ ! -e ${gate}/go ]; do sleep 0.05; done; echo $WORKER_NAME > ${gate}/finished; echo done > $PIPELINE_OUT/x"
      outputs: [x]
  after:
    kind: exec
    inputs: {x: slow.x}
    with: {cmd: "cat $PIPELINE_IN_X > $PIPELINE_OUT/y", outputs: [y]}
`

func TestKilledWorkersStageFinishesOnTheOther(t *testing.T) {
	c := newCluster(t)
	c.startWorker("a", "cpu")
	c.startWorker("b", "cpu")
	gate := t.TempDir()
	cmd, stdout, stderr := c.runCmd(project(t, strings.ReplaceAll(gated, "GATE", gate), map[string]string{}))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := waitFor(t, filepath.Join(gate, "started-*"), 2*time.Minute)
	victim := strings.TrimPrefix(filepath.Base(started[0]), "started-")
	// The client reports the running stage while it waits.
	end := time.Now().Add(time.Minute)
	for !strings.Contains(stderr.String(), "stage=slow") || !strings.Contains(stderr.String(), "running") {
		if time.Now().After(end) {
			t.Fatalf("the client did not report the running stage:\n%s", stderr.String())
		}
		<-time.After(50 * time.Millisecond)
	}
	survivor := map[string]string{"a": "b", "b": "a"}[victim]
	c.kill(victim)
	if err := os.WriteFile(filepath.Join(gate, "go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	res, logs := c.result(cmd.Wait(), stdout, stderr)
	if res.Status != "succeeded" || res.statuses() != "slow=ran after=ran" {
		t.Fatalf("run: %s %s\n%s", res.Status, res.statuses(), logs)
	}
	if _, err := os.Stat(filepath.Join(gate, "started-"+survivor)); err != nil {
		t.Errorf("the stage of killed worker %s was not retried on %s", victim, survivor)
	}
	if got := readLines(t, filepath.Join(gate, "finished")); len(got) != 1 || got[0] != survivor {
		t.Errorf("finished by %v, want %s alone (the killed worker's command must die with it)", got, survivor)
	}
}

// racing writes random bytes, so two machines computing it disagree.
const racing = `version: 1
name: racing
params: {gate: GATE}
stages:
  coin:
    kind: exec
    with:
      cmd: "mkdir -p ${gate}/started && mktemp -p ${gate}/started >/dev/null; while [ ! -e ${gate}/go ]; do sleep 0.05; done; head -c 32 /dev/urandom | od -An -x > $PIPELINE_OUT/x"
      outputs: [x]
`

func TestRacingWritersLeaveOneRecord(t *testing.T) {
	gw := remotetest.Start(t)
	url := gw.URL("race")
	gate := t.TempDir()
	def := strings.ReplaceAll(racing, "GATE", gate)
	var cmds []*procResult
	for i := 0; i < 2; i++ {
		cmds = append(cmds, startPipeline(t, "run", project(t, def, map[string]string{}), "--json", "--remote", url))
	}
	// Both compute before either records.
	end := time.Now().Add(time.Minute)
	for {
		m, _ := filepath.Glob(filepath.Join(gate, "started", "*"))
		if len(m) == 2 {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("both runs did not start the stage: %v", m)
		}
		<-time.After(50 * time.Millisecond)
	}
	if err := os.WriteFile(filepath.Join(gate, "go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var digests []string
	for _, p := range cmds {
		res := p.wait(t)
		if res.Status != "succeeded" {
			t.Fatalf("run: %s", res.statuses())
		}
		digests = append(digests, res.outputs()["coin.x"])
	}
	if digests[0] != digests[1] {
		t.Errorf("the two machines kept different outputs for one key: %v", digests)
	}
	list, err := gw.Client.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(remotetest.Bucket), Prefix: aws.String("race/v1/ac/")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Contents) != 1 {
		t.Errorf("%d records for one stage key", len(list.Contents))
	}
}

func TestTeammatesLaunchingTheSameRunShareIt(t *testing.T) {
	c := newCluster(t)
	c.startWorker("w", "cpu,gpu")
	marks := t.TempDir()
	def := strings.ReplaceAll(threeStages, "MARKS", marks)
	files := func() map[string]string { return map[string]string{"data/words.txt": "b\na\n"} }
	var runs []*procResult
	for i := 0; i < 2; i++ {
		cmd, stdout, stderr := c.runCmd(project(t, def, files()))
		p := &procResult{cmd: cmd, stdout: stdout, stderr: stderr}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, p)
	}
	for _, p := range runs {
		if res := p.wait(t); res.Status != "succeeded" {
			t.Fatalf("run: %s\n%s", res.statuses(), p.stderr.String())
		}
	}
	for _, stage := range []string{"words", "count", "train"} {
		if got := readLines(t, filepath.Join(marks, stage)); len(got) != 1 {
			t.Errorf("stage %s executed %d times for two identical runs: %v", stage, len(got), got)
		}
	}
}

func TestAGPUStageWaitsForAGPUWorker(t *testing.T) {
	c := newCluster(t)
	c.startWorker("cpu-only", "cpu")
	marks := t.TempDir()
	cmd, stdout, stderr := c.runCmd(project(t, strings.ReplaceAll(threeStages, "MARKS", marks), map[string]string{"data/words.txt": "x\n"}))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The client says the gpu queue has no worker, and the stage waits.
	end := time.Now().Add(time.Minute)
	for !strings.Contains(stderr.String(), "no worker serves this queue yet") || !strings.Contains(stderr.String(), "queue=gpu") {
		if time.Now().After(end) {
			t.Fatalf("no warning about the gpu queue:\n%s", stderr.String())
		}
		<-time.After(50 * time.Millisecond)
	}
	c.startWorker("gpu-node", "gpu")
	res, logs := c.result(cmd.Wait(), stdout, stderr)
	if res.Status != "succeeded" {
		t.Fatalf("run: %s\n%s", res.statuses(), logs)
	}
	if got := readLines(t, filepath.Join(marks, "train")); len(got) != 1 || got[0] != "gpu-node" {
		t.Errorf("train ran on %v", got)
	}
}
