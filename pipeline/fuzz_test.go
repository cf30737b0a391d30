package pipeline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzLoad: no input makes the loader or the compiler panic; every failure
// is a definition error.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.yaml")
	more, _ := filepath.Glob("testdata/errors/*.yaml")
	for _, p := range append(seeds, more...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("version: 1\nstages: {a: {kind: exec, with: {cmd: '${x.y}$${z}$'}}}\n"))
	f.Add([]byte("a: &x [*x]\n"))
	// Alias and nesting shapes: the bounds of bounds.go must hold on each.
	f.Add([]byte(aliasBomb()))
	f.Add([]byte("a: &a [1, 2]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b, *b]\nd: {x: *c, y: *c}\n"))
	f.Add([]byte("a: " + strings.Repeat("[", 300) + strings.Repeat("]", 300) + "\n"))
	f.Add([]byte("a: " + strings.Repeat("{b: ", 250) + "1" + strings.Repeat("}", 250) + "\n"))
	f.Add([]byte(strings.Repeat("- ", 500) + "x\n"))
	f.Add([]byte("version: 1\nname: \"\xff\"\nstages: {}\n"))
	f.Add([]byte("version: 1\nparams: {a: 1}\nsweep: {a: [1, 2, 3]}\nstages: {s: {kind: exec, with: {cmd: \"${a}\"}}}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		def, err := Parse("fuzz.yaml", src)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				if _, ok := err.(Errors); !ok {
					t.Fatalf("non-definition error %T: %v", err, err)
				}
			}
			return
		}
		_, _ = Compile(def, nil)
	})
}
