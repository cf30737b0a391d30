package python

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseRequirements(t *testing.T) {
	src := `# pinned with hashes, as pip-compile writes them
--no-index
--find-links ./wheels
numpy==1.26.4 \
    --hash=sha256:aaaa \
    --hash=sha256:bbbb
Scikit_Learn[alldeps] == 1.5.0 ; python_version >= "3.9"  # the model
pandas>=2
torch===2.3.0
polars==1.*
`
	reqs, err := parseRequirements([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	lines := map[string]int{}
	for _, r := range reqs {
		got[r.Name], lines[r.Name] = r.Version, r.Line
	}
	want := map[string]string{"numpy": "1.26.4", "scikit-learn": "1.5.0", "pandas": "", "torch": "", "polars": ""}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pins %v, want %v", got, want)
	}
	if lines["numpy"] != 4 || lines["scikit-learn"] != 7 || lines["polars"] != 10 {
		t.Errorf("lines %v", lines)
	}
	l := &lockFile{Reqs: reqs}
	if l.Locked() || !reflect.DeepEqual(l.Unpinned(), []string{"pandas", "torch", "polars"}) {
		t.Errorf("locked %v, unpinned %v", l.Locked(), l.Unpinned())
	}
}

func TestParseRequirementsRefuses(t *testing.T) {
	for src, want := range map[string]string{
		"a==1\n-r other.txt\n": "2: includes another file (-r)",
		"-c constraints.txt\n": "1: includes another file (-c)",
		"-e ./mypkg\n":         "1: an editable requirement cannot be locked",
		"numpy==1\n==2.0\n":    `2: "==2.0" is not a requirement`,
		"x==1\n\n  @@bad\n":    `3: "@@bad" is not a requirement`,
		"ok==1 \\\n  --hash=x": "",
	} {
		_, err := parseRequirements([]byte(src))
		if want == "" {
			if err != nil {
				t.Errorf("%q: %v", src, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", src, err, want)
		}
	}
}

func TestParseLockFiles(t *testing.T) {
	uv := `version = 1
requires-python = ">=3.11"

[[package]]
name = "myproject"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "numpy" }]

[[package]]
name = "numpy"
version = "2.0.1"
source = { registry = "https://pypi.org/simple" }
wheels = [
    { url = "https://x/numpy.whl", hash = "sha256:cc" },
]

[package.optional-dependencies]
fast = [{ name = "Numba" }]

[[package]]
name = "Typing_Extensions"
version = "4.12.2"
source = { registry = "https://pypi.org/simple" }
`
	reqs, err := parseTOMLPackages([]byte(uv), true)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range reqs {
		got = append(got, r.Text)
	}
	if want := []string{"numpy==2.0.1", "typing-extensions==4.12.2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("uv.lock: %v, want %v", got, want)
	}
	poetry := "[[package]]\nname = \"requests\"\nversion = \"2.32.3\"\ndescription = \"HTTP\"\n\n[package.dependencies]\nidna = \">=2.5\"\n\n[metadata]\nlock-version = \"2.0\"\n"
	reqs, err = parseTOMLPackages([]byte(poetry), false)
	if err != nil || len(reqs) != 1 || reqs[0].Text != "requests==2.32.3" || reqs[0].Line != 1 {
		t.Errorf("poetry.lock: %+v %v", reqs, err)
	}
	if _, err := parseTOMLPackages([]byte("[[package]]\nname = \"x\"\n"), false); err == nil || !strings.Contains(err.Error(), "1: package x has no version") {
		t.Errorf("a package without a version: %v", err)
	}
}

func TestReadLockFileChoosesTheFormatByName(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"requirements.txt": "a==1\n",
		"uv.lock":          "[[package]]\nname = \"a\"\nversion = \"1\"\n",
		"poetry.lock":      "[[package]]\nname = \"a\"\nversion = \"1\"\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		l, err := readLockFile(p)
		if err != nil || len(l.Reqs) != 1 || l.Reqs[0].Version != "1" || !l.Locked() {
			t.Errorf("%s: %+v %v", name, l, err)
		}
	}
	if _, err := readLockFile(filepath.Join(dir, "missing.txt")); err == nil || !strings.Contains(err.Error(), "with.requirements") {
		t.Errorf("missing file: %v", err)
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{"Scikit_Learn": "scikit-learn", "zope.interface": "zope-interface", "a--b__c": "a-b-c", "PyYAML": "pyyaml"} {
		if got := NormalizeName(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

func FuzzParseRequirements(f *testing.F) {
	f.Add([]byte("numpy==1.26.4 \\\n  --hash=sha256:aa\n-r x\n"))
	f.Add([]byte("[[package]]\nname = \"a\"\nversion = \"1\"\nsource = { editable = \".\" }\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if reqs, err := parseRequirements(b); err == nil {
			for _, r := range reqs {
				if r.Name == "" || r.Line < 1 {
					t.Fatalf("requirement without a name or line: %+v", r)
				}
			}
		}
		if reqs, err := parseTOMLPackages(b, true); err == nil {
			for _, r := range reqs {
				if r.Version == "" {
					t.Fatalf("package without a version: %+v", r)
				}
			}
		}
	})
}
