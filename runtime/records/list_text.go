package records

import (
	"fmt"
	"io"
	"strings"
)

// WriteList prints the run listing as aligned columns, one run per line.
func WriteList(w io.Writer, runs []Summary) error {
	if len(runs) == 0 {
		_, err := fmt.Fprintln(w, "no runs recorded")
		return err
	}
	tw := newColumns(w)
	fmt.Fprintln(tw, "RUN\tSTARTED\tTOOK\tSTATUS\tDEFINITION\tRAN\tCACHED\tFAILED\tMETRICS")
	for _, s := range runs {
		if s.Status == StatusUnreadable {
			fmt.Fprintf(tw, "%s\t-\t-\t%s\t-\t-\t-\t-\t%s\n", s.ID, s.Status, oneLine(s.Error))
			continue
		}
		id := s.ID
		if s.Name != "" {
			id += " (" + s.Name + ")"
		}
		def := s.Definition
		if sets := Flatten(s.Overrides); len(sets) > 0 {
			parts := make([]string, len(sets))
			for i, p := range sets {
				parts[i] = p.Key + "=" + FormatValue(p.Value)
			}
			def += " (" + strings.Join(parts, " ") + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", id, FormatTime(s.StartedAt), FormatDuration(s.DurationMS),
			s.Status, def, s.Ran, s.Cached, s.Failed, metricsText(s.Metrics))
	}
	return tw.Flush()
}

// metricsText writes the key metrics as name=value, or name=min–max where
// several stage instances (sweep points) report one.
func metricsText(ms []Metric) string {
	var parts []string
	for _, r := range KeyMetricRanges(ms) {
		parts = append(parts, r.Metric+"="+r.Text())
	}
	return strings.Join(parts, " ")
}

// oneLine keeps the first line of a message.
func oneLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// WriteColumns prints the runs with the chosen fields as columns (see
// Summary.Field); a run lacking a field shows `-`.
func WriteColumns(w io.Writer, runs []Summary, fields []string) error {
	tw := newColumns(w)
	head := make([]string, len(fields))
	for i, f := range fields {
		head[i] = strings.ToUpper(f)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, s := range runs {
		cells := make([]string, len(fields))
		for i, f := range fields {
			cells[i] = "-"
			v, ok := s.Field(f)
			if !ok {
				continue
			}
			switch x := v.(type) {
			case float64:
				if f == "took" {
					cells[i] = FormatDuration(int64(x))
				} else {
					cells[i] = FormatMetric(x)
				}
			default:
				cells[i] = oneLine(fmt.Sprint(x))
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}
