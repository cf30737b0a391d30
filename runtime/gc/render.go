package gc

import (
	"fmt"
	"io"
	"strings"

	"github.com/mlpipe/pipeline/runtime/records"
)

// plural renders a count and a noun: "1 run", "2 runs".
func plural(n int, noun string) string {
	if n != 1 {
		noun += "s"
	}
	return fmt.Sprintf("%d %s", n, noun)
}

// render renders a count of things and their size: "3 objects, 1.2 KiB".
func (t Tally) render(noun string) string {
	return fmt.Sprintf("%s (%s)", plural(t.Count, noun), records.FormatBytes(t.Bytes))
}

// WriteText prints what the collection removed (or would remove) and kept.
func (r *Report) WriteText(w io.Writer) error {
	verb, freed := "removed", "freed"
	if r.DryRun {
		verb, freed = "would remove", "would free"
	}
	var b strings.Builder
	if r.Busy {
		fmt.Fprintf(&b, "note: a pipeline is running in %s; gc would refuse to delete anything now\n", r.Workspace)
	}
	fmt.Fprintf(&b, "%s %s, %s, %s", verb, r.Runs.render("run"), r.Records.render("action-cache record"), r.Objects.render("object"))
	if r.Leftovers.Count > 0 {
		fmt.Fprintf(&b, ", %s", r.Leftovers.render("leftover temporary file"))
	}
	if r.Bundles.Count > 0 {
		fmt.Fprintf(&b, ", %s", plural(r.Bundles.Count, "rebuilt project"))
	}
	if r.Caches.Count > 0 {
		fmt.Fprintf(&b, ", %s", r.Caches.render("cached environment"))
	}
	fmt.Fprintf(&b, "\nkept %s, %s, %s\n", plural(len(r.KeptRuns), "run"), r.Kept.Records.render("action-cache record"), r.Kept.Objects.render("object"))
	fmt.Fprintf(&b, "%s %s\n", freed, records.FormatBytes(r.Freed()))
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteText prints the usage as aligned tables: the store's areas, then by
// stage, then by run.
func (u *Usage) WriteText(w io.Writer) error {
	var b strings.Builder
	count := func(name string, t Tally) []string {
		return []string{name, fmt.Sprint(t.Count), records.FormatBytes(t.Bytes)}
	}
	fmt.Fprintf(&b, "workspace %s: %s\n\n", u.Workspace, records.FormatBytes(u.Bytes))
	writeTable(&b, [][]string{
		{"area", "entries", "bytes"},
		count("objects", u.Objects),
		count("  of which current outputs", u.Current), count("  of which unreferenced", u.Unreferenced),
		count("action cache", u.Records), count("runs", u.Runs), count("scratch", u.Scratch), count("tmp", u.Temp),
	})
	stages := [][]string{{"stage", "objects", "bytes"}}
	for _, s := range u.ByStage {
		stages = append(stages, count(s.Stage, s.Objects))
	}
	b.WriteString("\n")
	writeTable(&b, stages)
	runs := [][]string{{"run", "status", "objects", "bytes", "only here", "run dir"}}
	for _, r := range u.ByRun {
		runs = append(runs, []string{r.ID, r.Status, fmt.Sprint(r.Objects.Count), records.FormatBytes(r.Objects.Bytes),
			records.FormatBytes(r.OnlyHere.Bytes), records.FormatBytes(r.Dir.Bytes)})
	}
	b.WriteString("\n")
	writeTable(&b, runs)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTable aligns rows in columns: names and statuses left, numbers right.
func writeTable(b *strings.Builder, rows [][]string) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len(c))
		}
	}
	left := map[int]bool{0: true}
	if len(rows[0]) > 1 && rows[0][1] == "status" {
		left[1] = true
	}
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[i]-len(c))
			if left[i] {
				if i == len(r)-1 {
					pad = ""
				}
				b.WriteString(c + pad)
			} else {
				b.WriteString(pad + c)
			}
		}
		b.WriteString("\n")
	}
}
