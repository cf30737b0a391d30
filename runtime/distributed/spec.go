package distributed

import (
	"encoding/json"
	"fmt"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
)

// StageSpec is what a machine needs to execute one stage: the bundle that
// rebuilds its graph, the stage instance, and the outputs of the stages
// upstream of it. It holds digests only; the data stays in the stores.
// A spec is stored in the remote under the stage's key, so that
// `pipeline exec-stage KEY` can run the stage anywhere.
type StageSpec struct {
	// Bundle is the object of the run's Bundle.
	Bundle artifacts.Tree `json:"bundle"`
	// Stage is the stage instance's name.
	Stage string `json:"stage"`
	// Upstream maps each upstream instance to its outputs by port.
	Upstream runtime.UpstreamOutputs `json:"upstream"`
}

// Encode renders the spec as JSON with sorted keys.
func (s *StageSpec) Encode() []byte {
	b, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("encoding a stage spec: %v", err))
	}
	return b
}

// DecodeStageSpec parses a spec and checks it names a stage.
func DecodeStageSpec(b []byte) (*StageSpec, error) {
	var s StageSpec
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("parsing stage spec: %w", err)
	}
	if s.Stage == "" || s.Bundle.Digest == "" {
		return nil, fmt.Errorf("stage spec names no stage or no bundle")
	}
	if err := artifacts.CheckDigest(s.Bundle.Digest); err != nil {
		return nil, fmt.Errorf("stage spec: bundle: %w", err)
	}
	for up, outs := range s.Upstream {
		for port, o := range outs {
			if err := artifacts.CheckDigest(o.Digest); err != nil {
				return nil, fmt.Errorf("stage spec: upstream %s.%s: %w", up, port, err)
			}
		}
	}
	return &s, nil
}
