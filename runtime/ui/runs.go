package ui

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/records"
)

// Bounds on the runs table: the columns it shows and offers, and its rows
// (the first maxRows runs in the order asked for; a filter narrows them).
const (
	maxColumns = 200
	maxRows    = 1000
)

// runsPage is what runs.html.tmpl shows.
type runsPage struct {
	Root, Filter, Sort, ColumnList, Error string
	Available                             []availableColumn
	Columns                               []runsColumn
	Rows                                  []runsRow
	// More counts the runs left out past maxRows.
	More int
	// Live is set when a run in progress is listed: the page then follows it.
	Live bool
}

type availableColumn struct {
	Field string
	Shown bool
}

type runsColumn struct {
	Field, SortLink, Arrow string
}

type runsRow struct {
	ID    string
	Cells []runsCell
}

type runsCell struct {
	// Title is shown on hovering (why a manifest is unreadable).
	Title       string
	Text, Link  string
	Status, Num bool
}

// runs serves `/`: the workspace's runs, those in progress first, filtered
// and sorted as `pipeline runs --filter --sort` does, with the columns
// asked for (`?columns=a,b` or repeated `column=`), by default the base
// fields and each key metric.
func (s *Server) runs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page := runsPage{Root: s.ws.Root, Filter: q.Get("filter"), Sort: q.Get("sort")}
	list, err := s.listRuns()
	if err != nil {
		http.Error(w, fmt.Sprintf("listing the runs of %s: %v", s.ws.Root, err), http.StatusInternalServerError)
		return
	}
	status := http.StatusOK
	fail := func(err error) {
		if page.Error == "" {
			page.Error, status = err.Error(), http.StatusBadRequest
		}
	}
	if page.Filter != "" {
		if f, err := records.ParseFilter(page.Filter); err != nil {
			fail(fmt.Errorf("filter: %w", err))
			list = nil
		} else {
			list = slices.DeleteFunc(list, func(run records.Summary) bool { return !f.Match(run) })
		}
	}
	if page.Sort != "" && status == http.StatusOK {
		if err := records.SortRuns(list, page.Sort); err != nil {
			fail(err)
		}
	}
	fields := requestedColumns(q)
	for _, f := range fields {
		if err := records.CheckField(f); err != nil {
			fail(fmt.Errorf("columns: %w", err))
		}
	}
	if len(fields) == 0 || status != http.StatusOK {
		fields = defaultColumns(list)
	}
	page.ColumnList = strings.Join(fields, ",")
	// The columns shown come first, in their order, so that ticking one
	// more adds it at the end.
	for _, f := range fields {
		page.Available = append(page.Available, availableColumn{Field: f, Shown: true})
	}
	for _, f := range availableColumns(list) {
		if !slices.Contains(fields, f) {
			page.Available = append(page.Available, availableColumn{Field: f})
		}
	}
	for _, f := range fields {
		page.Columns = append(page.Columns, sortColumn(f, page))
	}
	if len(list) > maxRows {
		page.More, list = len(list)-maxRows, list[:maxRows]
	}
	for _, run := range list {
		page.Live = page.Live || run.Status == runtime.StatusRunning
		row := runsRow{ID: run.ID}
		for _, f := range fields {
			row.Cells = append(row.Cells, cell(run, f))
		}
		page.Rows = append(page.Rows, row)
	}
	_ = render(w, status, "runs.html.tmpl", page)
}

// listRuns lists the runs in progress (from their live state), then the
// recorded ones, newest first.
func (s *Server) listRuns() ([]records.Summary, error) {
	live, err := s.ws.LiveRunIDs()
	if err != nil {
		return nil, err
	}
	var out []records.Summary
	for _, id := range live {
		st, err := runtime.ReadLiveState(s.ws.LiveStatePath(id))
		if err != nil {
			continue // it ended between the listing and the read
		}
		status := runtime.StatusRunning
		if st.Abandoned() {
			status = runtime.RunInterrupted
		}
		out = append(out, records.Summary{ID: id, Name: st.Name, Status: status, StartedAt: st.StartedAt,
			Definition: st.Definition, Stages: len(st.Stages), Overrides: map[string]any{}, Metrics: []records.Metric{}})
	}
	recorded, err := records.List(records.Selection{Workspace: s.ws})
	if err != nil {
		return nil, err
	}
	return append(out, recorded...), nil
}

// requestedColumns reads `columns=a,b` and repeated `column=` parameters.
func requestedColumns(q url.Values) []string {
	var out []string
	add := func(f string) {
		if f = strings.TrimSpace(f); f != "" && !slices.Contains(out, f) && len(out) < maxColumns {
			out = append(out, f)
		}
	}
	for _, list := range q["columns"] {
		for _, f := range strings.Split(list, ",") {
			add(f)
		}
	}
	for _, f := range q["column"] {
		add(f)
	}
	return out
}

// defaultColumns are those `pipeline runs` shows: the run, then each key
// metric any listed run reports, then the note.
func defaultColumns(list []records.Summary) []string {
	out := []string{"id", "name", "status", "started", "took", "definition"}
	for _, run := range list {
		for _, m := range run.Metrics {
			if f := "metrics." + m.Metric; !slices.Contains(out, f) && len(out) < maxColumns-1 {
				out = append(out, f)
			}
		}
	}
	return append(out, "note")
}

// availableColumns are the base fields, then each key metric, each stage's
// metric, each param and each tag the listed runs have.
func availableColumns(list []records.Summary) []string {
	out := records.RunFields()
	add := func(f string) {
		if !slices.Contains(out, f) && len(out) < maxColumns {
			out = append(out, f)
		}
	}
	for _, run := range list {
		for _, m := range run.Metrics {
			add("metrics." + m.Metric)
		}
	}
	for _, run := range list {
		for _, m := range run.AllMetrics {
			add("metrics." + m.Stage + "." + m.Metric)
		}
		for _, p := range records.Flatten(run.Params) {
			add("params." + p.Key)
		}
		for _, k := range slices.Sorted(maps.Keys(run.Tags)) {
			add("tags." + k)
		}
	}
	return out
}

// sortColumn is a column heading linking to the table sorted by it:
// ascending first, descending when it is already sorted ascending.
func sortColumn(field string, page runsPage) runsColumn {
	c := runsColumn{Field: field}
	next := field
	switch page.Sort {
	case field:
		c.Arrow, next = " ▲", "-"+field
	case "-" + field:
		c.Arrow = " ▼"
	}
	v := url.Values{"sort": {next}, "columns": {page.ColumnList}}
	if page.Filter != "" {
		v.Set("filter", page.Filter)
	}
	c.SortLink = "/?" + v.Encode()
	return c
}

// cell is one run's value of a field as the table shows it.
func cell(run records.Summary, field string) runsCell {
	v, ok := run.Field(field)
	if !ok {
		return runsCell{Text: "-"}
	}
	switch field {
	case "id":
		return runsCell{Text: run.ID, Link: "/runs/" + url.PathEscape(run.ID)}
	case "status":
		return runsCell{Text: run.Status, Status: true, Title: run.Error}
	case "took":
		if run.DurationMS == 0 {
			return runsCell{Text: "-"}
		}
		return runsCell{Text: records.FormatDuration(run.DurationMS), Num: true}
	}
	if f, ok := v.(float64); ok {
		return runsCell{Text: records.FormatMetric(f), Num: true}
	}
	return runsCell{Text: fmt.Sprint(v)}
}
