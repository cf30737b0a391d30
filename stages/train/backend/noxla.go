//go:build !xla

package backend

import (
	"errors"

	"github.com/gomlx/gomlx/backends"
)

// errNoXLA says how to get an XLA-enabled build.
var errNoXLA = errors.New("backend xla is not compiled into this binary (build with `-tags xla`; it needs cgo and a PJRT plugin); the go backend is available")

// XLACompiled reports whether this build includes the XLA backend.
const XLACompiled = false

func checkXLA(string) error { return errNoXLA }

func openXLA(string) (backends.Backend, error) { return nil, errNoXLA }
