// Package ui serves a workspace's runs over HTTP: the runs table (filtered
// and sorted as `pipeline runs` does), each run's report, and its live state
// as JSON while it is in progress.
package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"os"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/records"
	"github.com/mlpipe/pipeline/runtime/report"
)

// Server serves the pages of one workspace.
type Server struct {
	ws *runtime.Workspace
}

// New returns the server of a workspace.
func New(ws *runtime.Workspace) *Server { return &Server{ws: ws} }

// Handler returns the server's routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.runs)
	mux.HandleFunc("GET /runs/{id}", s.run)
	mux.HandleFunc("GET /api/runs/{id}", s.apiRun)
	mux.HandleFunc("GET /compare", s.compare)
	return mux
}

// CheckLoopback returns an error unless addr is a loopback address.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("address %q is not a loopback address (give --allow-remote to serve it)", addr)
	}
	return nil
}

var runsPage = template.Must(template.New("runs").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>runs</title></head><body>
<h1>Runs</h1>
<form method="get"><input name="filter" value="{{.Filter}}" size="60"> <input name="sort" value="{{.Sort}}"> <button>apply</button></form>
{{if .Error}}<p class="error">{{.Error}}</p>{{end}}
<table id="runs"><thead><tr><th>id</th><th>name</th><th>status</th><th>started</th><th>definition</th><th>note</th></tr></thead><tbody>
{{range .Runs}}<tr><td><a href="/runs/{{.ID}}">{{.ID}}</a></td><td>{{.Name}}</td><td>{{.Status}}</td><td>{{.StartedAt}}</td><td>{{.Definition}}</td><td>{{.Note}}</td></tr>
{{end}}</tbody></table></body></html>`))

func (s *Server) runs(w http.ResponseWriter, r *http.Request) {
	data := struct {
		Filter, Sort, Error string
		Runs                []records.Summary
	}{Filter: r.URL.Query().Get("filter"), Sort: r.URL.Query().Get("sort")}
	list, err := records.List(records.Selection{Workspace: s.ws})
	if err != nil {
		http.Error(w, fmt.Sprintf("listing runs: %v", err), http.StatusInternalServerError)
		return
	}
	status := http.StatusOK
	if data.Filter != "" {
		f, err := records.ParseFilter(data.Filter)
		if err != nil {
			data.Error, status = err.Error(), http.StatusBadRequest
			list = nil
		} else {
			kept := list[:0]
			for _, run := range list {
				if f.Match(run) {
					kept = append(kept, run)
				}
			}
			list = kept
		}
	}
	if data.Sort != "" && status == http.StatusOK {
		if err := records.SortRuns(list, data.Sort); err != nil {
			data.Error, status = err.Error(), http.StatusBadRequest
		}
	}
	data.Runs = list
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = runsPage.Execute(w, data)
}

// manifest reads a run's manifest; ok is false when the run is unknown or
// its manifest cannot be read.
func (s *Server) manifest(w http.ResponseWriter, id string) (*artifacts.Manifest, bool) {
	ids, err := s.ws.RunIDs()
	if err != nil {
		return nil, false
	}
	for _, known := range ids {
		if known == id {
			m, err := artifacts.ReadManifest(s.ws.ManifestPath(id))
			return m, err == nil
		}
	}
	return nil, false
}

func (s *Server) run(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	m, ok := s.manifest(w, id)
	if !ok {
		http.Error(w, fmt.Sprintf("no run %q in %s", id, s.ws.Root), http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = report.Write(w, s.ws, m)
}

func (s *Server) apiRun(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	w.Header().Set("Content-Type", "application/json")
	if m, ok := s.manifest(w, id); ok {
		_ = json.NewEncoder(w).Encode(records.Summarize(m))
		return
	}
	live, err := runtime.ReadLiveState(s.ws.LiveStatePath(id))
	if errors.Is(err, os.ErrNotExist) || (err != nil && live == nil) {
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": fmt.Sprintf("no run %q", id)})
		return
	}
	_ = json.NewEncoder(w).Encode(live)
}
