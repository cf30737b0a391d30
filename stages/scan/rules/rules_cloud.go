package rules

import (
	"bytes"
	"regexp"
)

// assign matches what sits between a name and its value: closing quotes, an
// operator (=, :, :=, =>) and opening quotes, including JSON-escaped quotes.
const assign = `["'\x60\\]{0,3}[ \t]*(?::=|=>|=|:)[ \t]*["'\x60\\]{0,3}`

// cloudRules find credentials of cloud providers and data platforms.
func cloudRules() []*Rule {
	return []*Rule{
		{
			ID: "aws-access-key-id", Description: "AWS access key id",
			Keywords: []string{"AKIA", "ASIA", "ABIA", "ACCA"}, ExactCase: true,
			Pattern: regexp.MustCompile(`(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}`),
			After:   20, Token: alnum, Visible: 4, MinEntropy: 2.5, Quick: quickSet(newCharset("A-Z2-7"), 16),
		},
		{
			ID: "aws-secret-access-key", Description: "AWS secret access key",
			Keywords: []string{"secret_access_key", "secretaccesskey", "secret-access-key", "aws_secret", "aws-secret", "awssecret"},
			Pattern:  regexp.MustCompile(`(?i)(?P<key>aws[_.-]?secret(?:[_.-]?access)?[_.-]?key|secret[_.-]?access[_.-]?key)` + assign + `(?P<secret>[A-Za-z0-9/+]{40})`),
			Before:   8, After: 120, Token: b64Body, MinEntropy: 3.5,
		},
		{
			ID: "gcp-api-key", Description: "Google Cloud API key",
			Keywords: []string{"AIza"}, ExactCase: true,
			Pattern: regexp.MustCompile(`AIza[0-9A-Za-z_-]{35}`),
			After:   40, Token: tokenSet, Visible: 4, MinEntropy: 3.5, Check: checkNotFirebaseConfig,
		},
		{
			ID: "gcp-service-account", Description: "Google Cloud service-account key (JSON)",
			Keywords: []string{"service_account"},
			Pattern:  regexp.MustCompile(`\\?"private_key\\?"\s*:\s*\\?"(?P<secret>-----BEGIN[A-Z ]{0,20}PRIVATE KEY-----(?:\\\\?[nr]|[A-Za-z0-9+/=\s])+?-----END[A-Z ]{0,20}PRIVATE KEY-----)`),
			Before:   8192, After: 8192, Multiline: true,
			VisibleTo: pemVisible, Normalize: normalizePEM, Check: checkPEM,
		},
		{
			ID: "azure-storage-key", Description: "Azure storage account key",
			Keywords: []string{"accountkey", "azure", "storage", "account_key", "account-key"},
			Pattern:  regexp.MustCompile(`(?i)(?P<key>AccountKey=|(?:azure|storage|account)[\w.-]{0,30}?key` + assign + `)(?P<secret>[A-Za-z0-9+/]{86}==)`),
			Before:   8, After: 160, Token: b64Body, MinEntropy: 4,
		},
		{
			ID: "databricks-token", Description: "Databricks personal access token",
			Keywords: []string{"dapi"}, ExactCase: true,
			Pattern: regexp.MustCompile(`dapi[0-9a-f]{32}(?:-[0-9]+)?`),
			After:   40, Token: alnum, Visible: 4, MinEntropy: 3, Quick: quickHex(32),
		},
	}
}

// firebaseFields are keys of a Firebase web-app configuration, the object
// that every page of the app ships to browsers along with its apiKey.
var firebaseFields = [][]byte{[]byte("authDomain"), []byte("messagingSenderId"), []byte("storageBucket"), []byte(".firebaseapp.com")}

// checkNotFirebaseConfig rejects an API key that sits in a Firebase web-app
// configuration (two or more of its other fields within 400 bytes): such a
// key identifies the app to the browser and is public by design.
func checkNotFirebaseConfig(c *Candidate) bool {
	lo, hi := max(c.Start-400, 0), min(c.End+400, len(c.Buf))
	w := c.Buf[lo:hi]
	n := 0
	for _, f := range firebaseFields {
		if bytes.Contains(w, f) {
			n++
		}
	}
	return n < 2
}
