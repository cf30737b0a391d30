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
	_, err := resolveXLA(name)
	return err
}

// resolveXLA returns what GoMLX is to load for an XLA backend name: a plugin
// name GoMLX finds itself, or an absolute path (given, or found where pip
// installs plugins in PJRT_PLUGIN_LIBRARY_PATH).
func resolveXLA(name string) (string, error) {
	p := plugin(name)
	if filepath.IsAbs(p) {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("backend %q: PJRT plugin %s: %w", name, p, err)
		}
		return p, nil
	}
	available := xla.GetAvailablePlugins()
	for _, a := range available {
		if a == p {
			return p, nil
		}
	}
	if path := findPipPlugin(p, os.Getenv(PluginPathEnv)); path != "" {
		return path, nil
	}
	return "", fmt.Errorf("backend %q: no PJRT plugin %q found (available: %v); set %s to the folder a plugin was pip-installed into (for the CPU: pip install --target DIR lammps-jax-pjrt-cpu==0.11.2, then DIR; for JAX's CUDA plugin, site-packages/jax_plugins) or give an absolute path, e.g. xla:/abs/path/pjrt_c_api_cpu_plugin.so", name, p, available, PluginPathEnv)
}

func openXLA(name string) (backends.Backend, error) {
	p, err := resolveXLA(name)
	if err != nil {
		return nil, err
	}
	if filepath.IsAbs(p) && isCUDAPlugin(p) {
		prepareCUDA(p)
	}
	cfg := "xla:" + p
	b, err := backends.NewWithConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating XLA backend %q: %w", cfg, err)
	}
	return b, nil
}

// prepareCUDA points XLA at the NVIDIA libraries installed beside a CUDA
// plugin (site-packages/nvidia for JAX's), unless XLA_FLAGS already names a
// folder, and turns off go-xla's own guess, which looks only one level up and,
// when it finds the folder, names a path from its author's machine instead.
func prepareCUDA(pluginPath string) {
	if _, set := os.LookupEnv("GOPJRT_CUDA_CHECKS"); !set {
		_ = os.Setenv("GOPJRT_CUDA_CHECKS", "0")
	}
	if flags := withCUDADataDir(os.Getenv("XLA_FLAGS"), cudaDataDir(pluginPath)); flags != "" {
		_ = os.Setenv("XLA_FLAGS", flags)
	}
}
