package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
)

// checkRecordedKey proves that a manifest's stage record is what its key
// says: the key hashes from the recorded pre-image, and what a re-execution
// would use (kind, version, params, seed, input digests) is that pre-image.
// An edited manifest (a changed command, say) fails here, naming the field,
// before anything runs.
func checkRecordedKey(s artifacts.StageRecord) error {
	ki := s.KeyInputs
	if ki == nil {
		return errors.New("the record has no key_inputs")
	}
	if got := stageKey(ki); got != s.Key {
		return fmt.Errorf("key: the recorded key_inputs hash to %s, not to the recorded key %s", artifacts.ShortDigest(got), artifacts.ShortDigest(s.Key))
	}
	if ki.Kind != s.Kind {
		return fmt.Errorf("kind: %q, but key_inputs.kind is %q", s.Kind, ki.Kind)
	}
	if ki.Version != s.Version {
		return fmt.Errorf("version: %q, but key_inputs.version is %q", s.Version, ki.Version)
	}
	if ki.Seed != s.Seed {
		return fmt.Errorf("seed: %d, but key_inputs.seed is %d", s.Seed, ki.Seed)
	}
	params, err := decodeParams(s.Params)
	if err != nil {
		return fmt.Errorf("params: %w", err)
	}
	used := *ki
	used.Params = json.RawMessage(pipeline.CanonicalJSON(params))
	if stageKey(&used) != s.Key {
		return fmt.Errorf("params: they are not the ones the key was computed from (key_inputs.params)")
	}
	recorded := map[string]string{}
	for _, in := range s.Inputs {
		recorded[in.Port] = in.Digest
	}
	if !maps.Equal(recorded, ki.Inputs) && !(len(recorded) == 0 && len(ki.Inputs) == 0) {
		return fmt.Errorf("inputs: their digests are not the ones the key was computed from (key_inputs.inputs)")
	}
	return nil
}
