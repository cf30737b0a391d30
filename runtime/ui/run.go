package ui

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/records"
	"github.com/mlpipe/pipeline/runtime/report"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/evaltables"
)

// runPage is what run.html.tmpl shows.
type runPage struct {
	ID, Name, Definition, Status string
	// Live is set while the run is in progress: the page then polls
	// /api/runs/{id} and updates the graph and the stage table.
	Live bool
	// Recorded is set when the run has a manifest: the page then embeds
	// its report (loss curves, metric charts, confusion matrices).
	Recorded bool
	DAG      template.HTML
	Stages   []stageRow
	Failures []artifacts.StageRecord
}

type stageRow struct {
	Name, Kind, Status, Took, Log string
	Metrics                       []string
	Outputs                       []outputLink
}

type outputLink struct {
	Port, Role, Rows, Preview string
	// Tables link to the tables of an evaluation-tables directory.
	Tables []tableLink
}

type tableLink struct{ Name, Preview string }

// run serves /runs/{id}: the run's stage graph and stages (status, time,
// metrics, outputs with previews of tables, logs), from its manifest or,
// while it is in progress, from its live state.
func (s *Server) run(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	m, src, err := s.record(id)
	if err != nil {
		s.notFound(w, id, err)
		return
	}
	page := runPage{ID: id, Name: m.Name, Definition: m.Definition.Name, Status: m.Status, Live: src == live, DAG: report.LayoutDAG(m).SVG(),
		Recorded: src == recorded}
	for _, st := range m.Stages {
		row := stageRow{Name: st.Name, Kind: st.Kind, Status: st.Status}
		if st.DurationMS > 0 {
			row.Took = records.FormatDuration(st.DurationMS)
		}
		if _, err := os.Stat(s.ws.StageLogPath(id, st.Name)); err == nil {
			row.Log = "/runs/" + url.PathEscape(id) + "/logs/" + url.PathEscape(st.Name)
		}
		names := records.KeyNames(st.KeyMetrics).Sort(slices.Sorted(maps.Keys(st.Metrics)))
		for _, k := range names {
			row.Metrics = append(row.Metrics, k+" = "+records.FormatMetric(st.Metrics[k]))
		}
		for _, out := range st.Outputs {
			link := outputLink{Port: out.Port, Role: out.Role}
			if out.Rows != nil {
				link.Rows = strconv.FormatInt(*out.Rows, 10)
			}
			base := "/runs/" + url.PathEscape(id) + "/outputs/" + url.PathEscape(st.Name) + "/" + url.PathEscape(out.Port)
			switch {
			case stages.Role(out.Role).IsTable() && !out.Dir:
				link.Preview = base
			case out.Role == string(stages.RoleEvaluation) && out.Dir && src == recorded:
				for _, f := range evaltables.Files() {
					if _, err := os.Stat(filepath.Join(s.ws.Store.ObjectPath(out.Digest), f)); err == nil {
						link.Tables = append(link.Tables, tableLink{Name: strings.TrimSuffix(f, ".parquet"), Preview: base + "/" + f})
					}
				}
			}
			row.Outputs = append(row.Outputs, link)
		}
		if st.Status == runtime.StatusFailed {
			page.Failures = append(page.Failures, st)
		}
		page.Stages = append(page.Stages, row)
	}
	_ = render(w, http.StatusOK, "run.html.tmpl", page)
}

// source says where a run page's record came from.
type source int

const (
	// recorded: the run's manifest.
	recorded source = iota
	// live: the live state of a run in progress.
	live
	// abandoned: the live state of a run whose process is gone before it
	// wrote its manifest (shown as interrupted; nothing will change).
	abandoned
)

// record returns a recorded run's manifest or, without one, its live state
// as a partial manifest, and which it is.
func (s *Server) record(id string) (*artifacts.Manifest, source, error) {
	m, err := s.manifest(id)
	if !errors.Is(err, errNoRun) {
		return m, recorded, err
	}
	st, err := s.liveState(id)
	if err != nil {
		return nil, live, err
	}
	m = st.Manifest()
	if st.Abandoned() {
		m.Status = runtime.RunInterrupted
		return m, abandoned, nil
	}
	return m, live, nil
}

// report serves /runs/{id}/report: runtime/report's page of a recorded run
// (loss curves, metric charts, confusion matrices, the sweep table).
func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	m, err := s.manifest(id)
	if err != nil {
		s.notFound(w, id, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = report.Write(w, s.ws, m)
}

// Bounds on the log a page shows: the last logTail bytes unless `?bytes=N`
// asks for more, never more than maxLogBytes.
const (
	logTail     = 64 << 10
	maxLogBytes = 8 << 20
)

// log serves /runs/{id}/logs/{stage}: the end of a stage instance's log as
// plain text. The stage must be one of the run's; its name never becomes a
// path unchecked.
func (s *Server) log(w http.ResponseWriter, r *http.Request) {
	id, stage := r.PathValue("id"), r.PathValue("stage")
	m, _, err := s.record(id)
	if err != nil {
		s.notFound(w, id, err)
		return
	}
	if !slices.ContainsFunc(m.Stages, func(st artifacts.StageRecord) bool { return st.Name == stage }) {
		http.Error(w, fmt.Sprintf("run %s has no stage %q", id, stage), http.StatusNotFound)
		return
	}
	limit := int64(logTail)
	if v := r.URL.Query().Get("bytes"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			http.Error(w, fmt.Sprintf("bytes: want a positive number of bytes, got %q", v), http.StatusBadRequest)
			return
		}
		limit = min(n, maxLogBytes)
	}
	f, err := os.Open(s.ws.StageLogPath(id, stage))
	if errors.Is(err, os.ErrNotExist) {
		http.Error(w, fmt.Sprintf("stage %s of run %s has no log", stage, id), http.StatusNotFound)
		return
	}
	if err != nil {
		http.Error(w, fmt.Sprintf("reading the log of stage %s: %v", stage, err), http.StatusInternalServerError)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if fi, err := f.Stat(); err == nil && fi.Size() > limit {
		if _, err := f.Seek(fi.Size()-limit, io.SeekStart); err == nil {
			fmt.Fprintf(w, "[the first %d bytes of %d are left out; ?bytes=N shows more]\n", fi.Size()-limit, fi.Size())
		}
	}
	_, _ = io.Copy(w, io.LimitReader(f, limit))
}
