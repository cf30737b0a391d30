// Package temporal holds the integration tests of distributed runs: an
// in-process Temporal server (go.temporal.io/server/temporaltest), a
// versitygw S3 server, and `pipeline worker` processes on the cpu and gpu
// queues. It is a module of its own because the Temporal server is large;
// the tests carry the `integration` build tag:
//
//	cd integration/temporal && VERSITYGW=... go test -tags integration ./...
package temporal
