package remote

import "sync/atomic"

// Stats counts the operations a Store made on the bucket. A multipart upload
// counts as one put; each operation is at least one HTTP request.
type Stats struct {
	// Gets counts reads of a key (records and objects).
	Gets int64
	// Heads counts existence checks.
	Heads int64
	// Puts counts create-only writes, including those that found the key taken.
	Puts int64
	// Deletes counts removals (only of the probe key).
	Deletes int64
	// BytesDown and BytesUp count payload bytes read and written.
	BytesDown, BytesUp int64
}

// counters is the live, atomically updated form of Stats.
type counters struct {
	gets, heads, puts, deletes atomic.Int64
	bytesDown, bytesUp         atomic.Int64
}

// Stats returns the operations made so far.
func (s *Store) Stats() Stats {
	c := &s.stats
	return Stats{
		Gets: c.gets.Load(), Heads: c.heads.Load(), Puts: c.puts.Load(), Deletes: c.deletes.Load(),
		BytesDown: c.bytesDown.Load(), BytesUp: c.bytesUp.Load(),
	}
}
