//go:build integration

package temporal

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// quickstartProject copies the quickstart and its data into a new directory,
// with the classifier asking for a GPU so that it goes to the gpu queue.
func quickstartProject(t *testing.T) string {
	t.Helper()
	src := filepath.Join("..", "..", "definitions")
	def, err := os.ReadFile(filepath.Join(src, "quickstart.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(def), "    kind: train\n", "    kind: train\n    resources: {gpu: 1}\n", 1)
	if text == string(def) {
		t.Fatal("the quickstart has no train stage to mark")
	}
	data, err := os.ReadFile(filepath.Join(src, "data", "spamassassin.jsonl.gz"))
	if err != nil {
		t.Fatal(err)
	}
	return project(t, text, map[string]string{"data/spamassassin.jsonl.gz": string(data)})
}

func TestQuickstartAcrossWorkersEqualsALocalRun(t *testing.T) {
	c := newCluster(t)
	c.startWorker("cpu-only", "cpu")
	c.startWorker("gpu-node", "cpu,gpu")
	dist, logs := c.run(quickstartProject(t))
	if dist.Status != "succeeded" {
		t.Fatalf("distributed quickstart: %s\n%s", dist.statuses(), logs)
	}
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "progress:") {
			t.Log(line) // relayed from the workers' heartbeats
		}
	}
	local := localRun(t, quickstartProject(t))
	for port, d := range local.outputs() {
		if strings.HasSuffix(port, ".history") { // records throughput: a timing output
			continue
		}
		if dist.outputs()[port] != d {
			t.Errorf("%s: distributed %s, local %s", port, dist.outputs()[port], d)
		}
	}
	if len(local.outputs()) < 8 {
		t.Fatalf("the local quickstart has only %d outputs", len(local.outputs()))
	}
}
