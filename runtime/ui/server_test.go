package ui

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/internal/testutil/tabletest"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/stages/evaltables"
)

// The fixture's runs: two recorded, one in progress.
const (
	runA    = "20260101T000000.000Z-aaaaaa"
	runB    = "20260102T000000.000Z-bbbbbb"
	runLive = "20260103T000000.000Z-cccccc"
	// tableDigest names the ingest output the fixture writes to the store.
	tableDigest = "sha256:" + "ab12000000000000000000000000000000000000000000000000000000000000"
	// tablesDigest names eval's evaluation-tables directory.
	tablesDigest = "sha256:" + "cd34000000000000000000000000000000000000000000000000000000000000"
)

func fixture(t *testing.T) (*httptest.Server, *runtime.Workspace) {
	t.Helper()
	ws, err := runtime.OpenWorkspace(filepath.Join(t.TempDir(), ".pipeline"))
	if err != nil {
		t.Fatal(err)
	}
	rows := int64(150)
	for i, name := range []string{"<script>x</script>", "second"} {
		id := []string{runA, runB}[i]
		m := &artifacts.Manifest{SchemaVersion: artifacts.ManifestSchemaVersion, RunID: id, Name: name, Note: "<b>note</b>", Status: "succeeded",
			StartedAt: time.Date(2026, 1, 1+i, 0, 0, 0, 0, time.UTC), FinishedAt: time.Date(2026, 1, 1+i, 0, 1, 0, 0, time.UTC),
			Params: map[string]any{"lr": 0.1 * float64(i+1)},
			Stages: []artifacts.StageRecord{
				{Name: "raw", Stage: "raw", Kind: "ingest", Status: "ran", DurationMS: 1200,
					Outputs: []artifacts.PortRecord{{Port: "data", Digest: tableDigest, Role: "table", Rows: &rows}}},
				{Name: "quality", Stage: "quality", Kind: "eval", Status: "ran", KeyMetrics: []string{"accuracy"},
					Inputs:  []artifacts.PortRecord{{Port: "data", From: "raw.data", Digest: tableDigest, Role: "table"}},
					Metrics: map[string]float64{"accuracy": 0.9 + float64(i)/100, "loss": 0.5},
					Outputs: []artifacts.PortRecord{{Port: "model", Digest: tableDigest, Role: "model"},
						{Port: "tables", Digest: tablesDigest, Role: "evaluation", Dir: true}}},
			}}
		m.Definition.Name = "spam-filter"
		if err := m.Write(ws.ManifestPath(id)); err != nil {
			t.Fatal(err)
		}
	}
	writeTable(t, ws.Store.ObjectPath(tableDigest), int(rows))
	writeTable(t, filepath.Join(ws.Store.ObjectPath(tablesDigest), evaltables.PredictionsFile), 7)
	if err := os.MkdirAll(ws.LogsDir(runB), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ws.StageLogPath(runB, "raw"), []byte("info: reading step=1 rows=150\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)
	host, _ := os.Hostname()
	live := runtime.LiveState{RunID: runLive, Name: "in-flight", Definition: "spam-filter", StartedAt: now, UpdatedAt: now, PID: os.Getpid(), Host: host,
		Stages: []runtime.LiveStage{{Name: "raw", Kind: "ingest", Status: "ran", DurationMS: 10}, {Name: "train", Kind: "train", Status: "running",
			StartedAt: &now, Inputs: []runtime.LiveInput{{Port: "data", From: "raw.data"}}}}}
	b, err := json.Marshal(live)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(ws.RunDir(runLive), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ws.LiveStatePath(runLive), b, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(ws).Handler())
	t.Cleanup(srv.Close)
	return srv, ws
}

// writeTable writes a table of n rows (an id and a long text) at path.
func writeTable(t *testing.T, path string, n int) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "text", Type: arrow.BinaryTypes.String},
		{Name: "ids", Type: arrow.ListOf(arrow.PrimitiveTypes.Int32)}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for i := range n {
		b.Field(0).(*array.Int64Builder).Append(int64(i))
		b.Field(1).(*array.StringBuilder).Append(fmt.Sprintf("<i>row %d</i> ", i) + strings.Repeat("x", 300))
		lb := b.Field(2).(*array.ListBuilder)
		lb.Append(true)
		for j := range 100 + i {
			lb.ValueBuilder().(*array.Int32Builder).Append(int32(j))
		}
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	tabletest.Write(t, path, rec)
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
	srv, _ := fixture(t)
	code, body := get(t, srv, "/")
	if code != 200 || !strings.Contains(body, runA) || !strings.Contains(body, runB) {
		t.Fatalf("%d %s", code, body)
	}
	if strings.Contains(body, "<script>x") || !strings.Contains(body, "&lt;script&gt;") {
		t.Fatalf("not escaped: %s", body)
	}
	// The run in progress is listed first, as running; the key metric is a column.
	if !strings.Contains(body, `<tr data-run="`+runLive+`">`) || !strings.Contains(body, ">running<") ||
		strings.Index(body, runLive) > strings.Index(body, runB) || !strings.Contains(body, "metrics.accuracy</a>") {
		t.Fatalf("live run or key metric column: %s", body)
	}
	if !strings.Contains(body, `<script src="/assets/runs.js">`) {
		t.Fatal("a table listing a run in progress does not follow it")
	}
	code, body = get(t, srv, "/?filter=metrics.accuracy+%3E+0.905")
	if code != 200 || strings.Contains(body, "aaaaaa") || !strings.Contains(body, "bbbbbb") {
		t.Fatalf("filter: %d %s", code, body)
	}
	if strings.Contains(body, "runs.js") {
		t.Fatal("a table of recorded runs only polls")
	}
	if code, body = get(t, srv, "/?filter=nope+%3E+1"); code != 400 || !strings.Contains(body, `unknown field &#34;nope&#34;`) {
		t.Fatalf("bad filter: %d %s", code, body)
	}
	if code, body = get(t, srv, "/?columns=id,bogus"); code != 400 || !strings.Contains(body, "columns: unknown field") {
		t.Fatalf("bad column: %d %s", code, body)
	}
}

func TestUIRunsTableSortAndColumns(t *testing.T) {
	srv, _ := fixture(t)
	code, body := get(t, srv, "/?sort=-metrics.accuracy&column=id&column=params.lr&column=metrics.quality.loss")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	if strings.Index(body, runB) > strings.Index(body, runA) {
		t.Fatalf("not sorted by accuracy, best first: %s", body)
	}
	head := body[strings.Index(body, `<table id="runs">`):strings.Index(body, "</thead>")]
	if !strings.Contains(head, ">params.lr</a>") || !strings.Contains(head, ">metrics.quality.loss</a>") || strings.Contains(head, ">note</a>") {
		t.Fatalf("columns not those asked for: %s", head)
	}
	// The sorted column's link sorts the other way and keeps the columns.
	if !strings.Contains(head, `href="/?columns=id%2Cparams.lr%2Cmetrics.quality.loss&amp;sort=params.lr"`) {
		t.Fatalf("sort link of params.lr: %s", head)
	}
	if !strings.Contains(body, `<td class="num">0.2</td>`) || !strings.Contains(body, `value="params.lr" checked`) {
		t.Fatalf("param cell or column choice: %s", body)
	}
	if code, _ := get(t, srv, "/?sort=bogus"); code != 400 {
		t.Fatalf("bad sort: %d", code)
	}
}

func TestUIRunPage(t *testing.T) {
	srv, _ := fixture(t)
	code, body := get(t, srv, "/runs/"+runB)
	if code != 200 || !strings.Contains(body, "quality") || !strings.Contains(body, "accuracy = 0.91") || !strings.Contains(body, `<svg class="dag"`) {
		t.Fatalf("%d %s", code, body)
	}
	if !strings.Contains(body, `href="/runs/`+runB+`/outputs/raw/data"`) || strings.Contains(body, "/outputs/quality/model") {
		t.Fatalf("previews only for tables: %s", body)
	}
	if !strings.Contains(body, `<a href="/runs/`+runB+`/outputs/quality/tables/predictions.parquet">predictions</a>`) ||
		strings.Contains(body, "confusion.parquet") {
		t.Fatalf("links to the evaluation tables written, and only those: %s", body)
	}
	if !strings.Contains(body, `href="/runs/`+runB+`/logs/raw"`) || strings.Contains(body, "/logs/quality") {
		t.Fatalf("log links only where a log exists: %s", body)
	}
	if strings.Contains(body, "live.js") {
		t.Fatal("a recorded run's page polls")
	}
	if !strings.Contains(body, `<iframe id="report" src="/runs/`+runB+`/report"`) {
		t.Fatalf("a recorded run's page does not embed its report: %s", body)
	}
	if code, _ = get(t, srv, "/runs/nope"); code != 404 {
		t.Fatalf("unknown run: %d", code)
	}
	if code, body = get(t, srv, "/runs/"+runB+"/report"); code != 200 || !strings.Contains(body, "0.91") {
		t.Fatalf("report: %d %s", code, body)
	}
}

func TestUILiveRunPage(t *testing.T) {
	srv, _ := fixture(t)
	code, body := get(t, srv, "/runs/"+runLive)
	if code != 200 || !strings.Contains(body, `<script src="/assets/live.js">`) || !strings.Contains(body, `data-stage="train"`) ||
		!strings.Contains(body, "status-running") {
		t.Fatalf("%d %s", code, body)
	}
	if code, body = get(t, srv, "/api/runs/"+runLive); code != 200 || !strings.Contains(body, `"status":"running"`) {
		t.Fatalf("api of the live run: %d %s", code, body)
	}
	if strings.Contains(body, "<iframe") {
		t.Fatal("a run in progress embeds a report it does not have")
	}
	if code, _ = get(t, srv, "/runs/"+runLive+"/report"); code != 404 {
		t.Fatalf("report of a run without a manifest: %d", code)
	}
	code, body = get(t, srv, "/assets/live.js")
	if code != 200 || !strings.Contains(body, "/api/runs/") {
		t.Fatalf("script: %d %s", code, body)
	}
	if code, _ = get(t, srv, "/assets/run.html.tmpl"); code != 404 {
		t.Fatalf("a template is served: %d", code)
	}
}

func TestUIAPI(t *testing.T) {
	srv, _ := fixture(t)
	if code, body := get(t, srv, "/api/runs/"+runB); code != 200 || !strings.Contains(body, `"second"`) {
		t.Fatalf("api: %d %s", code, body)
	}
	if code, _ := get(t, srv, "/api/runs/nope"); code != 404 {
		t.Fatalf("api unknown run: %d", code)
	}
}

func TestUILog(t *testing.T) {
	srv, ws := fixture(t)
	code, body := get(t, srv, "/runs/"+runB+"/logs/raw")
	if code != 200 || body != "info: reading step=1 rows=150\n" {
		t.Fatalf("%d %q", code, body)
	}
	big := strings.Repeat("0123456789abcdef", 8<<10) + "THE END\n"
	if err := os.WriteFile(ws.StageLogPath(runB, "raw"), []byte(big), 0o644); err != nil {
		t.Fatal(err)
	}
	code, body = get(t, srv, "/runs/"+runB+"/logs/raw?bytes=100")
	if code != 200 || !strings.HasSuffix(body, "THE END\n") || !strings.HasPrefix(body, "[the first 130980 bytes of 131080 are left out") || len(body) > 200 {
		t.Fatalf("tail: %d %q", code, body)
	}
	for path, want := range map[string]int{
		"/runs/" + runB + "/logs/quality":         404, // a stage without a log
		"/runs/" + runB + "/logs/nope":            404, // not a stage of the run
		"/runs/" + runB + "/logs/..%2F..%2Fstore": 404,
		"/runs/" + runB + "/logs/raw?bytes=-1":    400,
	} {
		if code, body := get(t, srv, path); code != want {
			t.Errorf("%s: %d, want %d: %s", path, code, want, body)
		}
	}
}

func TestUIPreview(t *testing.T) {
	srv, _ := fixture(t)
	code, body := get(t, srv, "/runs/"+runB+"/outputs/raw/data")
	if code != 200 || !strings.Contains(body, "150 rows; the first 100 shown") || !strings.Contains(body, "text (utf8)") {
		t.Fatalf("%d %s", code, body)
	}
	if strings.Count(body, "<tr><td>") != 100 || !strings.Contains(body, "<td>99</td>") || strings.Contains(body, "<td>100</td>") {
		t.Fatalf("rows shown: %s", body)
	}
	if strings.Contains(body, "<i>row") || !strings.Contains(body, "&lt;i&gt;row 0&lt;/i&gt; ") || strings.Contains(body, strings.Repeat("x", 201)) ||
		!strings.Contains(body, "…") {
		t.Fatalf("cells not escaped or not cut: %s", body)
	}
	if !strings.Contains(body, "<td>[0 1 2 3 ") || !strings.Contains(body, "61 62 63 … 100 items]</td>") || strings.Contains(body, " 64 65 ") {
		t.Fatalf("a long list cell is not cut after 64 items: %s", body)
	}
	code, body = get(t, srv, "/runs/"+runB+"/outputs/quality/tables/"+evaltables.PredictionsFile)
	if code != 200 || !strings.Contains(body, "7 rows") || strings.Count(body, "<tr><td>") != 7 {
		t.Fatalf("an evaluation table: %d %s", code, body)
	}
	for path, want := range map[string]int{
		"/runs/" + runB + "/outputs/quality/tables":                             404, // a directory
		"/runs/" + runB + "/outputs/quality/tables/" + evaltables.ConfusionFile: 404, // not written
		"/runs/" + runB + "/outputs/quality/tables/..%2F..%2Fab12":              404,
		"/runs/" + runB + "/outputs/raw/data/" + evaltables.PredictionsFile:     404, // not evaluation tables
		"/runs/" + runB + "/outputs/quality/model":                              404, // not a table
		"/runs/" + runB + "/outputs/raw/nope":                                   404,
		"/runs/nope/outputs/raw/data":                                           404,
	} {
		if code, body := get(t, srv, path); code != want {
			t.Errorf("%s: %d, want %d: %s", path, code, want, body)
		}
	}
}

func TestUICheckLoopback(t *testing.T) {
	if CheckLoopback("127.0.0.1:8321") != nil || CheckLoopback("0.0.0.0:8321") == nil {
		t.Fatal("loopback check")
	}
}

func TestUIAbandonedRun(t *testing.T) {
	srv, ws := fixture(t)
	// A process that has exited: its id names no running process.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	st, err := runtime.ReadLiveState(ws.LiveStatePath(runLive))
	if err != nil {
		t.Fatal(err)
	}
	st.PID = cmd.Process.Pid
	b, _ := json.Marshal(st)
	if err := os.WriteFile(ws.LiveStatePath(runLive), b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, body := get(t, srv, "/runs/"+runLive)
	if code != 200 || !strings.Contains(body, `id="run-status">interrupted<`) || strings.Contains(body, "live.js") || strings.Contains(body, "<iframe") {
		t.Fatalf("a killed run's page: %d %s", code, body)
	}
	if _, body = get(t, srv, "/"); !strings.Contains(body, ">interrupted<") {
		t.Fatalf("a killed run in the table: %s", body)
	}
}

func TestUIRunsTableBound(t *testing.T) {
	srv, ws := fixture(t)
	for i := range maxRows {
		id := fmt.Sprintf("20250101T%06d.000Z-dddddd", i)
		m := &artifacts.Manifest{SchemaVersion: artifacts.ManifestSchemaVersion, RunID: id, Status: "succeeded",
			StartedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Stages: []artifacts.StageRecord{}}
		if err := m.Write(ws.ManifestPath(id)); err != nil {
			t.Fatal(err)
		}
	}
	code, body := get(t, srv, "/")
	if code != 200 || strings.Count(body, "<tr data-run=") != maxRows || !strings.Contains(body, `<p id="more">3 more runs not shown`) {
		t.Fatalf("%d: %d rows; %s", code, strings.Count(body, "<tr data-run="), body[len(body)-300:])
	}
}

func TestUIUnreadableRun(t *testing.T) {
	srv, ws := fixture(t)
	id := "20260104T000000.000Z-eeeeee"
	if err := os.MkdirAll(ws.RunDir(id), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ws.ManifestPath(id), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, body := get(t, srv, "/")
	if code != 200 || !regexp.MustCompile(`<td class="status-unreadable" title="[^"]*manifest[^"]*">unreadable</td>`).MatchString(body) {
		t.Fatalf("an unreadable run's row does not say why: %d %s", code, body)
	}
	if code, _ := get(t, srv, "/runs/"+id); code != 500 {
		t.Fatalf("an unreadable run's page: %d, want 500", code)
	}
}

func TestUIFailedRun(t *testing.T) {
	srv, ws := fixture(t)
	id := "20260105T000000.000Z-ffffff"
	m := &artifacts.Manifest{SchemaVersion: artifacts.ManifestSchemaVersion, RunID: id, Status: "failed",
		StartedAt: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), FinishedAt: time.Date(2026, 1, 5, 0, 0, 1, 0, time.UTC),
		Stages: []artifacts.StageRecord{
			{Name: "a", Stage: "a", Kind: "exec", Status: "failed", Error: "command failed with exit status 3 <oops>"},
			{Name: "b", Stage: "b", Kind: "exec", Status: "skipped", Error: "skipped: upstream `a` failed",
				Inputs: []artifacts.PortRecord{{Port: "x", From: "a.x", Digest: tableDigest}}},
		}}
	if err := m.Write(ws.ManifestPath(id)); err != nil {
		t.Fatal(err)
	}
	code, body := get(t, srv, "/runs/"+id)
	if code != 200 || !strings.Contains(body, "<h2>a failed</h2>") || !strings.Contains(body, "exit status 3 &lt;oops&gt;") {
		t.Fatalf("a failed stage's error: %d %s", code, body)
	}
	if strings.Contains(body, "<h2>b failed</h2>") || !strings.Contains(body, `class="status status-skipped">skipped<`) {
		t.Fatalf("a skipped stage is shown as failed: %s", body)
	}
}
