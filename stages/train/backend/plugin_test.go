package backend

import (
	"os"
	"path/filepath"
	"testing"
)

func touch(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("ELF"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFindPipPlugin lays out a site-packages folder as jax-cuda13-pjrt and
// lammps-jax-pjrt-cpu install it and resolves "cuda" from the plugin's folder
// and from jax_plugins/, and "cpu" from site-packages itself.
func TestFindPipPlugin(t *testing.T) {
	sp := t.TempDir()
	plugin := filepath.Join(sp, "jax_plugins", "xla_cuda13", "xla_cuda_plugin.so")
	touch(t, plugin)
	cpu := filepath.Join(sp, "lammps_jax_pjrt_cpu", "pjrt_c_api_cpu_plugin.so")
	touch(t, cpu)
	if err := os.MkdirAll(filepath.Join(sp, "nvidia", "cu13"), 0o755); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	tests := []struct {
		name, plugin, path, want string
	}{
		{"plugin folder", "cuda", filepath.Dir(plugin), plugin},
		{"jax_plugins folder", "cuda", filepath.Join(sp, "jax_plugins"), plugin},
		{"second folder of the list", "cuda", empty + string(os.PathListSeparator) + filepath.Join(sp, "jax_plugins"), plugin},
		{"other plugin", "rocm", filepath.Join(sp, "jax_plugins"), ""},
		{"cpu plugin one folder down", "cpu", sp, cpu},
		{"cpu plugin not two folders down", "cpu", filepath.Dir(sp), ""},
		{"empty search path", "cuda", "", ""},
		{"pattern characters", "cu*", filepath.Join(sp, "jax_plugins"), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := findPipPlugin(tc.plugin, tc.path); got != tc.want {
				t.Errorf("findPipPlugin(%q, %q) = %q, want %q", tc.plugin, tc.path, got, tc.want)
			}
		})
	}
	if got, want := cudaDataDir(plugin), filepath.Join(sp, "nvidia"); got != want {
		t.Errorf("cudaDataDir = %q, want %q", got, want)
	}
	if got := cudaDataDir(filepath.Join(empty, "xla_cuda_plugin.so")); got != "" {
		t.Errorf("cudaDataDir without an nvidia folder = %q, want \"\"", got)
	}
}

func TestWithCUDADataDir(t *testing.T) {
	tests := []struct{ flags, dir, want string }{
		{"", "/sp/nvidia", "--xla_gpu_cuda_data_dir=/sp/nvidia"},
		{"--xla_dump_to=/tmp/d", "/sp/nvidia", "--xla_dump_to=/tmp/d --xla_gpu_cuda_data_dir=/sp/nvidia"},
		{"--xla_gpu_cuda_data_dir=/mine", "/sp/nvidia", "--xla_gpu_cuda_data_dir=/mine"},
		{"--xla_dump_to=/tmp/d", "", "--xla_dump_to=/tmp/d"},
	}
	for _, tc := range tests {
		if got := withCUDADataDir(tc.flags, tc.dir); got != tc.want {
			t.Errorf("withCUDADataDir(%q, %q) = %q, want %q", tc.flags, tc.dir, got, tc.want)
		}
	}
	for _, p := range []string{"cuda", "/x/xla_cuda_plugin.so", "/x/pjrt_c_api_cuda_plugin.so"} {
		if !isCUDAPlugin(p) {
			t.Errorf("isCUDAPlugin(%q) = false", p)
		}
	}
	if isCUDAPlugin("cpu") || isCUDAPlugin("/cuda/pjrt_c_api_cpu_plugin.so") {
		t.Error("a CPU plugin was taken for a CUDA one")
	}
}
