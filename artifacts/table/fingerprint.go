package table

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/zeebo/xxh3"
)

// Fingerprint returns a stable digest of a schema's column names, types and
// nullability, in column order, as written and as read back ("xxh3:" and 32 hex digits). Metadata does not
// enter it: two tables with the same columns have the same fingerprint.
func Fingerprint(schema *arrow.Schema) string {
	var b strings.Builder
	for i, f := range schema.Fields() {
		f = normalizeField(f)
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%q %s", f.Name, f.Type)
		if !f.Nullable {
			b.WriteString(" not null")
		}
	}
	h := xxh3.HashString128(b.String()).Bytes()
	return fmt.Sprintf("xxh3:%x", h[:])
}
