package records

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
)

// WriteDetail prints one run in full: what was run and where, its
// parameters, a table of its stages, then each stage's key, parameters,
// inputs, outputs, metrics and error.
func WriteDetail(w io.Writer, m *artifacts.Manifest) error {
	s := Summarize(m)
	tw := newColumns(w)
	fmt.Fprintf(tw, "run\t%s\n", m.RunID)
	if m.Name != "" {
		fmt.Fprintf(tw, "name\t%s\n", m.Name)
	}
	if len(m.Tags) > 0 {
		var tags []string
		for _, k := range slices.Sorted(maps.Keys(m.Tags)) {
			tags = append(tags, k+"="+m.Tags[k])
		}
		fmt.Fprintf(tw, "tags\t%s\n", strings.Join(tags, " "))
	}
	if m.Note != "" {
		fmt.Fprintf(tw, "note\t%s\n", oneLine(m.Note))
	}
	fmt.Fprintf(tw, "status\t%s\n", m.Status)
	fmt.Fprintf(tw, "definition\t%s (%s, %s)\n", m.Definition.Name, m.Definition.Path, m.Definition.Digest)
	fmt.Fprintf(tw, "started\t%s\n", FormatTime(m.StartedAt))
	fmt.Fprintf(tw, "finished\t%s (took %s)\n", FormatTime(m.FinishedAt), FormatDuration(s.DurationMS))
	if len(m.Command) > 0 {
		fmt.Fprintf(tw, "command\t%s\n", strings.Join(m.Command, " "))
	}
	if g := m.Git; g != nil {
		state := "clean"
		if g.Dirty {
			state = "dirty: uncommitted changes"
		}
		branch := ""
		if g.Branch != "" {
			branch = " on " + g.Branch
		}
		fmt.Fprintf(tw, "git\t%s%s (%s)\n", g.Commit, branch, state)
	}
	e := m.Engine
	rev := ""
	if e.VCSRevision != "" {
		rev = " (" + e.VCSRevision + ")"
	}
	fmt.Fprintf(tw, "engine\t%s%s, %s\n", e.Version, rev, e.GoVersion)
	env := m.Environment
	fmt.Fprintf(tw, "machine\t%s/%s, %d CPUs, %s memory%s\n", env.OS, env.Arch, env.CPUs, FormatBytes(env.MemoryBytes), gpuText(env.GPU))
	fmt.Fprintf(tw, "stages\t%d: %d ran, %d cached, %d failed, %d skipped\n", s.Stages, s.Ran, s.Cached, s.Failed, s.Skipped)
	if err := tw.Flush(); err != nil {
		return err
	}
	writeParams(w, "params", m.Params)
	writeParams(w, "overrides", m.Overrides)
	if len(m.Sources) > 0 {
		fmt.Fprintln(w, "\nsources")
		tw = newColumns(w)
		for _, src := range m.Sources {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", src.Path, src.Digest, FormatBytes(src.Size))
		}
		tw.Flush()
	}
	fmt.Fprintln(w)
	tw = newColumns(w)
	fmt.Fprintln(tw, "STAGE\tKIND\tSTATUS\tCACHE\tTOOK\tKEY")
	for _, st := range m.Stages {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", st.Name, st.Kind, st.Status, CacheResult(st.Status), FormatDuration(st.DurationMS), ShortKey(st.Key))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if sw := Sweep(m); len(sw.Rows) > 0 {
		fmt.Fprintln(w, "\nsweep")
		if err := WriteSweep(w, sw); err != nil {
			return err
		}
	}
	for i := range m.Stages {
		if err := writeStage(w, &m.Stages[i]); err != nil {
			return err
		}
	}
	return nil
}

// CacheResult says what the action cache did for a stage with this status.
func CacheResult(status string) string {
	switch status {
	case "cached":
		return "hit"
	case "ran", "failed":
		return "miss"
	}
	return "-"
}

func writeStage(w io.Writer, st *artifacts.StageRecord) error {
	fmt.Fprintf(w, "\nstage %s (%s %s, %s", st.Name, st.Kind, st.Version, st.Status)
	if st.Status == "ran" || st.Status == "failed" {
		fmt.Fprintf(w, ", %s, %.1f CPU-s, peak %s", FormatDuration(st.DurationMS), st.CPUSeconds, FormatBytes(st.PeakRSSBytes))
	}
	fmt.Fprintln(w, ")")
	tw := newColumns(w)
	if st.Key != "" {
		fmt.Fprintf(tw, "  key\t%s\n", st.Key)
	}
	fmt.Fprintf(tw, "  seed\t%d\n", st.Seed)
	for _, p := range Flatten(st.Params) {
		fmt.Fprintf(tw, "  param\t%s = %s\n", p.Key, FormatValue(p.Value))
	}
	for _, in := range st.Inputs {
		fmt.Fprintf(tw, "  input\t%s <- %s\t%s\t%s\n", in.Port, in.From, in.Digest, portSize(in))
	}
	for _, out := range st.Outputs {
		fmt.Fprintf(tw, "  output\t%s\t%s\t%s\n", out.Port, out.Digest, portSize(out))
	}
	names := make([]string, 0, len(st.Metrics))
	for k := range st.Metrics {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(tw, "  metric\t%s = %s\n", k, FormatMetric(st.Metrics[k]))
	}
	if st.Error != "" {
		fmt.Fprintf(tw, "  error\t%s\n", strings.ReplaceAll(st.Error, "\n", "\n  \t"))
	}
	return tw.Flush()
}

// portSize describes an artifact's size, rows and files.
func portSize(p artifacts.PortRecord) string {
	s := FormatBytes(p.Size)
	if p.Rows != nil {
		s += fmt.Sprintf(", %d rows", *p.Rows)
	}
	if p.Dir {
		s += fmt.Sprintf(", %d files", p.Files)
	}
	return s
}

func writeParams(w io.Writer, title string, params map[string]any) {
	flat := Flatten(params)
	if len(flat) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", title)
	tw := newColumns(w)
	for _, p := range flat {
		fmt.Fprintf(tw, "  %s\t%s\n", p.Key, FormatValue(p.Value))
	}
	tw.Flush()
}

func gpuText(gpu string) string {
	if gpu == "" {
		return ""
	}
	return ", GPU " + gpu
}

// ShortKey abbreviates a stage key for tables: the algorithm and 12 hex digits.
func ShortKey(key string) string {
	if key == "" {
		return "-"
	}
	return artifacts.ShortDigest(key)
}
