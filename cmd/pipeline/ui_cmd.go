package main

import (
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/ui"
)

func init() { extraCommands = append(extraCommands, newUICmd) }

func newUICmd() *cobra.Command {
	var workspace, addr string
	var remote bool
	c := &cobra.Command{
		Use:   "ui",
		Short: "Serve the workspace's runs as web pages on a loopback address",
		Args:  exactArgs(0),
		RunE: func(c *cobra.Command, args []string) error {
			if !remote {
				if err := ui.CheckLoopback(addr); err != nil {
					return usageError("--addr: %v", err)
				}
			}
			ws, err := runtime.OpenWorkspace(workspace)
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listening on %s: %w", addr, err)
			}
			// The address listened on, which differs from --addr for port 0.
			fmt.Fprintf(c.OutOrStdout(), "serving %s on http://%s/\n", ws.Root, ln.Addr())
			srv := &http.Server{Handler: ui.New(ws).Handler(), ReadHeaderTimeout: 10 * time.Second}
			return srv.Serve(ln)
		},
	}
	c.Flags().StringVar(&workspace, "workspace", ".pipeline", "workspace directory")
	c.Flags().StringVar(&addr, "addr", "127.0.0.1:8321", "address to listen on (port 0: any free port, printed)")
	c.Flags().BoolVar(&remote, "allow-remote", false, "allow a non-loopback --addr")
	return c
}
