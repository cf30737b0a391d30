package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"os/signal"
	goruntime "runtime"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/runtime/temporalexec"
)

func init() { extraCommands = append(extraCommands, newWorkerCmd) }

func newWorkerCmd() *cobra.Command {
	var (
		tf                 temporalFlags
		remoteURL, wsDir   string
		queues             string
		cpuSlots, gpuSlots int
	)
	c := &cobra.Command{
		Use:   "worker",
		Short: "Execute the stages of distributed runs: poll Temporal task queues and run each stage as exec-stage",
		Long: `Run on every machine of a distributed setup, with the same binary and the
same remote store as the runs. Each stage is executed by a child
` + "`pipeline exec-stage KEY`" + `, which dies with the worker; the worker heartbeats while
it runs, so when a machine is lost Temporal gives its stage to another worker.
Stages asking for a GPU (` + "`resources: {gpu: 1}`" + `) are on the gpu queue; all others on cpu.`,
		Args: exactArgs(0),
		RunE: func(c *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			log := logger()
			rs, url, err := openShared(ctx, remoteURL, log)
			if err != nil {
				return err
			}
			defer rs.Close()
			ws, err := workerWorkspace(wsDir)
			if err != nil {
				return err
			}
			if err := ws.Init(); err != nil {
				return err
			}
			exe, err := os.Executable()
			if err != nil {
				return failure("finding this binary: %v", err)
			}
			var qs []string
			for _, q := range strings.Split(queues, ",") {
				if q = strings.TrimSpace(q); q != "" {
					qs = append(qs, q)
				}
			}
			if len(qs) == 0 {
				return usageError("--queues names no queue")
			}
			tc, err := tf.dial(log)
			if err != nil {
				return err
			}
			defer tc.Close()
			var passOn []string
			if globals.quiet {
				passOn = append(passOn, "--quiet")
			}
			// Children log JSON lines; rendered like this worker's own logs.
			var childLogs io.Writer = c.ErrOrStderr()
			if globals.logFormat != "json" {
				childLogs = renderedJSON{console: zerolog.ConsoleWriter{Out: c.ErrOrStderr(), TimeFormat: time.TimeOnly, NoColor: noColor()}, raw: c.ErrOrStderr()}
			}
			acts := &temporalexec.Activities{
				Workspace: ws, Remote: rs, RemoteURL: url, Output: childLogs, Log: log,
				Command: func(args ...string) *exec.Cmd {
					return exec.Command(exe, append(append([]string{}, passOn...), args...)...)
				},
			}
			log.Info().Strs("queues", qs).Str("workspace", ws.Root).Msg("worker started")
			return temporalexec.Serve(ctx, tc, qs, map[string]int{temporalexec.CPUQueue: cpuSlots, temporalexec.GPUQueue: gpuSlots}, acts)
		},
	}
	tf.add(c)
	c.Flags().StringVar(&remoteURL, "remote", "", "shared store (default $PIPELINE_REMOTE)")
	c.Flags().StringVar(&wsDir, "workspace", "", "this machine's workspace (default: the user cache directory's pipeline/worker)")
	c.Flags().StringVar(&queues, "queues", "cpu", "task queues to serve, comma-separated (cpu, gpu)")
	c.Flags().IntVar(&cpuSlots, "cpu-slots", goruntime.NumCPU(), "stages of the cpu queue run at once")
	c.Flags().IntVar(&gpuSlots, "gpu-slots", 1, "stages of the gpu queue run at once")
	return c
}

// renderedJSON renders JSON log lines as text, passing anything else (a
// panic's trace) through unchanged.
type renderedJSON struct {
	console zerolog.ConsoleWriter
	raw     io.Writer
}

func (r renderedJSON) Write(p []byte) (int, error) {
	if len(p) > 0 && p[0] == '{' {
		if _, err := r.console.Write(p); err == nil {
			return len(p), nil
		}
	}
	return r.raw.Write(p)
}
