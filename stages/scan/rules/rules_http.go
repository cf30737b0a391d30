package rules

import (
	"bytes"
	"encoding/base64"
	"regexp"
)

// httpRules find credentials written into HTTP requests: Authorization
// headers and the user:password of curl's -u option.
func httpRules() []*Rule {
	return []*Rule{
		{
			ID: "authorization-header", Description: "credentials in an HTTP Authorization header",
			Keywords: []string{"authorization"},
			Pattern:  regexp.MustCompile(`(?i)(?P<key>authorization)["']?[ \t]*[:=][ \t]*["']?(?:(?P<scheme>basic|bearer|token|apikey|api-token|api-key)[ \t]+)?(?P<secret>[A-Za-z0-9+/=._~-]{16,1000})`),
			After:    1100, Token: authValueSet, MinEntropy: 3, Check: checkAuthorization,
		},
		{
			ID: "curl-user-password", Description: "user:password given to curl -u",
			Keywords: []string{"curl"},
			Pattern:  regexp.MustCompile(`(?P<key>curl(?:[^\r\n\\]|\\\r?\n|\\)*?[ \t](?:-u|--user)[ \t=]*["']?[^:\s"'$]{0,64}:["']?)(?P<secret>[^\s"'$]{3,128})`),
			After:    600, Multiline: true, Check: checkCurlPassword,
		},
	}
}

// authValueSet is the character set of Authorization header credentials.
var authValueSet = newCharset("A-Za-z0-9+/=._~-")

// checkAuthorization accepts a header credential: Basic credentials that
// decode to user:password with a real password, other schemes' tokens that
// mix kinds of characters and are not placeholders or signed tokens found
// by the JWT rule.
func checkAuthorization(c *Candidate) bool {
	s := c.Secret()
	scheme := schemeBefore(c)
	if bytes.EqualFold(scheme, []byte("basic")) {
		dec, err := base64.StdEncoding.DecodeString(string(s))
		if err != nil {
			return false
		}
		i := bytes.IndexByte(dec, ':')
		return i >= 0 && i < len(dec)-1 && printable(dec) && !IsPlaceholder(dec[i+1:])
	}
	if bytes.HasPrefix(s, []byte("eyJ")) {
		return false
	}
	return classes(s)-others(s) >= 2
}

// schemeBefore returns the word between the header name and the credential
// ("Basic", "Bearer"), or nil.
func schemeBefore(c *Candidate) []byte {
	between := bytes.TrimRight(c.Buf[c.KeyEnd:c.SecretStart], " \t")
	i := len(between)
	for i > 0 && (between[i-1] >= 'a' && between[i-1] <= 'z' || between[i-1] >= 'A' && between[i-1] <= 'Z') {
		i--
	}
	return between[i:]
}

// checkCurlPassword accepts a curl password that is not a placeholder, a
// variable or punctuation alone.
func checkCurlPassword(c *Candidate) bool {
	v := c.Secret()
	return hasAlnum(v) && v[0] != '%' && !IsPlaceholder(v)
}
