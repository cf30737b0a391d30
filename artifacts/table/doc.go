// Package table reads and writes the tables that stages pass to each other:
// Arrow record batches in memory, one Parquet file on disk (zstd-compressed,
// row groups of about 128k rows). Reading and writing both stream, so memory
// is bounded by a batch (and, when writing, one row group's encoded pages),
// never by the file. Arrow schema metadata (for example `tokenizer.vocab_size`)
// round-trips through the file.
package table
