package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/mlpipe/pipeline/runtime/report"
)

// maxCompared bounds the runs one comparison page shows.
const maxCompared = 20

// compare serves /compare?runs=a,b,...: runtime/report's comparison of the
// runs, the first being the baseline.
func (s *Server) compare(w http.ResponseWriter, r *http.Request) {
	var ids []string
	for _, id := range strings.Split(r.URL.Query().Get("runs"), ",") {
		if id = strings.TrimSpace(id); id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) < 2 || len(ids) > maxCompared {
		http.Error(w, fmt.Sprintf("compare: give 2 to %d run ids as ?runs=a,b (got %d)", maxCompared, len(ids)), http.StatusBadRequest)
		return
	}
	var in []report.Input
	for _, id := range ids {
		m, ok := s.manifest(w, id)
		if !ok {
			http.Error(w, fmt.Sprintf("compare: no run %q in %s", id, s.ws.Root), http.StatusNotFound)
			return
		}
		in = append(in, report.Input{Workspace: s.ws, Manifest: m})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = report.WriteComparison(w, in)
}
