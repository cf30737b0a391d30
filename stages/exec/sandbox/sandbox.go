//go:build linux

// Package sandbox runs a stage's command in Linux namespaces: its own PID
// namespace (so every process it starts dies with it, and with the engine),
// its own mount namespace (so the store it reads is mounted read-only), and
// with Hermetic, no network, no home directory and nothing writable but its
// output and a private temporary directory. It follows the shape of Bazel's
// linux-sandbox: the engine starts a small helper in fresh namespaces (this
// same binary, re-executed), which makes the mounts and then executes the
// command.
package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Mode says how much a stage's command is confined.
type Mode string

const (
	// ReadOnly mounts the workspace read-only except the stage's scratch
	// directory; the rest of the file system is as the user's. The default.
	ReadOnly Mode = "readonly"
	// Hermetic makes the whole file system read-only except the stage's
	// scratch directory and a private /tmp, with no network and no $HOME.
	Hermetic Mode = "hermetic"
	// None runs the command as a plain child process.
	None Mode = "none"
)

// ParseMode checks a `sandbox:` value; "" is ReadOnly.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case "", ReadOnly:
		return ReadOnly, nil
	case Hermetic, None:
		return Mode(s), nil
	}
	return "", fmt.Errorf("unknown sandbox %q (want readonly, hermetic or none)", s)
}

// Spec is what the helper needs to set the sandbox up.
type Spec struct {
	// Mode is ReadOnly or Hermetic.
	Mode Mode `json:"mode"`
	// ReadOnly are directories mounted read-only (the workspace).
	ReadOnly []string `json:"read_only"`
	// Writable are directories inside them that stay writable (the stage's scratch).
	Writable []string `json:"writable"`
	// TempDir is the command's private temporary directory (inside a
	// writable one); Hermetic points TMPDIR there.
	TempDir string `json:"temp_dir"`
	// Args is the command to execute once the mounts are made.
	Args []string `json:"args"`
}

// specVar carries the Spec from the engine to the helper.
const specVar = "PIPELINE_SANDBOX_SPEC"

// helperName is the helper's argv[0], so `ps` tells it apart from the engine.
const helperName = "pipeline-sandbox"

// statusFD is the helper's end of the setup-status pipe: the helper writes
// why setup failed there, or execs the command (which closes it, as it is
// close-on-exec) so the engine reads end-of-file.
const statusFD = 3

func init() {
	if len(os.Args) == 0 || os.Args[0] != helperName || os.Getenv(specVar) == "" {
		return
	}
	status := os.NewFile(statusFD, "sandbox-status")
	unix.CloseOnExec(statusFD)
	err := runHelper()
	fmt.Fprintf(status, "%v", err)
	os.Exit(126)
}

// Sandboxed is a command started in a sandbox.
type Sandboxed struct {
	*exec.Cmd
	status *os.File
}

// Start starts the helper and waits until it has made the sandbox and
// started the command. An error wrapping ErrSetup means the sandbox could
// not be made here (the command did not run); the caller may run it plain.
func (s *Sandboxed) Start() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	s.Cmd.ExtraFiles = []*os.File{w}
	err = s.Cmd.Start()
	w.Close()
	if err != nil {
		return err
	}
	msg, _ := io.ReadAll(io.LimitReader(r, 4096))
	if len(msg) > 0 {
		_ = s.Cmd.Wait()
		return fmt.Errorf("%w: %s", ErrSetup, msg)
	}
	return nil
}

// ErrSetup marks a sandbox whose namespaces were made but whose mounts were
// refused; nothing of the command ran.
var ErrSetup = errors.New("the sandbox could not be set up")

// Command returns a command that runs args inside a sandbox made from spec.
// The caller sets Dir, Env, Stdout and Stderr, then starts it; when starting
// fails because this system cannot make namespaces, Unavailable reports so.
func Command(spec Spec, userNS bool) (*Sandboxed, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this program to start the sandbox: %w", err)
	}
	b, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	cmd := &exec.Cmd{Path: self, Args: []string{helperName}}
	flags := uintptr(syscall.CLONE_NEWNS | syscall.CLONE_NEWPID)
	if spec.Mode == Hermetic {
		flags |= syscall.CLONE_NEWNET
	}
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if userNS {
		flags |= syscall.CLONE_NEWUSER
		uid, gid := os.Getuid(), os.Getgid()
		attr.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
		attr.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
		attr.GidMappingsEnableSetgroups = false
	}
	attr.Cloneflags = flags
	cmd.SysProcAttr = attr
	cmd.Env = []string{specVar + "=" + string(b)}
	return &Sandboxed{Cmd: cmd}, nil
}

// Unavailable reports whether err, from starting a Command, means this
// system does not let the process make the namespaces.
func Unavailable(err error) bool {
	return errors.Is(err, ErrSetup) || errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EINVAL) ||
		errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.ENOSYS)
}

// EnvWithSpec returns the environment the helper needs: env (what the
// command itself gets) plus the sandbox spec.
func EnvWithSpec(cmd *Sandboxed, env []string) []string {
	return append(env, cmd.Env...)
}

// runHelper is the helper's body, in fresh namespaces: make the mounts the
// spec asks for, then execute the command in place of this process.
func runHelper() error {
	var spec Spec
	if err := json.Unmarshal([]byte(os.Getenv(specVar)), &spec); err != nil {
		return fmt.Errorf("reading the sandbox spec: %w", err)
	}
	env := make([]string, 0, len(os.Environ()))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, specVar+"=") {
			env = append(env, kv)
		}
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("making mounts private: %w", err)
	}
	// Writable directories are bind mounts of their own, made first so that
	// the read-only pass covers them and they can be made writable again.
	for _, dir := range spec.Writable {
		if err := unix.Mount(dir, dir, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("binding %s: %w", dir, err)
		}
	}
	roots := spec.ReadOnly
	if spec.Mode == Hermetic {
		roots = []string{"/"}
	}
	for _, dir := range roots {
		if dir != "/" {
			if err := unix.Mount(dir, dir, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
				return fmt.Errorf("binding %s: %w", dir, err)
			}
		}
		if err := setReadOnly(dir, true, true); err != nil {
			return err
		}
	}
	for _, dir := range spec.Writable {
		if err := setReadOnly(dir, false, false); err != nil {
			return err
		}
	}
	if spec.Mode == Hermetic {
		// A private, empty /tmp, unless the stage's own files live under
		// /tmp (a tmpfs there would hide them); TMPDIR is private either way.
		if !anyUnder("/tmp", append(append([]string{cwd()}, spec.ReadOnly...), spec.Writable...)) {
			if err := unix.Mount("tmpfs", "/tmp", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "size=1g,mode=1777"); err != nil {
				return fmt.Errorf("mounting a private /tmp: %w", err)
			}
		}
		// The devices stay usable (/dev/null, /dev/urandom).
		_ = setReadOnly("/dev", false, false)
		env = append(withoutVar(withoutVar(env, "HOME"), "TMPDIR"), "HOME=/nonexistent", "TMPDIR="+spec.TempDir)
	}
	// A /proc of the stage's own PID namespace, where mounting one is allowed.
	_ = unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")
	if len(spec.Args) == 0 {
		return errors.New("no command to run")
	}
	path, err := exec.LookPath(spec.Args[0])
	if err != nil {
		return err
	}
	return syscall.Exec(path, spec.Args, env)
}

// setReadOnly sets or clears the read-only attribute of the mount at dir
// (and of every mount below it when recursive).
func setReadOnly(dir string, ro, recursive bool) error {
	attr := &unix.MountAttr{}
	if ro {
		attr.Attr_set = unix.MOUNT_ATTR_RDONLY
	} else {
		attr.Attr_clr = unix.MOUNT_ATTR_RDONLY
	}
	flags := uint(0)
	if recursive {
		flags = unix.AT_RECURSIVE
	}
	if err := unix.MountSetattr(-1, filepath.Clean(dir), flags, attr); err != nil {
		what := "read-only"
		if !ro {
			what = "writable"
		}
		return fmt.Errorf("making %s %s: %w", dir, what, err)
	}
	return nil
}

func withoutVar(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}

func cwd() string {
	d, _ := os.Getwd()
	return d
}

// anyUnder reports whether one of paths is dir or lies below it.
func anyUnder(dir string, paths []string) bool {
	for _, p := range paths {
		if p == dir || strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}
