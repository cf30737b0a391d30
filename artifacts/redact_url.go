package artifacts

import "strings"

// RedactURL returns a URL without what may carry a secret: its userinfo
// (`user:password@`) and its query (`?access_key=...`). Text that is not a
// URL with a scheme comes back unchanged. Every URL the engine records or
// prints (manifests, logs, errors) goes through it.
func RedactURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || scheme == "" || strings.ContainsAny(scheme, " /=") {
		return raw
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	host, path, _ := strings.Cut(rest, "/")
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	if path != "" || strings.Contains(rest, "/") {
		return scheme + "://" + host + "/" + path
	}
	return scheme + "://" + host
}
