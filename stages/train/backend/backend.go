// Package backend chooses and checks the GoMLX backend a training or an
// evaluation runs on.
//
// SimpleGo (`go`, pure Go) is the default and is always compiled in; it runs
// with "ops_sequential", which avoids the worker-pool deadlock SimpleGo v0.26.0
// shows on 2 CPUs and keeps results deterministic. XLA (`xla`, `xla:cpu`,
// `xla:cuda`, or `xla:/abs/path/plugin.so`) is compiled in only with the build
// tag `xla`, and never downloads a plugin.
package backend

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/gomlx/gomlx/backends"
	_ "github.com/gomlx/gomlx/backends/simplego" // registers "go"

	"github.com/mlpipe/pipeline/stages/train/backend/axisops"
	"github.com/mlpipe/pipeline/stages/train/backend/gemm"
)

// GoMLXVersion is the GoMLX release the train and eval kinds compute with
// (go.mod requires it; a test keeps the two equal). It enters their keys: a
// new release may change the numbers a model computes.
const GoMLXVersion = "v0.26.0"

// DotKernels names the float32 matrix-multiply kernels SimpleGo computes with
// in this process (see package gemm). With GoMLXVersion it enters the keys of
// the kinds that compute with GoMLX: another summation order gives other
// bits. It installs them if that was not done yet.
func DotKernels() string { return gemm.Implementation() }

// Default is the backend used when none is asked for.
const Default = "go"

// SimpleGoConfig is the configuration SimpleGo is created with.
const SimpleGoConfig = "go:ops_sequential"

// DTypes lists the dtypes each backend family trains in, in the order shown in errors.
var DTypes = map[string][]string{
	"go":  {"float32", "float64", "bfloat16"},
	"xla": {"float32", "float64", "bfloat16", "float16"},
}

// Family returns "go" or "xla" for a backend name, or an error naming the
// accepted names.
func Family(name string) (string, error) {
	switch {
	case name == "" || name == "go":
		return "go", nil
	case name == "xla" || strings.HasPrefix(name, "xla:"):
		return "xla", nil
	}
	return "", fmt.Errorf("unknown backend %q: use go, xla, xla:cpu, xla:cuda or xla:/path/to/plugin.so", name)
}

// Check reports whether the backend name is valid, available in this build and
// on this machine, and able to train in dtype. It creates nothing and writes
// nothing; an XLA check looks for the plugin without loading it.
func Check(name, dtype string) error {
	fam, err := Family(name)
	if err != nil {
		return err
	}
	if !slices.Contains(DTypes[fam], dtype) {
		return fmt.Errorf("backend %q cannot train in dtype %q: it supports %s",
			displayName(name), dtype, strings.Join(DTypes[fam], ", "))
	}
	if fam == "xla" {
		return checkXLA(name)
	}
	return nil
}

func displayName(name string) string {
	if name == "" {
		return Default
	}
	return name
}

var (
	openMu sync.Mutex
	opened = map[string]backends.Backend{}
)

// Open returns the backend for name, creating it on first use. Backends are
// shared by every caller in the process and never finalized.
func Open(name string) (backends.Backend, error) {
	fam, err := Family(name)
	if err != nil {
		return nil, err
	}
	openMu.Lock()
	defer openMu.Unlock()
	if b, ok := opened[name]; ok {
		return b, nil
	}
	var b backends.Backend
	if fam == "go" {
		// Without the micro-kernel SimpleGo keeps its own float32
		// kernels; DotKernels says which ran. The broadcasting and
		// reducing executors give SimpleGo's own bits, so they are not
		// in the key; where they cannot be installed SimpleGo's run.
		_ = gemm.Install()
		_ = axisops.Install()
		b, err = backends.NewWithConfig(SimpleGoConfig)
		if err != nil {
			return nil, fmt.Errorf("creating SimpleGo backend %q: %w", SimpleGoConfig, err)
		}
	} else {
		b, err = openXLA(name)
		if err != nil {
			return nil, err
		}
	}
	opened[name] = b
	return b, nil
}
