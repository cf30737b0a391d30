package records

import (
	"fmt"
	"io"
)

// WriteDiff prints a diff as three aligned tables: parameters (and
// overrides), stages, and metrics with their absolute and relative change.
// Unless all is set, metrics that did not change are left out (key metrics
// are always shown) and counted in a closing line.
func WriteDiff(w io.Writer, d *Diff, all bool) error {
	fmt.Fprintf(w, "A  %s  %s  %s\n", d.A.ID, d.A.Definition, d.A.Status)
	fmt.Fprintf(w, "B  %s  %s  %s\n", d.B.ID, d.B.Definition, d.B.Status)
	tw := newColumns(w)
	if len(d.Params) > 0 || len(d.Overrides) > 0 {
		fmt.Fprintln(tw, "\nPARAM\tA\tB\tCHANGE\t")
		for _, p := range d.Params {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Key, sideValue(p.A), sideValue(p.B), paramChange(p))
		}
		for _, p := range d.Overrides {
			fmt.Fprintf(tw, "--set %s\t%s\t%s\t%s\n", p.Key, sideValue(p.A), sideValue(p.B), paramChange(p))
		}
	}
	fmt.Fprintln(tw, "\nSTAGE\tA\tB\tKEY\t")
	for _, s := range d.Stages {
		key := "same"
		switch {
		case s.AStatus == "":
			key = "only in B"
		case s.BStatus == "":
			key = "only in A"
		case s.KeyChanged:
			key = "changed"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, orDash(s.AStatus), orDash(s.BStatus), key)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(d.Metrics) == 0 {
		_, err := fmt.Fprintln(w, "\nno metrics recorded")
		return err
	}
	tw = newColumns(w)
	fmt.Fprintln(tw, "\nSTAGE\tMETRIC\tA\tB\tCHANGE\tRELATIVE")
	hidden := 0
	for _, m := range d.Metrics {
		if !all && m.Delta != nil && *m.Delta == 0 && !m.Key {
			hidden++
			continue
		}
		rel := relativeText(m.Relative)
		if m.Delta != nil && *m.Delta == 0 {
			rel = ""
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", m.Stage, m.Metric, metricSide(m.A), metricSide(m.B), deltaText(m.Delta), rel)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if hidden > 0 {
		_, err := fmt.Fprintf(w, "(%d unchanged metrics not shown; --all shows them)\n", hidden)
		return err
	}
	return nil
}

func paramChange(p ParamChange) string {
	if !p.Changed {
		return ""
	}
	if p.Delta != nil {
		s := FormatDelta(*p.Delta)
		if p.Relative != nil {
			s += " (" + FormatRelative(*p.Relative) + ")"
		}
		return s
	}
	return "changed"
}

func sideValue(v any) string {
	if v == nil {
		return "-"
	}
	return FormatValue(v)
}

func metricSide(v *float64) string {
	if v == nil {
		return "-"
	}
	return FormatMetric(*v)
}

func deltaText(v *float64) string {
	if v == nil {
		return ""
	}
	if *v == 0 {
		return "="
	}
	return FormatDelta(*v)
}

func relativeText(v *float64) string {
	if v == nil {
		return ""
	}
	return FormatRelative(*v)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
