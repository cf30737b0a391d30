package pipeline

import (
	"net/url"
	"strings"
	"unicode"
)

// secretWords are words that make any name holding them secret-looking
// (`db_password`, `CLIENT_SECRET`, `apiKey` split as api+key is below).
var secretWords = map[string]bool{
	"password": true, "passwd": true, "passphrase": true,
	"secret": true, "secrets": true, "credential": true, "credentials": true,
	"apikey": true, "privatekey": true, "accesskey": true, "secretkey": true,
}

// secretPairs are two-word sequences that make a name secret-looking.
var secretPairs = map[[2]string]bool{
	{"api", "key"}: true, {"access", "key"}: true, {"private", "key"}: true, {"secret", "key"}: true,
	{"signing", "key"}: true, {"encryption", "key"}: true, {"account", "key"}: true, {"master", "key"}: true,
	{"auth", "token"}: true, {"access", "token"}: true, {"refresh", "token"}: true, {"bearer", "token"}: true,
	{"session", "token"}: true, {"sas", "token"}: true, {"basic", "auth"}: true,
}

// notCredentialTokens are words before `token` that name a vocabulary entry
// (`pad_token`, `eos_token`) or a count (`max_token`), not a credential.
var notCredentialTokens = map[string]bool{
	"pad": true, "unk": true, "bos": true, "eos": true, "cls": true, "sep": true, "mask": true,
	"start": true, "end": true, "begin": true, "stop": true, "special": true, "eot": true, "sot": true,
	"max": true, "min": true, "num": true, "new": true, "first": true, "last": true, "split": true,
	"per": true, "added": true, "default": true, "extra": true, "additional": true,
}

// LooksSecret reports whether a parameter or environment variable name
// suggests that its value is a credential: it holds a word such as
// password, secret or credential, a pair such as api_key or access_token,
// or ends in `token` after a word that is not a vocabulary role
// (`HF_TOKEN` is secret, `pad_token` and `max_tokens` are not), or in
// `pass` or `pwd` after another word (`DB_PASS`). Names are
// split into words at `_`, `-`, `.` and camelCase boundaries.
func LooksSecret(name string) bool {
	w := nameWords(name)
	for i, x := range w {
		if secretWords[x] {
			return true
		}
		if i+1 < len(w) && secretPairs[[2]string{x, w[i+1]}] {
			return true
		}
	}
	n := len(w)
	if n == 0 {
		return false
	}
	switch w[n-1] {
	case "token":
		return n == 1 || !notCredentialTokens[w[n-2]]
	case "pass", "pwd":
		// DB_PASS, SMTP_PWD; a lone PWD is the shell's working directory.
		return n > 1
	}
	return false
}

// nameWords splits a name into lower-case words.
func nameWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}

// hasURLPassword reports whether s is a URL whose userinfo holds a password
// (`postgres://user:pass@host/db`).
func hasURLPassword(s string) bool {
	if !strings.Contains(s, "://") || !strings.Contains(s, "@") {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return false
	}
	p, ok := u.User.Password()
	return ok && p != ""
}
