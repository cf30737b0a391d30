// Package ui serves a workspace's runs over HTTP: the runs table (filtered,
// sorted and with the columns asked for, as `pipeline runs` does), each
// run's page (stage graph and table, live while the run is in progress,
// logs, table previews) and report, the comparison of selected runs, and a
// run's live state as JSON. Pages and assets are built into the binary.
package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/records"
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
	mux.HandleFunc("GET /runs/{id}/report", s.report)
	mux.HandleFunc("GET /runs/{id}/logs/{stage}", s.log)
	mux.HandleFunc("GET /runs/{id}/outputs/{stage}/{port}", s.preview)
	mux.HandleFunc("GET /runs/{id}/outputs/{stage}/{port}/{file}", s.preview)
	mux.HandleFunc("GET /api/runs/{id}", s.apiRun)
	mux.HandleFunc("GET /compare", s.compare)
	mux.HandleFunc("GET /assets/{file}", static)
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

// errNoRun is returned for a run id the workspace does not hold.
var errNoRun = errors.New("no such run")

// manifest reads a recorded run's manifest: errNoRun when the workspace
// has no manifest of that id (the id is checked to name a run directory,
// see Workspace.HasRun, before it becomes a path).
func (s *Server) manifest(id string) (*artifacts.Manifest, error) {
	if !s.ws.HasRun(id) {
		return nil, errNoRun
	}
	m, err := artifacts.ReadManifest(s.ws.ManifestPath(id))
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNoRun // a run in progress, or one killed before it ended
	}
	return m, err
}

// liveState reads the live state of a run in progress: errNoRun when the
// workspace has no run of that id without a manifest and with a live state.
func (s *Server) liveState(id string) (*runtime.LiveState, error) {
	if !s.ws.HasRun(id) {
		return nil, errNoRun
	}
	if _, err := os.Stat(s.ws.ManifestPath(id)); err == nil {
		return nil, errNoRun // recorded: its manifest says what it became
	}
	st, err := runtime.ReadLiveState(s.ws.LiveStatePath(id))
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNoRun
	}
	return st, err
}

// notFound answers a request for a run the workspace lacks, or one whose
// record cannot be read.
func (s *Server) notFound(w http.ResponseWriter, id string, err error) {
	if errors.Is(err, errNoRun) {
		http.Error(w, fmt.Sprintf("no run %q in %s", id, s.ws.Root), http.StatusNotFound)
		return
	}
	http.Error(w, fmt.Sprintf("reading run %q: %v", id, err), http.StatusInternalServerError)
}

// apiRun serves /api/runs/{id}: a recorded run's summary, or the live state
// of a run in progress.
func (s *Server) apiRun(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	var body any
	m, err := s.manifest(id)
	if err == nil {
		body = records.Summarize(m)
	} else if errors.Is(err, errNoRun) {
		var live *runtime.LiveState
		if live, err = s.liveState(id); err == nil {
			body = live
		}
	}
	switch {
	case errors.Is(err, errNoRun):
		w.WriteHeader(http.StatusNotFound)
		body = map[string]string{"error": fmt.Sprintf("no run %q", id)}
	case err != nil:
		w.WriteHeader(http.StatusInternalServerError)
		body = map[string]string{"error": fmt.Sprintf("reading run %q: %v", id, err)}
	}
	_ = json.NewEncoder(w).Encode(body)
}
