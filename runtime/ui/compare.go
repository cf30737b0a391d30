package ui

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/mlpipe/pipeline/runtime/report"
)

// maxCompared bounds the runs one comparison page shows.
const maxCompared = 20

// compare serves /compare?runs=a,b,... (or the runs table's form, which
// repeats `runs=`): runtime/report's comparison of the runs, the first
// being the baseline.
func (s *Server) compare(w http.ResponseWriter, r *http.Request) {
	var ids []string
	for _, list := range r.URL.Query()["runs"] {
		for _, id := range strings.Split(list, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) < 2 || len(ids) > maxCompared {
		http.Error(w, fmt.Sprintf("compare: select 2 to %d runs, as ?runs=a,b (got %d)", maxCompared, len(ids)), http.StatusBadRequest)
		return
	}
	var in []report.Input
	for _, id := range ids {
		m, err := s.manifest(id)
		if err != nil {
			s.notFound(w, id, err)
			return
		}
		in = append(in, report.Input{Workspace: s.ws, Manifest: m})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = report.WriteComparison(w, in)
}
