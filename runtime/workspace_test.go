package runtime

import (
	"os"
	"testing"
)

func TestWorkspaceHasRun(t *testing.T) {
	ws, err := OpenWorkspace(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(ws.RunDir("20260101T000000.000Z-abcdef"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ws.RunDir("plain-file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{
		"20260101T000000.000Z-abcdef": true,
		"20260101T000000.000Z-000000": false, // no such directory
		"plain-file":                  false, // not a directory
		"":                            false,
		".":                           false,
		"..":                          false,
		"../runs":                     false,
		"a/b":                         false,
	} {
		if got := ws.HasRun(id); got != want {
			t.Errorf("HasRun(%q) = %v, want %v", id, got, want)
		}
	}
}
