package ui

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
)

func fixture(t *testing.T) *httptest.Server {
	t.Helper()
	ws, err := runtime.OpenWorkspace(filepath.Join(t.TempDir(), ".pipeline"))
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"<script>x</script>", "second"} {
		id := []string{"20260101T000000.000Z-aaaaaa", "20260102T000000.000Z-bbbbbb"}[i]
		m := &artifacts.Manifest{SchemaVersion: artifacts.ManifestSchemaVersion, RunID: id, Name: name, Note: "<b>note</b>", Status: "succeeded",
			StartedAt: time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC), FinishedAt: time.Date(2026, 1, 1+i, 0, 1, 0, 0, time.UTC),
			Stages: []artifacts.StageRecord{{Name: "quality", Kind: "eval", Status: "ran", Metrics: map[string]float64{"accuracy": 0.9 + float64(i)/100}}}}
		m.Definition.Name = "spam-filter"
		if err := m.Write(ws.ManifestPath(id)); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(New(ws).Handler())
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestUIRunsTable(t *testing.T) {
	srv := fixture(t)
	code, body := get(t, srv, "/")
	if code != 200 || !strings.Contains(body, "20260101T000000.000Z-aaaaaa") || !strings.Contains(body, "20260102T000000.000Z-bbbbbb") {
		t.Fatalf("%d %s", code, body)
	}
	if strings.Contains(body, "<script>x") || !strings.Contains(body, "&lt;script&gt;") {
		t.Fatalf("not escaped: %s", body)
	}
	code, body = get(t, srv, "/?filter=metrics.accuracy+%3E+0.905")
	if code != 200 || strings.Contains(body, "aaaaaa") || !strings.Contains(body, "bbbbbb") {
		t.Fatalf("filter: %d %s", code, body)
	}
	if code, _ = get(t, srv, "/?filter=nope+%3E+1"); code != 400 {
		t.Fatalf("bad filter: %d", code)
	}
}

func TestUIRunPageAndAPI(t *testing.T) {
	srv := fixture(t)
	code, body := get(t, srv, "/runs/20260102T000000.000Z-bbbbbb")
	if code != 200 || !strings.Contains(body, "quality") || !strings.Contains(body, "0.91") {
		t.Fatalf("%d %s", code, body)
	}
	if code, _ = get(t, srv, "/runs/nope"); code != 404 {
		t.Fatalf("unknown run: %d", code)
	}
	if code, body = get(t, srv, "/api/runs/20260102T000000.000Z-bbbbbb"); code != 200 || !strings.Contains(body, `"second"`) {
		t.Fatalf("api: %d %s", code, body)
	}
	if code, _ = get(t, srv, "/api/runs/nope"); code != 404 {
		t.Fatalf("api unknown run: %d", code)
	}
}

func TestUICheckLoopback(t *testing.T) {
	if CheckLoopback("127.0.0.1:8321") != nil || CheckLoopback("0.0.0.0:8321") == nil {
		t.Fatal("loopback check")
	}
}
