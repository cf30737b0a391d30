package runtime

import (
	"github.com/mlpipe/pipeline/artifacts/table"
)

// TableInfo reads the row count and schema fingerprint of a Parquet table:
// an output whose kind declares it a table (see stages.Role.IsTable).
func TableInfo(path string) (rows int64, schema string, err error) {
	r, err := table.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer r.Close()
	return r.NumRows(), table.Fingerprint(r.Schema()), nil
}
