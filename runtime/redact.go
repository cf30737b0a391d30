package runtime

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/rs/zerolog"
)

// secretName matches environment variable names whose values must never be
// recorded: tokens, keys, secrets, passwords, credentials.
var secretName = regexp.MustCompile(`(?i)(TOKEN|KEY|SECRET|PASSWORD|PASSWD|PASS|CREDENTIAL|AUTH|PRIVATE|SESSION|COOKIE|SIGNATURE|CERT)`)

// IsSecretName reports whether an environment variable's value is treated as a secret.
func IsSecretName(name string) bool { return secretName.MatchString(name) }

// Redacted is what replaces a secret value.
const Redacted = "[redacted]"

// secretValues returns the values of secret-looking environment variables
// that are long enough to be worth hiding, longest first.
func secretValues() []string {
	var vals []string
	for _, kv := range os.Environ() {
		i := strings.IndexByte(kv, '=')
		if i <= 0 {
			continue
		}
		if IsSecretName(kv[:i]) && len(kv)-i-1 >= 6 {
			vals = append(vals, kv[i+1:])
		}
	}
	sort.Slice(vals, func(a, b int) bool { return len(vals[a]) > len(vals[b]) })
	return vals
}

// redactingWriter writes whole lines to w with secret environment values
// replaced, so a command that prints its environment leaves no secret in
// the workspace.
type redactingWriter struct {
	mu      sync.Mutex
	w       io.Writer
	secrets [][]byte
	buf     []byte
}

func newRedactingWriter(w io.Writer) *redactingWriter {
	rw := &redactingWriter{w: w}
	for _, s := range secretValues() {
		rw.secrets = append(rw.secrets, []byte(s))
	}
	return rw
}

// Write implements io.Writer; output is passed on line by line.
func (r *redactingWriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = append(r.buf, p...)
	if i := bytes.LastIndexByte(r.buf, '\n'); i >= 0 {
		if err := r.emit(r.buf[:i+1]); err != nil {
			return 0, err
		}
		r.buf = append(r.buf[:0], r.buf[i+1:]...)
	} else if len(r.buf) > 1<<16 {
		if err := r.emit(r.buf); err != nil {
			return 0, err
		}
		r.buf = r.buf[:0]
	}
	return len(p), nil
}

func (r *redactingWriter) emit(b []byte) error {
	for _, s := range r.secrets {
		if bytes.Contains(b, s) {
			b = bytes.ReplaceAll(b, s, []byte(Redacted))
		}
	}
	_, err := r.w.Write(b)
	return err
}

// Flush writes what is left of an unterminated last line.
func (r *redactingWriter) Flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.buf) > 0 {
		_ = r.emit(r.buf)
		r.buf = r.buf[:0]
	}
}

// stageLogHook copies a stage's log messages into its log file.
type stageLogHook struct{ w io.Writer }

// Run implements zerolog.Hook.
func (h stageLogHook) Run(_ *zerolog.Event, level zerolog.Level, msg string) {
	if msg != "" {
		_, _ = io.WriteString(h.w, level.String()+": "+msg+"\n")
	}
}
