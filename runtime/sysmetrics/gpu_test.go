package sysmetrics

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseGPULine(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	b := func(v int64) *int64 { return &v }
	cases := []struct {
		line string
		want GPU
		err  string
	}{
		{line: "0, NVIDIA H200, 37, 1024, 143771", want: GPU{Index: 0, Name: "NVIDIA H200", UtilizationPercent: f(37), MemoryUsedBytes: b(1024 << 20), MemoryTotalBytes: b(143771 << 20)}},
		{line: "3, Tesla T4, [N/A], [Not Supported], 15360", want: GPU{Index: 3, Name: "Tesla T4", MemoryTotalBytes: b(15360 << 20)}},
		{line: "1, Odd, Name, With Commas, 5, 10, 20", want: GPU{Index: 1, Name: "Odd,Name,With Commas", UtilizationPercent: f(5), MemoryUsedBytes: b(10 << 20), MemoryTotalBytes: b(20 << 20)}},
		{line: "0, too, few", err: "want index, name"},
		{line: "x, NVIDIA H200, 1, 2, 3", err: `index "x"`},
	}
	for _, c := range cases {
		got, err := parseGPULine(c.line)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.line, err, c.err)
			}
			continue
		}
		if err != nil || describeGPU(got) != describeGPU(c.want) {
			t.Errorf("%q:\n got %s (%v)\nwant %s", c.line, describeGPU(got), err, describeGPU(c.want))
		}
	}
}

// describeGPU renders a reading with its optional values, for comparisons.
func describeGPU(g GPU) string {
	s := fmt.Sprintf("%d %q", g.Index, g.Name)
	if g.UtilizationPercent != nil {
		s += fmt.Sprintf(" util=%g", *g.UtilizationPercent)
	}
	if g.MemoryUsedBytes != nil {
		s += fmt.Sprintf(" used=%d", *g.MemoryUsedBytes)
	}
	if g.MemoryTotalBytes != nil {
		s += fmt.Sprintf(" total=%d", *g.MemoryTotalBytes)
	}
	return s
}

// fakeNvidiaSMI writes an executable script standing in for nvidia-smi.
func fakeNvidiaSMI(t *testing.T, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "nvidia-smi")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}
