package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts"
)

// RemoteStore is a shared second tier of the store (object storage a team
// shares). The local store stays the first tier: hits are read through from
// the remote, and what runs is written through to it. Implementations must
// make PutAction the commit point: create-only, so that of two machines racing
// on one stage exactly one record wins.
type RemoteStore interface {
	// GetAction returns the record for key, or nil when there is none.
	GetAction(ctx context.Context, key string) (*artifacts.ActionRecord, error)
	// Fetch downloads an object into the local store, verifying its digest
	// while streaming; a mismatch is an error and nothing is kept.
	Fetch(ctx context.Context, o artifacts.Output, local *artifacts.Store) error
	// Push uploads a local object unless the remote already has it.
	Push(ctx context.Context, o artifacts.Output, local *artifacts.Store) error
	// PutAction writes rec unless a record for its key exists; it returns the
	// record that holds afterwards (rec, or the one written first).
	PutAction(ctx context.Context, rec *artifacts.ActionRecord) (*artifacts.ActionRecord, error)
	// ReplaceAction writes rec over a record GetAction found damaged
	// (artifacts.ErrDamagedRecord), conditionally, and returns the record
	// that holds afterwards.
	ReplaceAction(ctx context.Context, rec *artifacts.ActionRecord) (*artifacts.ActionRecord, error)
	// MissingActions returns which of keys have no record, in one listing.
	MissingActions(ctx context.Context, keys []string) ([]string, error)
}

// remoteHit looks key up in the remote store and, on a hit, brings every
// output into the local store and records it locally. It returns nil on a
// miss or on any remote failure (the stage then runs).
func (r *runner) remoteHit(ctx context.Context, key string, log zerolog.Logger) *artifacts.ActionRecord {
	if r.opts.Remote == nil {
		return nil
	}
	rec, err := r.opts.Remote.GetAction(ctx, key)
	if errors.Is(err, artifacts.ErrDamagedRecord) {
		log.Warn().Err(err).Msg("the remote record of this stage is damaged; running the stage to replace it")
		r.mu.Lock()
		if r.damaged == nil {
			r.damaged = map[string]bool{}
		}
		r.damaged[key] = true
		r.mu.Unlock()
		return nil
	}
	if err != nil {
		if !errors.Is(err, errRemoteDown) {
			log.Warn().Err(err).Msg("remote cache lookup failed; running the stage")
		}
		return nil
	}
	if rec == nil {
		return nil
	}
	if err := r.fetchOutputs(ctx, rec); err != nil {
		log.Warn().Err(err).Msg("remote cache hit could not be fetched; running the stage")
		return nil
	}
	if err := r.ws.Store.SaveAction(rec); err != nil {
		log.Warn().Err(err).Msg("could not record a remote hit locally")
	}
	r.mu.Lock()
	if r.fromRemote == nil {
		r.fromRemote = map[string]bool{}
	}
	r.fromRemote[key] = true
	r.mu.Unlock()
	return rec
}

// fetchOutputs downloads the outputs of rec that the local store lacks, all
// at once.
func (r *runner) fetchOutputs(ctx context.Context, rec *artifacts.ActionRecord) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for port, o := range rec.Outputs {
		if r.ws.Store.HasObject(o.Tree) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.opts.Remote.Fetch(ctx, o, r.ws.Store); err != nil {
				mu.Lock()
				if first == nil {
					first = fmt.Errorf("fetching output %s (%s): %w", port, artifacts.ShortDigest(o.Digest), err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}

// pushRemote writes a freshly published stage through to the remote store:
// objects first, the record last. When another machine recorded the same key
// first, its outputs are adopted, so every machine agrees on the key's outputs.
func (r *runner) pushRemote(ctx context.Context, rec *artifacts.ActionRecord, log zerolog.Logger) *artifacts.ActionRecord {
	if r.opts.Remote == nil {
		return rec
	}
	for port, o := range rec.Outputs {
		if err := r.opts.Remote.Push(ctx, o, r.ws.Store); err != nil {
			log.Warn().Err(err).Str("port", port).Msg("could not upload an output to the remote cache")
			return rec
		}
	}
	r.mu.Lock()
	replace := r.damaged[rec.Key]
	r.mu.Unlock()
	put := r.opts.Remote.PutAction
	if replace {
		put = r.opts.Remote.ReplaceAction
	}
	winner, err := put(ctx, rec.WithoutSeals())
	if err != nil {
		log.Warn().Err(err).Msg("could not record the stage in the remote cache")
		return rec
	}
	if winner == nil || sameOutputs(winner, rec) {
		return rec
	}
	log.Info().Msg("another machine recorded this stage first; adopting its outputs")
	if err := r.fetchOutputs(ctx, winner); err != nil {
		log.Warn().Err(err).Msg("could not fetch the winning outputs; keeping ours locally")
		return rec
	}
	if err := r.ws.Store.SaveAction(winner); err != nil {
		log.Warn().Err(err).Msg("could not record the winning outputs locally")
		return rec
	}
	return winner
}

func sameOutputs(a, b *artifacts.ActionRecord) bool {
	if len(a.Outputs) != len(b.Outputs) {
		return false
	}
	for port, o := range a.Outputs {
		if b.Outputs[port].Digest != o.Digest {
			return false
		}
	}
	return true
}

// FetchMissing brings t into the local store of ws from remote unless the
// store holds it already.
func FetchMissing(ctx context.Context, ws *Workspace, remote RemoteStore, t artifacts.Tree) error {
	if ws.Store.HasObject(t) {
		return nil
	}
	if remote == nil {
		return fmt.Errorf("object %s is not in the local store and no remote store is configured", artifacts.ShortDigest(t.Digest))
	}
	return remote.Fetch(ctx, artifacts.Output{Tree: t}, ws.Store)
}
