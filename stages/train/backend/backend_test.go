package backend

import (
	"os"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name, backend, dtype string
		wantErr              []string // substrings of the error; nil for no error
	}{
		{name: "default float32", backend: "", dtype: "float32"},
		{name: "go bfloat16", backend: "go", dtype: "bfloat16"},
		{name: "go float64", backend: "go", dtype: "float64"},
		{name: "go float16", backend: "go", dtype: "float16", wantErr: []string{`backend "go"`, `"float16"`, "float32, float64, bfloat16"}},
		{name: "unknown backend", backend: "tpu", dtype: "float32", wantErr: []string{`unknown backend "tpu"`}},
		{name: "go int8", backend: "go", dtype: "int8", wantErr: []string{"supports float32"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.backend, tc.dtype)
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("Check(%q, %q) = %v, want nil", tc.backend, tc.dtype, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Check(%q, %q) = nil, want an error", tc.backend, tc.dtype)
			}
			for _, s := range tc.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("Check(%q, %q) = %q, want it to mention %q", tc.backend, tc.dtype, err, s)
				}
			}
		})
	}
}

func TestXLAWithoutBuildTag(t *testing.T) {
	if XLACompiled {
		t.Skip("this build includes XLA (tag xla); the check below is for the default build")
	}
	for _, name := range []string{"xla", "xla:cuda"} {
		err := Check(name, "float32")
		if err == nil || !strings.Contains(err.Error(), "-tags xla") {
			t.Errorf("Check(%q) = %v, want an error saying how to build with XLA", name, err)
		}
	}
}

func TestOpenGoIsShared(t *testing.T) {
	a, err := Open("go")
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open("go")
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatal("Open(go) returned two different backends")
	}
	if a.Name() != "go" && !strings.Contains(a.Name(), "SimpleGo") {
		t.Logf("backend name %q", a.Name())
	}
}

// The GoMLX version in train's and eval's keys is the one go.mod requires.
func TestGoMLXVersionMatchesGoMod(t *testing.T) {
	b, err := os.ReadFile("../../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	if want := "github.com/gomlx/gomlx " + GoMLXVersion + "\n"; !strings.Contains(string(b), want) {
		t.Errorf("go.mod does not require %q", strings.TrimSpace(want))
	}
}
