package runtime

import (
	"bytes"
	"os"

	"github.com/mlpipe/pipeline/artifacts/table"
)

// TableInfo reads the row count and schema fingerprint of a Parquet table.
// ok is false when the file is not a readable table.
func TableInfo(path string) (rows int64, schema string, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", false
	}
	var magic [4]byte
	_, err = f.Read(magic[:])
	f.Close()
	if err != nil || !bytes.Equal(magic[:], []byte("PAR1")) {
		return 0, "", false
	}
	r, err := table.Open(path)
	if err != nil {
		return 0, "", false
	}
	defer r.Close()
	return r.NumRows(), table.Fingerprint(r.Schema()), true
}
