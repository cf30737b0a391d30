package archive

import (
	"path"
	"strings"
)

// Sep joins a container's path and a member's name.
const Sep = "!"

// unsafeName says why a member name would escape the directory it is
// extracted into (an absolute path or a `..` component), or "".
func unsafeName(name string) string {
	n := strings.ReplaceAll(name, "\\", "/")
	switch {
	case strings.HasPrefix(n, "/"):
		return "absolute member name"
	case len(n) >= 2 && n[1] == ':' && ('a' <= n[0]|0x20 && n[0]|0x20 <= 'z'):
		return "absolute member name (drive letter)"
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return "member name with a `..` component"
		}
	}
	return ""
}

// innerName is the name used to recognise the format of a gzip stream's
// content: the outer name without .gz, or .tar for .tgz.
func innerName(name string) string {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	lower := strings.ToLower(base)
	switch {
	case strings.HasSuffix(lower, ".tgz"):
		return base[:len(base)-4] + ".tar"
	case strings.HasSuffix(lower, ".gz"):
		return base[:len(base)-3]
	case strings.HasSuffix(lower, ".gzip"):
		return base[:len(base)-5]
	}
	return base
}
