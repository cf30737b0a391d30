// Package table reads and writes the tables that stages pass to each other:
// Arrow record batches in memory, one Parquet file on disk (zstd-compressed,
// row groups of about 128k rows). Reading and writing both stream, so memory
// is bounded by a batch (and, when writing, one row group's encoded pages),
// never by the file. Arrow schema metadata (for example `tokenizer.vocab_size`)
// round-trips through the file.
//
// Tables whose columns are all flat (strings, binaries, 32/64-bit integers
// and floats, booleans) are written by this package's own page encoder
// (chunkWriter): dictionary pages where a dictionary makes the column chunk
// smaller, else PLAIN pages (DELTA_LENGTH_BYTE_ARRAY for strings and
// binaries, so that a page's values lie back to back), buffers reused from
// page to page. Their Parquet schema and footer are arrow-go's. Other tables
// go through arrow-go's pqarrow writer.
//
// Reading, flat columns are decoded straight into Arrow buffers sized once
// per batch: by this package's own page decoder (pageCursor) when every flat
// chunk uses encodings it knows (PLAIN, dictionary, RLE,
// DELTA_LENGTH_BYTE_ARRAY; data pages v1 and v2; any codec registered), else
// through arrow-go's column readers (INT32 DELTA_BINARY_PACKED pages through
// deltaPages, whose arithmetic wraps as the specification says). Batches
// then end with the pages of the widest string column, whose decompressed
// values become the batch's own without a copy. Nested columns are read by
// arrow-go's column readers alongside, batch by batch. The own decoder is
// kept because BenchmarkReadFlat reads flat text about 1.3x faster with it
// than with arrow-go's column readers. OpenDictionaries keeps string
// columns that are dictionary-encoded throughout as Arrow dictionary arrays.
//
// What arrow-go reads otherwise than the Parquet specification (and DuckDB)
// is corrected around it: JSON, INTERVAL, legacy nested lists and maps with
// optional keys (compat.go), unknown logical types (unknownlogical.go), the
// deprecated LZ4 codec and empty V2 page values (codecs.go), and lists with
// entries inside null lists, as DuckDB writes null fixed-size arrays.
package table
