package scan

import (
	"cmp"
	"slices"

	"github.com/mlpipe/pipeline/stages/scan/archive"
)

// sortWarnings orders warnings by path, then message.
func sortWarnings(ws []archive.Warning) {
	slices.SortFunc(ws, func(a, b archive.Warning) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Message, b.Message))
	})
}
