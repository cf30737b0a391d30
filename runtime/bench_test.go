package runtime

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// wideChainDefinition builds the benchmark pipeline: a chain of n stages
// plus a fan-out of n stages reading the chain's first stage.
func wideChainDefinition(n int) string {
	var b strings.Builder
	b.WriteString("version: 1\nname: bench\nstages:\n")
	b.WriteString("  c0: {kind: exec, deps: [seed.txt], with: {cmd: \"cp seed.txt $PIPELINE_OUT/o\", outputs: [o]}}\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  c%d: {kind: exec, inputs: {x: c%d}, with: {cmd: \"cp $PIPELINE_IN_X $PIPELINE_OUT/o\", outputs: [o]}}\n", i, i-1)
	}
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  f%d: {kind: exec, inputs: {x: c0}, with: {cmd: \"cp $PIPELINE_IN_X $PIPELINE_OUT/o\", outputs: [o]}}\n", i)
	}
	return b.String()
}

// BenchmarkCachedRerun measures a fully cached run of a 200-stage pipeline:
// compile, key every stage, serve every hit, write the manifest.
func BenchmarkCachedRerun(b *testing.B) {
	p := newProject(b, wideChainDefinition(100), map[string]string{"seed.txt": "seed\n"})
	ws, err := OpenWorkspace(p.dir + "/.pipeline")
	if err != nil {
		b.Fatal(err)
	}
	g := p.graph()
	if res, err := Run(context.Background(), g, ws, Options{Jobs: 2, Log: zerolog.Nop()}); err != nil || res.Status != RunSucceeded {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g := p.graph()
		ws, _ := OpenWorkspace(p.dir + "/.pipeline")
		res, err := Run(context.Background(), g, ws, Options{Jobs: 2, Log: zerolog.Nop()})
		if err != nil || res.Status != RunSucceeded {
			b.Fatal(err)
		}
		for _, s := range res.Stages {
			if s.Status != StatusCached {
				b.Fatalf("%s was not cached", s.Node.Name)
			}
		}
	}
}

// BenchmarkFirstRun measures a first run of the same 200-stage pipeline:
// every stage runs, publishes and records (fsyncs included).
func BenchmarkFirstRun(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		p := newProject(b, wideChainDefinition(100), map[string]string{"seed.txt": "seed\n"})
		ws, err := OpenWorkspace(p.dir + "/.pipeline")
		if err != nil {
			b.Fatal(err)
		}
		g := p.graph()
		b.StartTimer()
		res, err := Run(context.Background(), g, ws, Options{Jobs: 2, Log: zerolog.Nop()})
		if err != nil || res.Status != RunSucceeded {
			b.Fatal(err)
		}
	}
}
