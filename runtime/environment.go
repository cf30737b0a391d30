package runtime

import (
	"bufio"
	"os"
	goruntime "runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
)

// Version is the engine's release version.
const Version = "0.1.0"

// recordedVars are the environment variables (by prefix or exact name) a
// manifest records, because they can change what a run computes.
var recordedVars = []string{"PIPELINE_", "GOMLX_", "XLA_", "PJRT_", "CUDA_VISIBLE_DEVICES", "GOMAXPROCS", "GOGC", "GOMEMLIMIT", "OMP_NUM_THREADS", "LANG", "LC_ALL", "TZ", "NO_COLOR"}

// EngineInfo describes this binary.
func EngineInfo() artifacts.Engine {
	e := artifacts.Engine{Version: Version, GoVersion: goruntime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		dirty := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				e.VCSRevision = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
		if dirty && e.VCSRevision != "" {
			e.VCSRevision += "+dirty"
		}
	}
	return e
}

// EnvironmentInfo describes this machine, with secret variables redacted.
func EnvironmentInfo() artifacts.Environment {
	host, _ := os.Hostname()
	env := artifacts.Environment{
		OS: goruntime.GOOS, Arch: goruntime.GOARCH, Hostname: host, CPUs: goruntime.NumCPU(),
		MemoryBytes: memTotal(), GPU: gpuName(), Variables: map[string]string{},
	}
	for _, kv := range os.Environ() {
		i := strings.IndexByte(kv, '=')
		if i <= 0 {
			continue
		}
		name, val := kv[:i], kv[i+1:]
		if !recorded(name) {
			continue
		}
		if IsSecretName(name) {
			val = Redacted
		}
		env.Variables[name] = artifacts.RedactURL(val)
	}
	return env
}

func recorded(name string) bool {
	for _, p := range recordedVars {
		if name == p || (strings.HasSuffix(p, "_") && strings.HasPrefix(name, p)) {
			return true
		}
	}
	return false
}

func memTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// gpuName reads the model of the first NVIDIA GPU the driver exposes, if any.
func gpuName() string {
	entries, err := os.ReadDir("/proc/driver/nvidia/gpus")
	if err != nil || len(entries) == 0 {
		return ""
	}
	b, err := os.ReadFile("/proc/driver/nvidia/gpus/" + entries[0].Name() + "/information")
	if err != nil {
		return "nvidia"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "Model:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "Model:"))
		}
	}
	return "nvidia"
}
