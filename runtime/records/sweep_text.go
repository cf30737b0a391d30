package records

import (
	"fmt"
	"io"
	"strings"
)

// WriteSweep prints a sweep table: one row per point with the swept values
// and each metric that differs between points.
func WriteSweep(w io.Writer, t SweepTable) error {
	if len(t.Rows) == 0 {
		return nil
	}
	tw := newColumns(w)
	head := append([]string{}, t.Axes...)
	for _, c := range t.Columns {
		head = append(head, c.Stage+"."+c.Metric)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, r := range t.Rows {
		cells := append([]string{}, r.Point...)
		for _, v := range r.Values {
			if v == nil {
				cells = append(cells, "-")
			} else {
				cells = append(cells, FormatMetric(*v))
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(t.Constant) > 0 {
		names := make([]string, len(t.Constant))
		for i, c := range t.Constant {
			names[i] = c.Stage + "." + c.Metric
		}
		_, err := fmt.Fprintf(w, "(the same at every point: %s)\n", strings.Join(names, ", "))
		return err
	}
	return nil
}
