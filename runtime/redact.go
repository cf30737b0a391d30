package runtime

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/mlpipe/pipeline/artifacts"
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
	longest int // the longest secret's length
	buf     []byte
}

// newRedactingWriter hides the secret environment values and the extra
// values given (a stage's secret-looking params).
func newRedactingWriter(w io.Writer, extra ...string) *redactingWriter {
	rw := &redactingWriter{w: w}
	vals := append(secretValues(), extra...)
	sort.Slice(vals, func(a, b int) bool { return len(vals[a]) > len(vals[b]) })
	for _, s := range vals {
		rw.secrets = append(rw.secrets, []byte(s))
		rw.longest = max(rw.longest, len(s))
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
		// A long line without a newline (progress bars end theirs with \r):
		// hide what is whole, pass it on, and keep a tail as long as the
		// longest secret less one, which may begin one that the next write ends.
		red := r.redact(r.buf)
		cut := len(red) - max(r.longest-1, 0)
		if err := r.write(red[:cut]); err != nil {
			return 0, err
		}
		r.buf = append(r.buf[:0], red[cut:]...)
	}
	return len(p), nil
}

func (r *redactingWriter) emit(b []byte) error { return r.write(r.redact(b)) }

// redact replaces every whole secret in b.
func (r *redactingWriter) redact(b []byte) []byte {
	for _, s := range r.secrets {
		if bytes.Contains(b, s) {
			b = bytes.ReplaceAll(b, s, []byte(Redacted))
		}
	}
	return b
}

func (r *redactingWriter) write(b []byte) error {
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

// redactCommand returns a command line as a manifest may record it: URLs
// without userinfo or query, and `--set` values of secret-looking
// parameters replaced.
func redactCommand(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		switch {
		case i > 0 && args[i-1] == "--set":
			out[i] = redactAssignment(a)
		case strings.HasPrefix(a, "--set="):
			out[i] = "--set=" + redactAssignment(a[len("--set="):])
		case strings.HasPrefix(a, "--") && strings.Contains(a, "="):
			name, val, _ := strings.Cut(a, "=")
			out[i] = name + "=" + artifacts.RedactURL(val)
		default:
			out[i] = artifacts.RedactURL(a)
		}
	}
	return out
}

// redactAssignment hides the value of key=value when key looks secret, and
// any URL's secrets otherwise.
func redactAssignment(kv string) string {
	key, val, ok := strings.Cut(kv, "=")
	if !ok {
		return kv
	}
	if IsSecretName(key[strings.LastIndexByte(key, '.')+1:]) {
		return key + "=" + Redacted
	}
	return key + "=" + artifacts.RedactURL(val)
}
