package runtime

import (
	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
)

// tryLockKeyLogged takes the key lock, saying so when it must wait.
func tryLockKeyLogged(root, key string, log zerolog.Logger) (*keyLock, error) {
	l, ok, err := tryLockKey(root, key)
	if err != nil {
		return nil, err
	}
	if ok {
		return l, nil
	}
	log.Info().Str("key", artifacts.ShortDigest(key)).Msg("another stage or run is producing this key; waiting for it")
	return lockKey(root, key)
}

// cached returns the action record for key when every object it names is
// proved (see proveCached), or nil.
func (r *runner) cached(key string, log zerolog.Logger) *artifacts.ActionRecord {
	ar, err := r.ws.Store.LoadAction(key)
	if err != nil || ar == nil {
		return nil
	}
	return r.proveCached(ar, log)
}

func (r *runner) finishCached(res *StageResult, ar *artifacts.ActionRecord) {
	recordCached(res, ar)
}

// cachedResult is the result of a prepared node served by the record ar,
// without exposing its outputs (they may not be local yet).
func cachedResult(n *pipeline.Node, p *prepared, ar *artifacts.ActionRecord) *StageResult {
	res := newStageResult(n)
	res.Key, res.Record.Key, res.Record.KeyInputs, res.Record.Sources = p.key, p.key, p.ki, p.sources
	res.Record.Inputs = append(res.Record.Inputs, p.inRecs...)
	recordCached(res, ar)
	return res
}

// recordCached fills a result served by the action record ar.
func recordCached(res *StageResult, ar *artifacts.ActionRecord) {
	res.Status = StatusCached
	res.Outputs = ar.Outputs
	rec := &res.Record
	rec.Status = StatusCached
	rec.DurationMS = ar.DurationMS
	for k, v := range ar.Metrics {
		rec.Metrics[k] = v
	}
	for _, port := range res.Node.Plan.Outputs {
		if o, ok := ar.Outputs[port]; ok {
			rec.Outputs = append(rec.Outputs, portRecord(port, "", o))
		}
	}
}
