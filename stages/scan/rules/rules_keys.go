package rules

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"regexp"
)

// keyRules find private keys and signed tokens.
func keyRules() []*Rule {
	return []*Rule{
		{
			ID: "private-key", Description: "private key in PEM (RSA, EC, DSA, OpenSSH, PKCS#8, PGP)",
			Keywords: []string{"private key-----", "private key block-----"},
			Pattern:  regexp.MustCompile(`-----BEGIN[A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----(?s:.*?)-----END[A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----`),
			Before:   48, After: 16384, Multiline: true,
			VisibleTo: pemVisible, Normalize: normalizePEM, Check: checkPEM,
		},
		{
			ID: "jwt", Description: "JSON Web Token",
			Keywords: []string{"eyJ"}, ExactCase: true,
			Pattern: regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}`),
			After:   8192, Token: tokenSet, Visible: 3, MinEntropy: 3, Check: checkJWT,
		},
	}
}

var (
	escNewline = lazyRegexp(`\\\\?r\\\\?n|\\\\?n|\r\n`)
	pemHeader  = lazyRegexp(`^-----BEGIN[A-Z0-9 ]*-----`)
	pemArmor   = lazyRegexp(`-----(?:BEGIN|END)[A-Z0-9 ]*-----`)
	pemField   = lazyRegexp(`(?m)^[A-Za-z-]+: .*$`)
)

// normalizePEM returns a PEM block with JSON escapes and CRLF turned into
// plain line feeds, so that one key has one digest wherever it is found.
func normalizePEM(s []byte) []byte {
	return escNewline().ReplaceAll(s, []byte("\n"))
}

// pemVisible shows the BEGIN line of a PEM block.
func pemVisible(s []byte) int {
	return len(pemHeader().Find(s))
}

// checkPEM accepts a PEM block whose body is at least 64 base64 characters.
func checkPEM(c *Candidate) bool {
	body := pemArmor().ReplaceAll(normalizePEM(c.Secret()), nil)
	body = pemField().ReplaceAll(body, nil)
	n := 0
	for _, b := range body {
		switch {
		case base64Set.has(b):
			n++
		case b == '\n' || b == '\r' || b == ' ' || b == '\t':
		default:
			return false
		}
	}
	return n >= 64
}

// checkJWT accepts a token whose header and payload decode to JSON objects
// and whose header names a signing algorithm other than "none".
func checkJWT(c *Candidate) bool {
	parts := bytes.SplitN(c.Secret(), []byte("."), 3)
	if len(parts) != 3 || documentedExamples[string(parts[2])] {
		return false
	}
	var header struct {
		Alg string `json:"alg"`
	}
	h, err := base64.RawURLEncoding.DecodeString(string(bytes.TrimRight(parts[0], "=")))
	if err != nil || json.Unmarshal(h, &header) != nil || header.Alg == "" || header.Alg == "none" {
		return false
	}
	p, err := base64.RawURLEncoding.DecodeString(string(bytes.TrimRight(parts[1], "=")))
	if err != nil {
		return false
	}
	var payload map[string]any
	return json.Unmarshal(p, &payload) == nil
}

// checkDockerAuth accepts a Docker `auth` value that decodes to user:password
// with a password that is not a placeholder.
func checkDockerAuth(c *Candidate) bool {
	dec, err := base64.StdEncoding.DecodeString(string(c.Secret()))
	if err != nil {
		return false
	}
	i := bytes.IndexByte(dec, ':')
	if i <= 0 || i == len(dec)-1 {
		return false
	}
	return !IsPlaceholder(dec[i+1:])
}
