package rules

import (
	"bytes"
	"encoding/base64"
	"regexp"
)

// passwordRules find passwords: in URLs and connection strings, in .netrc
// files, and in assignments to secret-sounding names.
func passwordRules() []*Rule {
	return []*Rule{
		{
			ID: "url-password", Description: "password in a URL or connection string",
			Keywords: []string{"://", `:\/\/`},
			Pattern:  regexp.MustCompile(`(?P<key>[A-Za-z][A-Za-z0-9+.-]{1,30}:(?:\\?/){2}(?P<user>[^:/?#@\s"'\x60\\<>{}$]{1,128})):(?P<secret>[^@/?#\s"'\x60\\]{1,256})@[A-Za-z0-9\[._-]`),
			Before:   34, After: 420, Check: checkURLPassword, Quick: quickURL,
		},
		{
			ID: "netrc-password", Description: "password in a .netrc entry",
			Keywords: []string{"machine"},
			Pattern:  regexp.MustCompile(`(?P<key>machine[ \t\r\n]+\S+[ \t\r\n]+(?:(?:login|account|port)[ \t\r\n]+\S+[ \t\r\n]+)*password[ \t\r\n]+)(?P<secret>[^\s"'\\]+)`),
			After:    400, Multiline: true, MinLen: 4, Check: checkNetrc,
		},
		{
			ID: "generic-password", Description: "password assigned to a password-like name",
			Keywords: []string{"pass", "pwd"},
			Pattern:  regexp.MustCompile(`(?i)(?P<key>` + passwordName + `)` + valueAfterName),
			Before:   44, After: 300, Generic: true, MinLen: 6, Check: checkGenericPassword, Quick: quickAssign,
		},
		{
			ID: "generic-password", Description: "password in an XML element named like a password",
			Keywords: []string{"pass", "pwd"},
			Pattern:  regexp.MustCompile(`(?i)<(?P<key>` + passwordName + `)>` + valueInElement),
			Before:   44, After: 300, Multiline: true, Generic: true, MinLen: 6, Check: checkGenericPassword, Quick: quickElement,
		},
		{
			ID: "generic-password", Description: "password in a key/value pair of XML attributes",
			Keywords: []string{"pass", "pwd"},
			Pattern:  regexp.MustCompile(`(?i)key[ \t]*=[ \t]*"(?P<key>` + passwordName + `)"` + valueAttribute),
			Before:   44, After: 300, Generic: true, MinLen: 6, Check: checkGenericPassword, Quick: quickAttribute,
		},
		{
			ID: "generic-secret", Description: "secret, token or API key assigned to a secret-like name",
			Keywords: secretKeywords,
			Pattern:  regexp.MustCompile(`(?i)(?P<key>` + secretName + `)` + valueAfterName),
			Before:   44, After: 300, Generic: true, MinLen: 10, MinEntropy: 3, Check: checkGenericSecret, Quick: quickAssign,
		},
		{
			ID: "generic-secret", Description: "secret, token or API key in an XML element named like one",
			Keywords: secretKeywords,
			Pattern:  regexp.MustCompile(`(?i)<(?P<key>` + secretName + `)>` + valueInElement),
			Before:   44, After: 300, Multiline: true, Generic: true, MinLen: 10, MinEntropy: 3, Check: checkGenericSecret, Quick: quickElement,
		},
	}
}

// Names that the generic rules look for, and their keywords.
const (
	passwordName = `[a-z0-9_.-]{0,40}?(?:passwd|password|passphrase|pass|pwd)(?:[_.-]?(?:value|str|string))?`
	secretName   = `[a-z0-9_.-]{0,40}?(?:secret|token|api[_.-]?key|access[_.-]?key|auth[_.-]?key|private[_.-]?key|credentials?)(?:[_.-]?(?:key|value|str|string))?`
)

var secretKeywords = []string{"secret", "token", "apikey", "api_key", "api-key", "access_key", "accesskey", "access-key", "auth_key", "authkey", "private_key", "privatekey", "credential"}

// valueAfterName matches what follows a name: an assignment operator and its
// value (double-quoted, single-quoted, JSON-escaped-quoted, or bare), or, after
// a quoted name, a comma and a quoted value (a call or a pair:
// setenv("NAME", "value")).
const valueAfterName = `(?:["'\x60\\]{0,3}[ \t]*(?::=|=>|=|:)[ \t]*` +
	`(?:"(?P<secret>[^"\\\r\n]{1,200})"|'(?P<secret2>[^'\\\r\n]{1,200})'|\\"(?P<secret3>[^"\\\r\n]{1,200})\\"|(?P<secret4>[^\s"'\x60\\;,#=<>!$(){}\[\]&|*%][^\s"'\x60\\;,&|(){}\[\]<>]{0,199}))` +
	`|["'][ \t]*,[ \t]*(?:"(?P<secret5>[^"\\\r\n]{1,200})"|'(?P<secret6>[^'\\\r\n]{1,200})'))`

// valueAttribute matches the value attribute that follows a key attribute:
// <add key="Password" value="..." />.
const valueAttribute = `[ \t]+value[ \t]*=[ \t]*"(?P<secret>[^"\r\n]{1,200})"`

// valueInElement matches the text of an XML element up to its closing tag,
// blanks and line breaks around it allowed: <apiToken>value</apiToken>.
const valueInElement = `\s*(?P<secret>[^\s<>"'&]{1,200})\s*</`

var (
	envNameRe = lazyRegexp(`^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$`)
	// snakeNameRe matches lower-case words joined by underscores: the name of
	// a setting or a variable, not a password.
	snakeNameRe = lazyRegexp(`^[a-z]+(?:_[a-z]+)+$`)
	// tokenNameRe matches names (in lower case) that end in a token or an API key.
	tokenNameRe = lazyRegexp(`(?:token|api[_.-]?key)(?:[_.-]?(?:value|str|string))?$`)
	memberRe    = lazyRegexp(`^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$`)
	publicNames = [][]byte{[]byte("public"), []byte("publishable"), []byte("csrf"), []byte("xsrf")}
	// versionRe finds a dotted version number (1.2.3): a package coordinate,
	// not a random value.
	versionRe = lazyRegexp(`[0-9]+\.[0-9]+\.[0-9]+`)
	notSecret = [][]byte{[]byte("bypass"), []byte("compass"), []byte("surpass"), []byte("trespass"),
		[]byte("overpass"), []byte("underpass"), []byte("impass"), []byte("firstpass"), []byte("multipass")}
)

// quoted reports whether the candidate's secret was written inside quotes.
func quoted(c *Candidate) bool {
	if c.SecretStart == 0 {
		return false
	}
	switch c.Buf[c.SecretStart-1] {
	case '"', '\'':
		return true
	}
	return false
}

// checkAssignment applies the checks shared by the generic rules: the name is
// a whole word, a bare value is not code, and the value is not a placeholder,
// a hash, an identifier or an environment variable's name.
func checkAssignment(c *Candidate) bool {
	key := bytes.ToLower(c.Key())
	for _, w := range notSecret {
		if bytes.HasSuffix(key, w) {
			return false
		}
	}
	// Public and publishable keys, and anti-forgery tokens, are handed to
	// every client; they are not credentials.
	for _, w := range publicNames {
		if bytes.Contains(key, w) {
			return false
		}
	}
	// The name must start at a word boundary (not in the middle of an identifier).
	if c.KeyStart > 0 {
		b := c.Buf[c.KeyStart-1]
		if alnum.has(b) && !escapedBefore(c.Buf, c.KeyStart) {
			return false
		}
	}
	v := c.Secret()
	if !quoted(c) {
		if c.Hints.Code {
			return false
		}
		if bytes.HasPrefix(v, []byte("/")) || bytes.HasPrefix(v, []byte("./")) || bytes.HasPrefix(v, []byte("~/")) {
			return false
		}
		// A call or an index (get_password(), cfg["pw"]) or a member
		// (self.password) is code, even outside source files.
		if c.SecretEnd < len(c.Buf) && (c.Buf[c.SecretEnd] == '(' || c.Buf[c.SecretEnd] == '[') || memberRe().Match(v) {
			return false
		}
	}
	if uuidRe().Match(v) {
		// A UUID under a token or API-key name is a credential (many services
		// issue UUID keys); under other names it is an id beside a secret.
		if !tokenNameRe().Match(key) {
			return false
		}
	} else if IsHashOrID(v) {
		return false
	}
	if envNameRe().Match(v) || bytes.HasPrefix(v, []byte("eyJ")) {
		return false
	}
	if bytes.HasPrefix(v, []byte("AIza")) && !checkNotFirebaseConfig(c) {
		return false
	}
	if dec, err := base64.StdEncoding.DecodeString(string(v)); err == nil && len(v) >= 8 && printable(dec) && IsPlaceholder(dec) {
		return false
	}
	return !IsPlaceholder(v)
}

// checkGenericPassword accepts a password assignment.
func checkGenericPassword(c *Candidate) bool {
	if !checkAssignment(c) {
		return false
	}
	v := c.Secret()
	// A password has a letter or a digit; punctuation alone is a mask or a
	// separator. Lower-case words joined by underscores name a setting.
	if !hasAlnum(v) || snakeNameRe().Match(v) {
		return false
	}
	// A word of one kind of character is a reference, an enum value or a
	// field name (password: required, "weight"); a password mixes kinds of
	// characters or is long.
	return classes(v) >= 2 || quoted(c) && len(v) >= 10
}

// checkGenericSecret accepts a secret assignment whose value looks random:
// at least two kinds of characters among lower case, upper case and digits.
func checkGenericSecret(c *Candidate) bool {
	if !checkAssignment(c) {
		return false
	}
	v := c.Secret()
	if bytes.IndexByte(v, ' ') >= 0 || versionRe().Match(v) {
		return false
	}
	return classes(v)-others(v) >= 2
}

// hasAlnum reports whether v has an ASCII letter or digit.
func hasAlnum(v []byte) bool {
	for _, b := range v {
		if alnum.has(b) {
			return true
		}
	}
	return false
}

// others is 1 when v has a character that is not a letter or a digit.
func others(v []byte) int {
	for _, b := range v {
		if !alnum.has(b) {
			return 1
		}
	}
	return 0
}

// classes counts the kinds of characters in v: lower case, upper case,
// digits and others.
func classes(v []byte) int {
	var lo, up, dig, oth int
	for _, b := range v {
		switch {
		case 'a' <= b && b <= 'z':
			lo = 1
		case 'A' <= b && b <= 'Z':
			up = 1
		case '0' <= b && b <= '9':
			dig = 1
		default:
			oth = 1
		}
	}
	return lo + up + dig + oth
}

// checkURLPassword accepts a URL password that is not a placeholder, a
// template or the user name again.
func checkURLPassword(c *Candidate) bool {
	v := c.Secret()
	if v[0] == '$' || v[0] == '%' && len(v) > 1 && (v[1] == 's' || v[1] == '(') {
		return false
	}
	key := c.Key()
	if i := bytes.LastIndex(key, []byte("/")); i >= 0 && bytes.Equal(key[i+1:], v) {
		return false
	}
	return true
}

// checkNetrc accepts a .netrc password that is not a placeholder.
func checkNetrc(c *Candidate) bool {
	v := c.Secret()
	return v[0] != '$' && !IsPlaceholder(v)
}

// printable reports whether s is printable ASCII.
func printable(s []byte) bool {
	for _, b := range s {
		if b < 0x20 || b > 0x7e {
			return false
		}
	}
	return true
}
