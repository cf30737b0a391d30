package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"

	"github.com/mlpipe/pipeline/artifacts/remote"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/temporalexec"
)

// temporalFlags say where the Temporal service is.
type temporalFlags struct {
	address   string
	namespace string
}

func (f *temporalFlags) add(c *cobra.Command) {
	c.Flags().StringVar(&f.address, "temporal", "", "Temporal frontend HOST:PORT (default $PIPELINE_TEMPORAL, else 127.0.0.1:7233)")
	c.Flags().StringVar(&f.namespace, "namespace", "", "Temporal namespace (default $PIPELINE_TEMPORAL_NAMESPACE, else default)")
}

// dial connects to Temporal. The SDK's own logs are kept to warnings.
func (f *temporalFlags) dial(log zerolog.Logger) (client.Client, error) {
	addr := firstNonEmpty(f.address, os.Getenv("PIPELINE_TEMPORAL"), "127.0.0.1:7233")
	ns := firstNonEmpty(f.namespace, os.Getenv("PIPELINE_TEMPORAL_NAMESPACE"), "default")
	c, err := client.Dial(client.Options{HostPort: addr, Namespace: ns, Logger: temporalexec.Logger(log.Level(zerolog.WarnLevel))})
	if err != nil {
		return nil, failure("connecting to Temporal at %s (namespace %s): %v", addr, ns, err)
	}
	return c, nil
}

// openShared opens the remote store a distributed command requires.
func openShared(ctx context.Context, url string, log zerolog.Logger) (*remote.Store, string, error) {
	url = firstNonEmpty(url, os.Getenv("PIPELINE_REMOTE"))
	if url == "" {
		return nil, "", usageError("a distributed run needs a shared store: pass --remote URL or set PIPELINE_REMOTE")
	}
	rs, err := remote.Open(ctx, url, remote.WithLogger(log))
	if err != nil {
		return nil, "", usageError("opening the remote store: %v", err)
	}
	if rs.ReadOnly() {
		rs.Close()
		return nil, "", usageError("the remote store %s is read-only; a distributed run must write to it", url)
	}
	return rs, url, nil
}

// workerWorkspace is the workspace of a worker or an exec-stage process.
func workerWorkspace(dir string) (*runtime.Workspace, error) {
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return nil, usageError("no --workspace given and no cache directory: %v", err)
		}
		dir = filepath.Join(cache, "pipeline", "worker")
	}
	ws, err := runtime.OpenWorkspace(dir)
	if err != nil {
		return nil, fmt.Errorf("opening workspace: %w", err)
	}
	return ws, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
