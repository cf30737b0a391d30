// Package table reads and writes the tables that stages pass to each other:
// Arrow record batches in memory, one Parquet file on disk (zstd-compressed,
// row groups of about 128k rows). Reading and writing both stream, so memory
// is bounded by a batch (and, when writing, one row group's encoded pages),
// never by the file. Arrow schema metadata (for example `tokenizer.vocab_size`)
// round-trips through the file.
//
// Tables whose selected columns are all flat (strings, binaries, 32/64-bit
// integers and floats, booleans) are decoded straight from Parquet's column
// readers into Arrow buffers sized once per batch; other tables go through
// arrow-go's generic record reader. OpenDictionaries keeps string columns
// that are dictionary-encoded throughout as Arrow dictionary arrays.
package table
