// Package graphtest compiles definition files for tests, with --set
// overrides as the CLI takes them.
package graphtest

import (
	"fmt"
	"testing"

	"github.com/mlpipe/pipeline/pipeline"
)

// Compile loads the definition at path and compiles it with the overrides
// given as `key=value`.
func Compile(path string, sets ...string) (*pipeline.Graph, error) {
	def, err := pipeline.Load(path)
	if err != nil {
		return nil, err
	}
	ovs := make([]pipeline.Override, 0, len(sets))
	for _, s := range sets {
		o, err := pipeline.ParseOverride(s)
		if err != nil {
			return nil, fmt.Errorf("--set %s: %w", s, err)
		}
		ovs = append(ovs, o)
	}
	return pipeline.Compile(def, ovs)
}

// MustCompile is Compile failing the test on any error.
func MustCompile(t testing.TB, path string, sets ...string) *pipeline.Graph {
	t.Helper()
	g, err := Compile(path, sets...)
	if err != nil {
		t.Fatal(err)
	}
	return g
}
