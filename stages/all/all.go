// Package all registers every stage kind the engine ships; import it for its
// side effect.
package all

import (
	// Each import registers a kind.
	_ "github.com/mlpipe/pipeline/stages/exec"
)
