package artifacts

import _ "embed"

// ManifestSchema is the JSON Schema (draft 2020-12) every manifest validates against.
//
//go:embed manifest.schema.json
var ManifestSchema []byte
