package table

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"sort"

	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// sortEncodingStats rewrites the footer of the finished Parquet file f in
// place so that each column chunk lists its page encoding statistics in a
// fixed order (page type, then encoding). arrow-go gathers them in a map, so
// a chunk that has both dictionary-encoded and plain data pages (a
// dictionary that outgrew DictionaryBytes) would otherwise list them in a
// random order, and the same rows would not always give the same bytes.
// Sorting changes neither the footer's length nor its meaning.
func sortEncodingStats(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	var tail [8]byte
	if size < 12 {
		return fmt.Errorf("file of %d bytes is too short for Parquet", size)
	}
	if _, err := f.ReadAt(tail[:], size-8); err != nil {
		return fmt.Errorf("reading footer length: %w", err)
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if string(tail[4:]) != "PAR1" || n > size-12 {
		return fmt.Errorf("bad footer (length %d, magic %q)", n, tail[4:])
	}
	raw := make([]byte, n)
	if _, err := f.ReadAt(raw, size-8-n); err != nil {
		return fmt.Errorf("reading footer: %w", err)
	}
	md, err := metadata.NewFileMetaData(raw, nil)
	if err != nil {
		return fmt.Errorf("parsing footer: %w", err)
	}
	changed := false
	for _, rg := range md.RowGroups {
		for _, cc := range rg.Columns {
			if cc.MetaData == nil || len(cc.MetaData.EncodingStats) < 2 {
				continue
			}
			stats := cc.MetaData.EncodingStats
			less := func(i, j int) bool {
				a, b := stats[i], stats[j]
				if a.PageType != b.PageType {
					return a.PageType < b.PageType
				}
				return a.Encoding < b.Encoding
			}
			sorted := true
			for i := 1; i < len(stats); i++ {
				if less(i, i-1) {
					sorted = false
				}
			}
			if sorted {
				continue
			}
			sort.Slice(stats, less)
			changed = true
		}
	}
	if !changed {
		return nil
	}
	var out bytes.Buffer
	if _, err := md.WriteTo(&out, nil); err != nil {
		return fmt.Errorf("serializing footer: %w", err)
	}
	if int64(out.Len()) != n {
		return fmt.Errorf("footer changed length (%d to %d bytes) when sorting encoding statistics", n, out.Len())
	}
	if _, err := f.WriteAt(out.Bytes(), size-8-n); err != nil {
		return fmt.Errorf("rewriting footer: %w", err)
	}
	return nil
}
