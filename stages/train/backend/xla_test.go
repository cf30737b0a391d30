//go:build xla

package backend

import (
	"os"
	"strings"
	"testing"
)

// TestXLAMissingPluginIsAnError runs only in an XLA build (-tags xla): a
// plugin that is not installed is a clear error, and nothing is downloaded.
func TestXLAMissingPluginIsAnError(t *testing.T) {
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", t.TempDir())
	err := Check("xla:nosuchplugin", "float32")
	if err == nil || !strings.Contains(err.Error(), `no PJRT plugin "nosuchplugin"`) {
		t.Fatalf("Check = %v, want a missing-plugin error", err)
	}
	if os.Getenv("GOMLX_NO_AUTO_INSTALL") != "1" {
		t.Fatal("GOMLX_NO_AUTO_INSTALL is not set: XLA could download plugins")
	}
	if err := Check("xla:/no/such/plugin.so", "float32"); err == nil {
		t.Fatal("a missing absolute plugin path was accepted")
	}
}
