package exec

import (
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/exec/sandbox"
)

// noSandbox remembers, for the life of the process, that this system cannot
// make the sandbox's namespaces (said once, then every command runs plain;
// the engine then checks after each stage that its inputs are unchanged).
var noSandbox struct {
	mu     sync.Mutex
	reason error
}

// start starts args with the environment vars in the stage's sandbox, or as
// a plain child when the stage asks for none or the system cannot make one.
func start(env *stages.Env, args, vars []string) (*osexec.Cmd, error) {
	mode, err := sandbox.ParseMode(env.Sandbox.Mode)
	if err != nil {
		return nil, err
	}
	out := env.Output
	if mode != sandbox.None && sandboxUsable() {
		tmp := filepath.Join(env.ScratchDir, "tmp")
		if err := os.MkdirAll(tmp, 0o700); err != nil {
			return nil, fmt.Errorf("creating the stage's temporary directory: %w", err)
		}
		spec := sandbox.Spec{Mode: mode, ReadOnly: env.Sandbox.ReadOnly, Writable: env.Sandbox.Writable, TempDir: tmp, Args: args}
		// Root needs no user namespace (one would hide its capabilities on
		// some systems); anyone else does. Each is tried before giving up.
		first := os.Geteuid() != 0
		var lastErr error
		for _, userNS := range []bool{first, !first} {
			cmd, err := sandbox.Command(spec, userNS)
			if err != nil {
				return nil, err
			}
			cmd.Dir, cmd.Stdout, cmd.Stderr = env.WorkDir, out, out
			cmd.Env = sandbox.EnvWithSpec(cmd, vars)
			err = cmd.Start()
			if err == nil {
				return cmd.Cmd, nil
			}
			if !sandbox.Unavailable(err) {
				return nil, fmt.Errorf("starting `sh -c` in its sandbox: %w", err)
			}
			lastErr = err
		}
		markUnusable(lastErr)
		env.Log.Warn().Err(lastErr).Msg("this system cannot make a sandbox for commands (namespaces are not allowed); running them unsandboxed, and checking after each stage that it did not change its inputs")
	}
	cmd := osexec.Command(args[0], args[1:]...)
	cmd.Dir, cmd.Stdout, cmd.Stderr, cmd.Env = env.WorkDir, out, out, vars
	// Its own process group, so cancelling kills all it started; killed
	// with the process running the stage, so a lost worker leaves nothing.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting `sh -c`: %w", err)
	}
	return cmd, nil
}

func sandboxUsable() bool {
	noSandbox.mu.Lock()
	defer noSandbox.mu.Unlock()
	return noSandbox.reason == nil
}

func markUnusable(err error) {
	noSandbox.mu.Lock()
	defer noSandbox.mu.Unlock()
	noSandbox.reason = err
}
