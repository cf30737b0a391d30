package backend

import (
	"os"
	"path/filepath"
	"strings"
)

// PluginPathEnv is the variable listing the folders PJRT plugins are looked
// for in, as GoMLX's XLA backend reads it.
const PluginPathEnv = "PJRT_PLUGIN_LIBRARY_PATH"

// findPipPlugin looks for a plugin as pip packages install it, where GoMLX's
// own search (pjrt_c_api_NAME_plugin.so or pjrt-plugin-NAME.so directly in a
// folder of the search path) does not reach: in each folder of searchPath,
//   - xla_NAME_plugin.so, or xla_NAME*/xla_NAME_plugin.so when the folder is
//     site-packages/jax_plugins (jax-cuda13-pjrt installs
//     jax_plugins/xla_cuda13/xla_cuda_plugin.so);
//   - */pjrt_c_api_NAME_plugin.so, one folder down, when the folder is a
//     site-packages or a `pip install --target` folder (lammps-jax-pjrt-cpu
//     installs lammps_jax_pjrt_cpu/pjrt_c_api_cpu_plugin.so).
//
// It returns the absolute path of the first match, or "".
func findPipPlugin(name, searchPath string) string {
	if name == "" || strings.ContainsAny(name, `/\*?[`) {
		return ""
	}
	file := "xla_" + name + "_plugin.so"
	for _, dir := range filepath.SplitList(searchPath) {
		if dir == "" {
			continue
		}
		candidates := []string{filepath.Join(dir, file)}
		for _, pattern := range []string{filepath.Join(dir, "xla_"+name+"*", file), filepath.Join(dir, "*", "pjrt_c_api_"+name+"_plugin.so")} {
			if nested, err := filepath.Glob(pattern); err == nil {
				candidates = append(candidates, nested...)
			}
		}
		for _, c := range candidates {
			if fi, err := os.Stat(c); err == nil && fi.Mode().IsRegular() {
				if abs, err := filepath.Abs(c); err == nil {
					return abs
				}
				return c
			}
		}
	}
	return ""
}

// isCUDAPlugin reports whether a plugin name or path is NVIDIA's.
func isCUDAPlugin(plugin string) bool {
	u := strings.ToUpper(filepath.Base(plugin))
	return strings.Contains(u, "CUDA") || strings.Contains(u, "NVIDIA")
}

// cudaDataDir returns the folder of NVIDIA's pip libraries that a CUDA plugin
// at pluginPath was installed with: site-packages/nvidia, which is ../nvidia
// or ../../nvidia from the plugin file. It returns "" when neither exists.
func cudaDataDir(pluginPath string) string {
	dir := filepath.Dir(pluginPath)
	for _, c := range []string{filepath.Join(dir, "..", "nvidia"), filepath.Join(dir, "..", "..", "nvidia")} {
		if fi, err := os.Stat(c); err == nil && fi.IsDir() {
			return filepath.Clean(c)
		}
	}
	return ""
}

// withCUDADataDir returns XLA_FLAGS with --xla_gpu_cuda_data_dir=dir added,
// unless the flags already name a CUDA data folder or dir is empty.
func withCUDADataDir(flags, dir string) string {
	if dir == "" || strings.Contains(flags, "--xla_gpu_cuda_data_dir") {
		return flags
	}
	return strings.TrimSpace(flags + " --xla_gpu_cuda_data_dir=" + dir)
}
