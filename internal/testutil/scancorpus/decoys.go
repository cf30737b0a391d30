package scancorpus

import (
	"encoding/base64"
	"strings"
)

// Decoy is text that looks like a credential but is not one; the scanner must
// not report it.
type Decoy struct {
	// Name says what the decoy is.
	Name string
	// Code is true when the text only makes sense as program source (it names
	// variables), so it is placed in source files.
	Code bool
	// Text is one or more lines.
	Text string
}

// Decoys returns the decoys, with random parts drawn from f.
func Decoys(f *Fake) []Decoy {
	hex64 := f.Str(hexChars, 64)
	uuid := f.Str(hexChars, 8) + "-" + f.Str(hexChars, 4) + "-4" + f.Str(hexChars, 3) + "-a" + f.Str(hexChars, 3) + "-" + f.Str(hexChars, 12)
	pngRaw := append([]byte("\x89PNG\r\n\x1a\n"), []byte(f.Str(alnumChars, 300))...)
	png := base64.StdEncoding.EncodeToString(pngRaw)
	enc := base64.RawURLEncoding
	unsigned := enc.EncodeToString([]byte(`{"alg":"none"}`)) + "." + enc.EncodeToString([]byte(`{"sub":"1234"}`)) + "."
	certBody := strings.ReplaceAll(f.PEM("CERTIFICATE", 600), "\n", "\n")
	return []Decoy{
		{Name: "aws documented key id", Text: "aws_access_key_id = AKIAIOSFODNN7EXAMPLE"},
		{Name: "aws documented secret", Text: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
		{Name: "stripe documented key", Text: `stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"`},
		{Name: "jwt.io example", Text: "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"},
		{Name: "x placeholder token", Text: "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
		{Name: "angle placeholder", Text: "token: <YOUR_TOKEN>"},
		{Name: "env reference", Text: `api_key = "${API_KEY}"`},
		{Name: "changeme", Text: "password: changeme"},
		{Name: "replace me", Text: "SECRET_KEY=REPLACE_ME"},
		{Name: "stars", Text: `password = "********"`},
		{Name: "template", Text: `password: "{{ .Values.db.password }}"`},
		{Name: "elided key", Text: "OPENAI_API_KEY=sk-..."},
		{Name: "sha256 digest", Text: "sha256 = \"" + hex64 + "\""},
		{Name: "image digest", Text: "image: ghcr.io/mlpipe/trainer@sha256:" + hex64},
		{Name: "git sha", Text: "rev: " + f.Str(hexChars, 40)},
		{Name: "bcrypt hash", Text: `password: "$2b$12$` + f.Str(alnumChars+"./", 53) + `"`},
		{Name: "sri integrity", Text: `"integrity": "sha512-` + f.Base64(64) + `",`},
		{Name: "uuid secret id", Text: `client_secret = "` + uuid + `"`},
		{Name: "uuid request", Text: "request_id: " + uuid},
		{Name: "base64 image", Text: `<img src="data:image/png;base64,` + png + `">`},
		{Name: "ssh public key", Text: "ssh-rsa AAAAB3NzaC1yc2E" + f.Str(b64Chars, 360) + " ml@build"},
		{Name: "public key pem", Text: f.PEM("PUBLIC KEY", 294)},
		{Name: "certificate", Text: certBody},
		{Name: "placeholder private key", Text: "-----BEGIN RSA PRIVATE KEY-----\n<your private key here>\n-----END RSA PRIVATE KEY-----"},
		{Name: "unsigned jwt", Text: "token = " + unsigned},
		{Name: "url placeholder", Text: "DATABASE_URL=postgres://user:password@localhost:5432/app"},
		{Name: "url template", Text: "url: postgresql://${DB_USER}:${DB_PASSWORD}@db:5432/app"},
		{Name: "url without password", Text: "see https://github.com/mlpipe/pipeline and http://localhost:8080/api?x=1"},
		{Name: "netrc variable", Text: "machine api.mlpipe.dev login ci password ${NETRC_PASSWORD}"},
		{Name: "k8s placeholder", Text: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: " + base64.StdEncoding.EncodeToString([]byte("changeme")) + "\n  ca.crt: " + base64.StdEncoding.EncodeToString([]byte(certBody))},
		{Name: "docker empty auth", Text: `{"auths": {"ghcr.io": {"auth": ""}}}`},
		{Name: "random id", Text: `"id": "` + f.Str(alnumChars, 32) + `"`},
		{Name: "secret name", Text: "secretName: my-tls-secret"},
		{Name: "secret word", Text: "secret: my-app-secret"},
		{Name: "compass", Text: `compass = "north-west"`},
		{Name: "bypass", Text: "bypass_cache: true"},
		{Name: "pad token", Text: `pad_token: "<pad>"`},
		{Name: "eos token", Text: `eos_token = "</s>"`},
		{Name: "max tokens", Text: "max_tokens: 256"},
		{Name: "env lookup", Code: true, Text: `password = os.environ["DB_PASSWORD"]`},
		{Name: "self assignment", Code: true, Text: "api_key = api_key"},
		{Name: "call", Code: true, Text: "token = get_token(session)"},
		{Name: "type hint", Code: true, Text: "    password: str"},
		{Name: "js env", Code: true, Text: "const secret = process.env.SECRET;"},
		{Name: "member", Code: true, Text: "        self.password = password"},
		{Name: "dict value", Code: true, Text: `    "password": password,`},
		{Name: "tokenizer", Code: true, Text: `tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")`},
		{Name: "f-string url", Code: true, Text: `dsn = f"postgres://{user}:{pw}@{host}/db"`},
		{Name: "env name", Code: true, Text: `secret = os.getenv("AWS_SECRET_ACCESS_KEY")`},
	}
}
