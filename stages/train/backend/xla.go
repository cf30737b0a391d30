//go:build xla

package backend

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/xla"
)

// XLACompiled reports whether this build includes the XLA backend.
const XLACompiled = true

func init() {
	// Never download a PJRT plugin: there may be no network, and a training
	// must not fetch code behind the user's back.
	_ = os.Setenv(xla.NoAutoInstallEnv, "1")
	xla.EnableAutoInstall(false)
}

// plugin returns the plugin named by an XLA backend name: "cpu" for "xla",
// the part after the colon otherwise.
func plugin(name string) string {
	if p, ok := strings.CutPrefix(name, "xla:"); ok && p != "" {
		return strings.SplitN(p, ",", 2)[0]
	}
	return "cpu"
}

func checkXLA(name string) error {
	p := plugin(name)
	if filepath.IsAbs(p) {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("backend %q: PJRT plugin %s: %w", name, p, err)
		}
		return nil
	}
	available := xla.GetAvailablePlugins()
	for _, a := range available {
		if a == p {
			return nil
		}
	}
	return fmt.Errorf("backend %q: no PJRT plugin %q found (available: %v); set PJRT_PLUGIN_LIBRARY_PATH or give an absolute path, e.g. xla:/abs/path/xla_cuda_plugin.so", name, p, available)
}

func openXLA(name string) (backends.Backend, error) {
	if err := checkXLA(name); err != nil {
		return nil, err
	}
	cfg := "xla:" + plugin(name)
	b, err := backends.NewWithConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating XLA backend %q: %w", cfg, err)
	}
	return b, nil
}
