package runtime

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts"
)

// proveCached proves every output of a cached record before it is served
// (a stat per file when its seal holds; a re-hash otherwise, or always with
// --verify). A missing object drops the record; a corrupt one is moved to
// quarantine and drops the record, so the stage runs again and rebuilds it.
// A record whose seals were renewed is saved again. It returns the record to
// serve, or nil.
func (r *runner) proveCached(ar *artifacts.ActionRecord, log zerolog.Logger) *artifacts.ActionRecord {
	resealed := false
	for port, o := range ar.Outputs {
		if r.opts.Verify {
			o.Seal = nil
		}
		proved, changed, err := r.ws.Store.Prove(o)
		if err != nil {
			r.dropCorrupt(ar, port, o, err, log)
			return nil
		}
		if changed {
			ar.Outputs[port] = proved
			resealed = true
		}
	}
	if resealed {
		if err := r.ws.Store.SaveAction(ar); err != nil {
			log.Warn().Err(err).Msg("could not record renewed seals")
		}
	}
	return ar
}

// dropCorrupt handles a cached output that failed its proof: quarantine when
// its bytes changed, then forget the record so the stage runs again.
func (r *runner) dropCorrupt(ar *artifacts.ActionRecord, port string, o artifacts.Output, err error, log zerolog.Logger) {
	switch {
	case errors.Is(err, artifacts.ErrCorrupt):
		where, qerr := r.ws.Store.Quarantine(o.Digest)
		if qerr != nil {
			log.Warn().Err(qerr).Msg("could not quarantine a corrupt object")
			_ = r.ws.Store.RemoveObject(o.Digest)
		}
		log.Warn().Str("port", port).Str("quarantined", where).Err(err).Msg("corrupt cached output; rebuilding it")
	case errors.Is(err, fs.ErrNotExist):
		log.Warn().Str("port", port).Str("key", artifacts.ShortDigest(ar.Key)).Msg("cache record names a missing object; re-running")
	default:
		log.Warn().Str("port", port).Err(err).Msg("cached output cannot be proved; re-running")
	}
	_ = r.ws.Store.DeleteAction(ar.Key)
}

// proveInputs proves each input object of a stage about to run. Nothing is
// computed from an unproved byte: a corrupt input is quarantined and the
// stage fails naming the port and the stage that made it.
func (r *runner) proveInputs(p *prepared) error {
	for _, in := range p.inRecs {
		o := p.inObjs[in.Port]
		proved, _, err := r.ws.Store.Prove(o)
		if err != nil {
			if errors.Is(err, artifacts.ErrCorrupt) {
				where, _ := r.ws.Store.Quarantine(o.Digest)
				return fmt.Errorf("input `%s` (from %s) is corrupt, so the stage was not run: %w; moved to %s; the next run rebuilds it", in.Port, in.From, err, where)
			}
			return fmt.Errorf("input `%s` (from %s): %w", in.Port, in.From, err)
		}
		p.inObjs[in.Port] = proved
	}
	return nil
}

// checkInputsUnchanged is the check after a stage ran: each input's files
// must still be exactly as they were proved (a stat per file). A stage that
// changed what it read fails naming the port, and the changed object is
// quarantined.
func (r *runner) checkInputsUnchanged(p *prepared) error {
	for _, in := range p.inRecs {
		o := p.inObjs[in.Port]
		if r.ws.Store.StillSealed(o) {
			continue
		}
		if _, _, err := r.ws.Store.Prove(artifacts.Output{Tree: o.Tree}); err == nil {
			continue // metadata changed (chmod, touch) but the bytes are intact
		}
		where, _ := r.ws.Store.Quarantine(o.Digest)
		return fmt.Errorf("the stage changed its input `%s` (from %s) while running; its outputs are discarded and the changed object was moved to %s", in.Port, in.From, where)
	}
	return nil
}
