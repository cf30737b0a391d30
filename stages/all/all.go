// Package all registers every stage kind the engine ships; import it for its
// side effect.
package all

import (
	// Each import registers a kind.
	_ "github.com/mlpipe/pipeline/stages/baseline"
	_ "github.com/mlpipe/pipeline/stages/eval"
	_ "github.com/mlpipe/pipeline/stages/exec"
	_ "github.com/mlpipe/pipeline/stages/ingest"
	_ "github.com/mlpipe/pipeline/stages/predict"
	_ "github.com/mlpipe/pipeline/stages/python"
	_ "github.com/mlpipe/pipeline/stages/scan"
	_ "github.com/mlpipe/pipeline/stages/selectbest"
	_ "github.com/mlpipe/pipeline/stages/split"
	_ "github.com/mlpipe/pipeline/stages/tokenize"
	_ "github.com/mlpipe/pipeline/stages/train"
)
