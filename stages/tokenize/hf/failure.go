package hf

import (
	"fmt"
	"sync"
)

// failure records the first component that could not finish its work on
// some text (a regular expression that timed out or ran out of backtracking
// room). Encoding goes on, the component leaving that text unchanged or
// unsplit, and Tokenizer.Err reports it.
type failure struct {
	mu  sync.Mutex
	err error // guarded by mu
}

// record keeps err if it is the first.
func (f *failure) record(err error) {
	f.mu.Lock()
	if f.err == nil {
		f.err = err
	}
	f.mu.Unlock()
}

// get returns the first error recorded, or nil.
func (f *failure) get() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// Err returns the first failure of a component while encoding, naming the
// file and the component, or nil. Encodings made after a failure are not
// those of the reference library and must not be used.
func (t *Tokenizer) Err() error {
	err := t.fail.get()
	if err == nil {
		return nil
	}
	if t.source != "" {
		return fmt.Errorf("tokenizer %s: %w", t.source, err)
	}
	return err
}
