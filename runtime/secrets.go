package runtime

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/mlpipe/pipeline/pipeline"
)

// SecretKeyEnv names the environment variable that, when set, is the key of
// the hashes standing for secrets in stage keys, instead of the workspace's
// own random key (`.pipeline/secret.key`). Machines that share a remote
// cache and should compute the same keys for stages using secrets set it to
// the same value.
const SecretKeyEnv = "PIPELINE_SECRET_KEY"

// maxSecretFile bounds a secret read from a NAME_FILE file.
const maxSecretFile = 64 << 10

// minRedactedSecret is the shortest secret value hidden in logs; shorter
// ones would blank out ordinary text.
const minRedactedSecret = 4

// secretBook resolves the secrets of a graph when stages need them: a
// reference `${secret:NAME}` from the environment variable NAME, or from
// the file named by NAME_FILE; a literal from the graph. Values stay in
// memory; stage keys hold their keyed hashes.
type secretBook struct {
	g  *pipeline.Graph
	ws *Workspace
	// readOnly keeps the book from creating the workspace's key: a missing
	// key means nothing was ever keyed with one, so an ephemeral key serves.
	readOnly bool

	keyOnce sync.Once
	key     []byte
	keyErr  error

	mu   sync.Mutex
	vals map[string]string
}

func newSecretBook(g *pipeline.Graph, ws *Workspace, readOnly bool) *secretBook {
	return &secretBook{g: g, ws: ws, readOnly: readOnly, vals: map[string]string{}}
}

// values returns the values of the secrets n uses, by name.
func (b *secretBook) values(n *pipeline.Node) (map[string]string, error) {
	if len(n.Secrets) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(n.Secrets))
	for _, name := range n.Secrets {
		v, err := b.value(name)
		if err != nil {
			return nil, fmt.Errorf("stage %s: %w", n.Name, err)
		}
		out[name] = v
	}
	return out, nil
}

// digests returns the keyed hash of each secret n uses, by name.
func (b *secretBook) digests(n *pipeline.Node) (map[string]string, error) {
	vals, err := b.values(n)
	if err != nil || vals == nil {
		return nil, err
	}
	b.keyOnce.Do(b.loadKey)
	if b.keyErr != nil {
		return nil, b.keyErr
	}
	out := make(map[string]string, len(vals))
	for name, v := range vals {
		m := hmac.New(sha256.New, b.key)
		io.WriteString(m, v)
		out[name] = "hmac-sha256:" + hex.EncodeToString(m.Sum(nil))
	}
	return out, nil
}

// value resolves one secret.
func (b *secretBook) value(name string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if v, ok := b.vals[name]; ok {
		return v, nil
	}
	s, ok := b.g.Secrets[name]
	if !ok {
		return "", fmt.Errorf("secret `%s` is not one the definition uses", name)
	}
	var v string
	if s.Inline {
		v = s.Value()
	} else {
		var err error
		if v, err = lookupSecret(name); err != nil {
			return "", err
		}
	}
	b.vals[name] = v
	return v, nil
}

// lookupSecret reads a referenced secret from the environment.
func lookupSecret(name string) (string, error) {
	if v := os.Getenv(name); v != "" {
		return v, nil
	}
	path := os.Getenv(name + "_FILE")
	if path == "" {
		return "", fmt.Errorf("secret `%s` is not set: export %s, or %s_FILE naming a file that holds it", name, name, name)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("reading secret `%s` from %s_FILE: %w", name, name, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return "", fmt.Errorf("reading secret `%s` from %s: %w", name, path, err)
	}
	if len(data) > maxSecretFile {
		return "", fmt.Errorf("secret `%s`: %s is over %d KiB; a secret file holds one value", name, path, maxSecretFile>>10)
	}
	v := strings.TrimRight(string(data), "\r\n")
	if v == "" {
		return "", fmt.Errorf("secret `%s`: %s is empty", name, path)
	}
	return v, nil
}

// loadKey reads (or, unless read-only, creates) the workspace's secret key.
func (b *secretBook) loadKey() {
	if k := os.Getenv(SecretKeyEnv); k != "" {
		b.key = []byte(k)
		return
	}
	path := b.ws.SecretKeyPath()
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if b.key, err = hex.DecodeString(strings.TrimSpace(string(data))); err != nil || len(b.key) < 16 {
			b.keyErr = fmt.Errorf("reading the secret key %s: not a hex key of at least 16 bytes (remove it to make a new one; stages using secrets then re-run)", path)
		}
		return
	case !errors.Is(err, fs.ErrNotExist):
		b.keyErr = fmt.Errorf("reading the secret key: %w", err)
		return
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		b.keyErr = fmt.Errorf("making a secret key: %w", err)
		return
	}
	b.key = key
	if b.readOnly {
		return
	}
	if err := createKeyFile(path, key); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Another run made it first: use that one.
			b.loadKeyRetry()
			return
		}
		b.keyErr = err
	}
}

// loadKeyRetry reads a key file another process has just created.
func (b *secretBook) loadKeyRetry() {
	data, err := os.ReadFile(b.ws.SecretKeyPath())
	if err != nil {
		b.keyErr = fmt.Errorf("reading the secret key: %w", err)
		return
	}
	if b.key, err = hex.DecodeString(strings.TrimSpace(string(data))); err != nil {
		b.keyErr = fmt.Errorf("reading the secret key %s: %w", b.ws.SecretKeyPath(), err)
	}
}

// createKeyFile writes a new key readable by its owner only; it fails with
// fs.ErrExist when the file is already there.
func createKeyFile(path string, key []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("making the secret key: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".secret.key.*")
	if err != nil {
		return fmt.Errorf("making the secret key: %w", err)
	}
	defer os.Remove(tmp.Name())
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.WriteString(hex.EncodeToString(key) + "\n")
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("making the secret key %s: %w", path, err)
	}
	// A hard link publishes the whole file, or fails when one is there.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return fmt.Errorf("making the secret key %s: %w", path, err)
	}
	return nil
}

// redactable returns the values among vals long enough to hide in logs.
func redactable(vals map[string]string) []string {
	var out []string
	for _, v := range vals {
		if len(v) >= minRedactedSecret {
			out = append(out, v)
		}
	}
	// Longest first, so that a secret holding another is hidden whole.
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// redactedError is an error whose message has secret values hidden.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactError hides the secrets' values in err's message (a stage's error
// may quote a command line or a connection string).
func redactError(err error, secrets map[string]string) error {
	msg := err.Error()
	red := msg
	for _, v := range redactable(secrets) {
		red = strings.ReplaceAll(red, v, Redacted)
	}
	if red == msg {
		return err
	}
	return &redactedError{msg: red, err: err}
}
