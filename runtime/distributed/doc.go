// Package distributed carries a run's stages to other machines: a bundle
// (the definition, its overrides and every file its stages read, by digest)
// rebuilds the project anywhere with the same keys; a stage spec (bundle,
// stage, upstream outputs) stored under the stage's key lets any machine
// execute that one stage; an outcome (status, key, outputs by digest, record)
// is what it reports back, small enough to pass through a workflow engine.
//
// The engine's part, one stage executed with its upstream outputs given and
// a run recorded from results obtained elsewhere, is in package runtime
// (ExecStage, RemoteHit, RemoteResults, RecordRun); this package holds no
// scheduler of its own: runtime/temporalexec drives it with Temporal, and
// `pipeline exec-stage KEY` runs one spec.
package distributed
