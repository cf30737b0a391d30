package pipeline

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// aliasBomb is the billion-laughs shape: nine levels of nine aliases each.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("version: 1\nname: bomb\nparams:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&b, "  a%d: &a%d [", i, i)
		for j := range 9 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	b.WriteString("stages: {s: {kind: exec, with: {cmd: \"${a9}\"}}}\n")
	return b.String()
}

// bigDefinition is a valid definition of about size bytes: many stages.
func bigDefinition(size int) string {
	var b strings.Builder
	b.WriteString("version: 1\nname: big\nstages:\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "  s%d: {kind: exec, with: {cmd: \"echo %d > $PIPELINE_OUT/o\", outputs: [o]}}\n", i, i)
	}
	return b.String()
}

func TestDefinitionBombsAreOneLineErrors(t *testing.T) {
	tests := map[string]struct {
		src  string
		want string
	}{
		"alias bomb":       {aliasBomb(), "bomb.yaml:10:"},
		"deep flow":        {"version: 1\nname: deep\nstages: " + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "\n", "the document nests more than 200 levels deep"},
		"deep block":       {"version: 1\nname: deep\nstages:\n" + strings.Repeat("- ", 100000) + "x\n", "the document nests more than 200 levels deep"},
		"too large":        {"version: 1\nname: big\n# " + strings.Repeat("x", MaxDefinitionBytes) + "\n", "the limit is"},
		"invalid utf-8":    {"version: 1\nname: \"a\xffb\"\n", "bomb.yaml:2:9: invalid UTF-8"},
		"NUL":              {"version: 1\nname: a\x00b\n", "bomb.yaml:2:8: NUL byte"},
		"unterminated map": {"version: 1\nstages: {a: {kind: exec\n", "bomb.yaml:2:"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("bomb.yaml", []byte(tt.src))
			if err == nil {
				t.Fatal("accepted")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line containing %q", msg, tt.want)
			}
		})
	}
	_, err := Parse("bomb.yaml", []byte(aliasBomb()))
	if !strings.Contains(err.Error(), "aliases expand the document to more than") {
		t.Errorf("alias bomb: %v", err)
	}
}

// loadChildEnv names a definition a re-executed test binary loads and
// compiles, so its peak memory can be read from the kernel.
const loadChildEnv = "PIPELINE_TEST_LOAD_DEFINITION"

func TestMain(m *testing.M) {
	if path := os.Getenv(loadChildEnv); path != "" {
		def, err := Load(path)
		if err == nil {
			_, err = Compile(def, nil)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// A 1 MB definition loads and compiles within 100 MB of peak memory beyond
// what the binary takes to load a one-stage definition (its own code and
// libraries' start-up, which the stage kinds it links decide).
func TestLargeDefinitionMemory(t *testing.T) {
	peak := func(src string) int64 {
		t.Helper()
		path := filepath.Join(t.TempDir(), "def.yaml")
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		child := exec.Command(os.Args[0], "-test.run=^$")
		child.Env = append(os.Environ(), loadChildEnv+"="+path)
		if out, err := child.CombinedOutput(); err != nil {
			t.Fatalf("loading: %v\n%s", err, out)
		}
		return child.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
	}
	base := peak(bigDefinition(len("version: 1\nname: big\nstages:\n") + 1))
	big := peak(bigDefinition(1 << 20))
	t.Logf("a 1 MB definition: peak resident memory %d MB (a one-stage definition: %d MB)", big>>20, base>>20)
	if big-base > 100<<20 {
		t.Errorf("loading and compiling a 1 MB definition took %d MB more than a one-stage one", (big-base)>>20)
	}
}

func TestSelfReferentialAlias(t *testing.T) {
	_, err := Parse("self.yaml", []byte("version: 1\nname: x\nparams:\n  a: &x [1, *x]\nstages: {}\n"))
	if err == nil || !strings.Contains(err.Error(), "self.yaml:4:13: alias *x is inside the value it names") {
		t.Errorf("error %v", err)
	}
}

func TestOverrideHygiene(t *testing.T) {
	for _, s := range []string{"cmd=a\xffb", "cmd=a\x00b"} {
		if _, err := ParseOverride(s); err == nil || !strings.Contains(err.Error(), "NUL or invalid UTF-8") {
			t.Errorf("%q: %v", s, err)
		}
	}
}
