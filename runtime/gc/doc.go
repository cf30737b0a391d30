// Package gc keeps a workspace's store in bounds: it collects the objects and
// action-cache records that no kept run and no current output references,
// removes old runs, and reports the store's disk usage by stage and by run.
//
// Collection holds the workspace lock exclusively, so it never deletes what a
// running pipeline may read, and it deletes in an order that keeps every
// remaining record and run auditable if it is interrupted: run directories
// first, then action-cache records, then the objects they named.
package gc
