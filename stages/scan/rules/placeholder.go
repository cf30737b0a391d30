package rules

import (
	"bytes"
)

// placeholderMarkers are substrings (compared in lower case) that mark a value
// as a template, a placeholder or documentation rather than a credential.
var placeholderMarkers = [][]byte{
	[]byte("example"), []byte("placeholder"), []byte("changeme"), []byte("change_me"),
	[]byte("change-me"), []byte("replace_me"), []byte("replace-me"), []byte("replaceme"),
	[]byte("your_"), []byte("your-"), []byte("yourtoken"), []byte("yourkey"), []byte("yoursecret"),
	[]byte("xxxx"), []byte("****"), []byte("...."), []byte("…"), []byte("<"), []byte(">"),
	[]byte("${"), []byte("{{"), []byte("}}"), []byte("%s"), []byte("%("), []byte("$("),
	[]byte("dummy"), []byte("redacted"), []byte("insert_"), []byte("insert-"), []byte("fake"),
}

// placeholderWords are whole values (compared in lower case) that are not
// secrets: type names, literals, defaults and the names of the fields themselves.
var placeholderWords = map[string]bool{
	"password": true, "passwd": true, "pass": true, "pwd": true, "secret": true, "token": true,
	"none": true, "null": true, "nil": true, "true": true, "false": true, "undefined": true,
	"empty": true, "str": true, "string": true, "int": true, "bytes": true, "required": true,
	"optional": true, "admin": true, "root": true, "test": true, "testing": true, "user": true,
	"username": true, "default": true, "hidden": true, "value": true, "foo": true, "bar": true,
	"baz": true, "postgres": true, "mysql": true, "guest": true, "apikey": true, "api_key": true,
	"secretkey": true, "secret_key": true, "my_password": true, "mypassword": true, "todo": true,
	"fixme": true, "tbd": true, "n/a": true, "unset": true, "notset": true, "not_set": true,
	"secretpassword": true, "supersecret": true, "s3cr3t": true, "p@ssw0rd": true, "passw0rd": true,
}

// documentedExamples are values published in vendors' documentation.
var documentedExamples = map[string]bool{
	"AKIAIOSFODNN7EXAMPLE":                        true,
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY":    true,
	"sk_test_4eC39HqLyjWDarjtT1zdp7dc":            true,
	"sk_test_BQokikJOvBiI2HlWgH4olfQ2":            true,
	"SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c": true,
}

// IsPlaceholder reports whether a value is a template, a placeholder, a
// documented example or a run of repeated or sequential characters.
func IsPlaceholder(v []byte) bool {
	if len(v) == 0 {
		return true
	}
	if documentedExamples[string(v)] {
		return true
	}
	lv := bytes.ToLower(v)
	if placeholderWords[string(lv)] {
		return true
	}
	for _, m := range placeholderMarkers {
		if bytes.Contains(lv, m) {
			return true
		}
	}
	return wrapped(v) || repetitive(v) || sequential(v)
}

// wrapped reports whether v is a word in brackets or percent signs: a
// placeholder to fill in ([PASSWORD]) or a variable (%DB_PASSWORD%).
func wrapped(v []byte) bool {
	n := len(v)
	return n >= 3 && (v[0] == '[' && v[n-1] == ']' || v[0] == '%' && v[n-1] == '%')
}

// repetitive reports whether v is made of at most two distinct bytes, or
// whether one byte makes up more than half of a long value.
func repetitive(v []byte) bool {
	var counts [256]int
	distinct := 0
	most := 0
	for _, b := range v {
		if counts[b] == 0 {
			distinct++
		}
		counts[b]++
		if counts[b] > most {
			most = counts[b]
		}
	}
	return distinct <= 2 || (len(v) >= 12 && most*2 > len(v))
}

// sequential reports whether v holds a run of six or more consecutive
// ascending or descending characters ("123456", "abcdef", "987654").
func sequential(v []byte) bool {
	up, down := 1, 1
	for i := 1; i < len(v); i++ {
		if v[i] == v[i-1]+1 {
			up++
		} else {
			up = 1
		}
		if v[i] == v[i-1]-1 {
			down++
		} else {
			down = 1
		}
		if up >= 6 || down >= 6 {
			return true
		}
	}
	return false
}

var (
	uuidRe  = lazyRegexp(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	hashRe  = lazyRegexp(`^(?:\$(?:2[abxy]?|1|5|6|argon2[a-z]*|pbkdf2[a-z0-9-]*|scrypt|y|7)\$|(?i:sha(?:1|224|256|384|512)|md5|blake2[bs]?|xxh3|xxh64|crc32)[:$-]|pbkdf2_sha\d+\$)`)
	mediaRe = lazyRegexp(`^(?:data:|iVBORw0KGgo|/9j/|R0lGOD|UklGR|ssh-(?:rsa|ed25519|dss) |ecdsa-sha2-|-----BEGIN (?:PUBLIC|CERTIFICATE|RSA PUBLIC))`)
)

// IsHashOrID reports whether a value is a password hash, a digest with its
// algorithm, a UUID, an encoded image or a public key: things that sit next to
// secret-sounding names without being secrets.
func IsHashOrID(v []byte) bool {
	return uuidRe().Match(v) || hashRe().Match(v) || mediaRe().Match(v)
}
