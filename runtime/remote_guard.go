package runtime

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/rs/zerolog"

	"github.com/mlpipe/pipeline/artifacts"
)

// remoteDownAfter is how many remote operations in a row may fail before
// the remote is taken as down for the rest of the run.
const remoteDownAfter = 3

// errRemoteDown answers every remote call once the remote is taken as down.
var errRemoteDown = errors.New("the remote cache is down for the rest of this run")

// remoteGuard wraps a run's remote store: after remoteDownAfter failures in
// a row (a server that is down, a network that is gone) it says so once and
// answers every later call at once with errRemoteDown, so the run goes on
// locally instead of paying retries at every stage. A damaged record or a
// corrupt object is not a failure of the remote itself.
type remoteGuard struct {
	RemoteStore
	log    zerolog.Logger
	mu     sync.Mutex
	failed int
	down   bool
}

func newRemoteGuard(r RemoteStore, log zerolog.Logger) *remoteGuard {
	return &remoteGuard{RemoteStore: r, log: log}
}

// isDown reports whether the remote was taken as down.
func (g *remoteGuard) isDown() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.down
}

// note records the outcome of one call.
func (g *remoteGuard) note(ctx context.Context, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case err == nil, errors.Is(err, artifacts.ErrDamagedRecord), ctx.Err() != nil:
		g.failed = 0
	default:
		g.failed++
		if g.failed >= remoteDownAfter && !g.down {
			g.down = true
			g.log.Warn().Err(err).Msgf("the remote cache failed %d times in a row; going on without it for the rest of this run", g.failed)
		}
	}
}

func (g *remoteGuard) GetAction(ctx context.Context, key string) (*artifacts.ActionRecord, error) {
	if g.isDown() {
		return nil, errRemoteDown
	}
	rec, err := g.RemoteStore.GetAction(ctx, key)
	g.note(ctx, err)
	return rec, err
}

func (g *remoteGuard) Fetch(ctx context.Context, o artifacts.Output, local *artifacts.Store) error {
	if g.isDown() {
		return errRemoteDown
	}
	err := g.RemoteStore.Fetch(ctx, o, local)
	g.note(ctx, err)
	return err
}

func (g *remoteGuard) Push(ctx context.Context, o artifacts.Output, local *artifacts.Store) error {
	if g.isDown() {
		return errRemoteDown
	}
	err := g.RemoteStore.Push(ctx, o, local)
	g.note(ctx, err)
	return err
}

func (g *remoteGuard) PutAction(ctx context.Context, rec *artifacts.ActionRecord) (*artifacts.ActionRecord, error) {
	if g.isDown() {
		return nil, errRemoteDown
	}
	w, err := g.RemoteStore.PutAction(ctx, rec)
	g.note(ctx, err)
	return w, err
}

func (g *remoteGuard) ReplaceAction(ctx context.Context, rec *artifacts.ActionRecord) (*artifacts.ActionRecord, error) {
	if g.isDown() {
		return nil, errRemoteDown
	}
	w, err := g.RemoteStore.ReplaceAction(ctx, rec)
	g.note(ctx, err)
	return w, err
}

func (g *remoteGuard) MissingActions(ctx context.Context, keys []string) ([]string, error) {
	if g.isDown() {
		return nil, errRemoteDown
	}
	m, err := g.RemoteStore.MissingActions(ctx, keys)
	g.note(ctx, err)
	return m, err
}

// pushUsed writes through to the remote every stage the run used whose
// record the remote lacks (cached stages included: a run killed after its
// local publish, or run without the remote, is pushed later), with one
// listing to learn what is missing.
func (r *runner) pushUsed(ctx context.Context) {
	if r.opts.Remote == nil || ctx.Err() != nil {
		return
	}
	if g, ok := r.opts.Remote.(*remoteGuard); ok && g.isDown() {
		return
	}
	recs := map[string]*artifacts.ActionRecord{}
	for _, key := range r.cachedLocally() {
		if ar, err := r.ws.Store.LoadAction(key); err == nil && ar != nil {
			recs[key] = ar
		}
	}
	if len(recs) == 0 {
		return
	}
	keys := make([]string, 0, len(recs))
	for k := range recs {
		keys = append(keys, k)
	}
	missing, err := r.opts.Remote.MissingActions(ctx, keys)
	if err != nil {
		r.opts.Log.Warn().Err(err).Msg("could not list what the remote cache holds; nothing cached was pushed")
		return
	}
	if len(missing) > 0 {
		r.opts.Log.Info().Msg(fmt.Sprintf("pushing %d cached stages the remote cache lacks", len(missing)))
	}
	for _, key := range missing {
		r.pushRemote(ctx, recs[key], r.opts.Log.With().Str("key", artifacts.ShortDigest(key)).Logger())
	}
}

// cachedLocally lists the keys of the stages served from the local cache.
func (r *runner) cachedLocally() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var keys []string
	for _, res := range r.results {
		if res.Status == StatusCached && res.Key != "" && !r.fromRemote[res.Key] {
			keys = append(keys, res.Key)
		}
	}
	return keys
}
