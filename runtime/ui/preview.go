package ui

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/evaltables"
)

// Bounds on a table preview: its first previewRows rows, previewColumns
// columns, each cell cut to previewCell characters.
const (
	previewRows    = 100
	previewColumns = 50
	previewCell    = 200
)

// previewPage is what preview.html.tmpl shows.
type previewPage struct {
	// File names the table within an evaluation-tables output, if any.
	ID, Stage, Port, Role, File string
	Rows                        int64
	Shown, ColumnsLeft          int
	Columns                     []string
	Cells                       [][]string
}

// preview serves /runs/{id}/outputs/{stage}/{port}, the first rows of a
// recorded table output (a role that is a table: see stages.Role.IsTable),
// and /runs/{id}/outputs/{stage}/{port}/{file}, those of one table of an
// evaluation-tables output (file one of evaltables.Files).
func (s *Server) preview(w http.ResponseWriter, r *http.Request) {
	id, stage, port, file := r.PathValue("id"), r.PathValue("stage"), r.PathValue("port"), r.PathValue("file")
	m, err := s.manifest(id)
	if err != nil {
		s.notFound(w, id, err)
		return
	}
	out := tableOutput(m, stage, port, file)
	if out == nil {
		what := stage + "." + port
		if file != "" {
			what += "/" + file
		}
		http.Error(w, fmt.Sprintf("run %s has no table output %s", id, what), http.StatusNotFound)
		return
	}
	page := previewPage{ID: id, Stage: stage, Port: port, Role: out.Role, File: file}
	path := filepath.Join(s.ws.Store.ObjectPath(out.Digest), file)
	if _, err := os.Stat(path); err != nil {
		http.Error(w, fmt.Sprintf("output %s.%s %s(%s) is not in the workspace's store", stage, port, file, out.Digest), http.StatusNotFound)
		return
	}
	if err := readPreview(path, &page); err != nil {
		http.Error(w, fmt.Sprintf("reading output %s.%s of run %s: %v", stage, port, id, err), http.StatusInternalServerError)
		return
	}
	_ = render(w, http.StatusOK, "preview.html.tmpl", page)
}

// tableOutput finds a stage instance's output port holding a table, or,
// with file, an evaluation-tables directory that may hold that table.
func tableOutput(m *artifacts.Manifest, stage, port, file string) *artifacts.PortRecord {
	for i := range m.Stages {
		if m.Stages[i].Name != stage {
			continue
		}
		for j := range m.Stages[i].Outputs {
			out := &m.Stages[i].Outputs[j]
			if out.Port != port {
				continue
			}
			if file == "" && !out.Dir && stages.Role(out.Role).IsTable() {
				return out
			}
			if file != "" && out.Dir && out.Role == string(stages.RoleEvaluation) && slices.Contains(evaltables.Files(), file) {
				return out
			}
		}
	}
	return nil
}

// readPreview reads the first rows of a table into the page.
func readPreview(path string, page *previewPage) error {
	t, err := table.Open(path)
	if err != nil {
		return err
	}
	defer t.Close()
	page.Rows = t.NumRows()
	fields := t.Schema().Fields()
	shown := min(len(fields), previewColumns)
	page.ColumnsLeft = len(fields) - shown
	for _, f := range fields[:shown] {
		page.Columns = append(page.Columns, f.Name+" ("+f.Type.String()+")")
	}
	for rec, err := range t.All() {
		if err != nil {
			return err
		}
		for i := 0; i < int(rec.NumRows()) && len(page.Cells) < previewRows; i++ {
			row := make([]string, shown)
			for c := range row {
				row[c] = cellText(rec.Column(c), i)
			}
			page.Cells = append(page.Cells, row)
		}
		if len(page.Cells) >= previewRows {
			break
		}
	}
	if int64(len(page.Cells)) < page.Rows {
		page.Shown = len(page.Cells)
	}
	return nil
}

// previewItems bounds the items of a list cell shown before it is cut.
const previewItems = 64

// cellText is a cell as the preview shows it, cut to previewCell
// characters. Texts are cut before they are copied and lists after
// previewItems items, so a huge cell costs no more than a small one.
func cellText(col arrow.Array, i int) string {
	if col.IsNull(i) {
		return array.NullValueStr
	}
	switch a := col.(type) {
	case *array.String:
		return cut(a.Value(i))
	case *array.LargeString:
		return cut(a.Value(i))
	case *array.Binary:
		v := a.Value(i)
		return cut(fmt.Sprintf("%d bytes: %x", len(v), v[:min(len(v), previewCell/2)]))
	case array.ListLike:
		lo, hi := a.ValueOffsets(i)
		var b strings.Builder
		b.WriteByte('[')
		for j := lo; j < hi && j-lo < previewItems; j++ {
			if j > lo {
				b.WriteByte(' ')
			}
			b.WriteString(cellText(a.ListValues(), int(j)))
		}
		if hi-lo > previewItems {
			fmt.Fprintf(&b, " … %d items", hi-lo)
		}
		b.WriteByte(']')
		return cut(b.String())
	}
	return cut(col.ValueStr(i))
}

// cut shortens a cell to previewCell characters, reading no further into
// it than that.
func cut(s string) string {
	n := 0
	for i := range s {
		if n == previewCell {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
