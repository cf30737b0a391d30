package table

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/klauspost/compress/zstd"
)

// flatWriter writes tables whose columns are all flat (the types the flat
// reader decodes) with this package's own page encoder (chunkWriter)
// instead of arrow-go's column writers, which zero every released buffer,
// grow their page buffers value by value and hash every byte-array value
// into a dictionary that is then abandoned. The file's schema, Arrow schema
// metadata and footer are arrow-go's, so the file reads back exactly as one
// written by pqarrow.
type flatWriter struct {
	out     *bufio.Writer
	pos     int64 // bytes written to out
	meta    *metadata.FileMetaDataBuilder
	cols    []*chunkWriter
	rgRows  int64
	ordinal int16
}

// flatTypes reports whether every field of schema is of a type the flat
// writer encodes.
func flatTypes(schema *arrow.Schema) bool {
	for _, f := range schema.Fields() {
		switch f.Type.ID() {
		case arrow.STRING, arrow.BINARY, arrow.INT64, arrow.INT32, arrow.FLOAT64, arrow.FLOAT32, arrow.BOOL:
		default:
			return false
		}
	}
	return schema.NumFields() > 0
}

// newFlatWriter starts a file on out. The Parquet schema and key-value
// metadata (the stored Arrow schema) come from an empty file that pqarrow
// writes with the same properties.
func newFlatWriter(schema *arrow.Schema, out *bufio.Writer, props *parquet.WriterProperties) (*flatWriter, error) {
	var empty bytes.Buffer
	eb := bufio.NewWriter(&empty)
	fw, err := newFileWriter(schema, eb, props)
	if err != nil {
		return nil, err
	}
	if err := fw.Close(); err != nil {
		return nil, fmt.Errorf("deriving the Parquet schema: %w", err)
	}
	if err := eb.Flush(); err != nil {
		return nil, err
	}
	md, err := footerOf(empty.Bytes())
	if err != nil {
		return nil, fmt.Errorf("deriving the Parquet schema: %w", err)
	}
	enc, err := newPageEncoder(zstd.EncoderLevelFromZstd(zstdLevel))
	if err != nil {
		return nil, err
	}
	w := &flatWriter{out: out, meta: metadata.NewFileMetadataBuilder(md.Schema, props, md.KeyValueMetadata())}
	for i, f := range schema.Fields() {
		w.cols = append(w.cols, newChunkWriter(f.Type.ID(), md.Schema.Column(i).MaxDefinitionLevel(), enc))
	}
	if _, err := out.WriteString("PAR1"); err != nil {
		return nil, err
	}
	w.pos = 4
	return w, nil
}

// footerOf parses the footer of the complete Parquet file in data.
func footerOf(data []byte) (*metadata.FileMetaData, error) {
	if len(data) < 12 || string(data[len(data)-4:]) != "PAR1" {
		return nil, fmt.Errorf("not a Parquet file (%d bytes)", len(data))
	}
	n := int(binary.LittleEndian.Uint32(data[len(data)-8:]))
	if n > len(data)-12 {
		return nil, fmt.Errorf("footer of %d bytes in a file of %d", n, len(data))
	}
	return metadata.NewFileMetaData(data[len(data)-8-n:len(data)-8], nil)
}

// bytes estimates the encoded size of the open row group.
func (w *flatWriter) bytes() int64 {
	n := 0
	for _, c := range w.cols {
		n += c.size()
	}
	return int64(n)
}

// write appends rec's rows (which have the writer's schema) to the open row
// group.
func (w *flatWriter) write(rec arrow.RecordBatch) {
	for i, c := range w.cols {
		c.write(rec.Column(i))
	}
	w.rgRows += rec.NumRows()
}

// flushRowGroup writes the open row group, if it has rows.
func (w *flatWriter) flushRowGroup() error {
	if w.rgRows == 0 {
		return nil
	}
	rg := w.meta.AppendRowGroup()
	for i, c := range w.cols {
		c.finish()
		info := metadata.ChunkMetaInfo{NumValues: int64(c.rows), IndexPageOffset: -1,
			CompressedSize: int64(len(c.dictPage) + len(c.pages)), UncompressedSize: c.uncompressed}
		stats := metadata.EncodingStats{DataEncodingStats: c.dataPages}
		hasDict := len(c.dictPage) > 0
		if hasDict {
			info.DictPageOffset = w.pos
			if _, err := w.out.Write(c.dictPage); err != nil {
				return err
			}
			w.pos += int64(len(c.dictPage))
			stats.DictEncodingStats = map[parquet.Encoding]int32{parquet.Encodings.Plain: 1}
		}
		info.DataPageOffset = w.pos
		if _, err := w.out.Write(c.pages); err != nil {
			return err
		}
		w.pos += int64(len(c.pages))
		cc := rg.NextColumnChunk()
		cc.SetStats(c.statistics())
		if err := cc.Finish(info, hasDict, c.fellBack, stats); err != nil {
			return fmt.Errorf("column %d: %w", i, err)
		}
		// The builder lists the encodings of the writer properties, which
		// know nothing of DELTA_LENGTH_BYTE_ARRAY pages: list the chunk's own,
		// in a fixed order.
		md := cc.Contents().MetaData
		md.Encodings = md.Encodings[:0]
		if hasDict {
			md.Encodings = append(md.Encodings, encRLEDictionary, encPlain)
		}
		md.Encodings = append(md.Encodings, encRLE)
		if c.dataPages[encDeltaLengthByteArray] > 0 {
			md.Encodings = append(md.Encodings, encDeltaLengthByteArray)
		}
		if c.dataPages[encPlain] > 0 && !hasDict {
			md.Encodings = append(md.Encodings, encPlain)
		}
		c.startChunk()
	}
	rg.SetNumRows(int(w.rgRows))
	if err := rg.Finish(0, w.ordinal); err != nil {
		return err
	}
	w.ordinal++
	w.rgRows = 0
	return nil
}

// close writes the last row group and the footer.
func (w *flatWriter) close() error {
	if err := w.flushRowGroup(); err != nil {
		return err
	}
	md, err := w.meta.Finish()
	if err != nil {
		return err
	}
	n, err := md.WriteTo(w.out, nil)
	if err != nil {
		return err
	}
	var tail [8]byte
	binary.LittleEndian.PutUint32(tail[:4], uint32(n))
	copy(tail[4:], "PAR1")
	_, err = w.out.Write(tail[:])
	return err
}
