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
// Reading, tables whose selected columns are all flat are decoded straight
// into Arrow buffers sized once per batch: by this package's own page
// decoder (pageCursor) when every chunk uses encodings it knows (PLAIN,
// dictionary, RLE, DELTA_LENGTH_BYTE_ARRAY; data pages v1 and v2; any codec
// arrow-go has), else through arrow-go's column readers. Batches then end
// with the pages of the widest string column, whose decompressed values
// become the batch's own without a copy. Other tables go through arrow-go's
// generic record reader. OpenDictionaries keeps string columns that are
// dictionary-encoded throughout as Arrow dictionary arrays.
package table
