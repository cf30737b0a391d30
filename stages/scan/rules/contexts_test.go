package rules_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil/scancorpus"
	"github.com/mlpipe/pipeline/stages/scan/rules"
)

// TestContexts checks secrets written in ways that need more than one line or
// an unescaping step: PEM blocks (plain, CRLF, JSON-escaped), service-account
// JSON, Kubernetes Secrets, .netrc, tokens before an escaped quote.
func TestContexts(t *testing.T) {
	f := scancorpus.NewFake(3)
	pem := f.PEM("RSA PRIVATE KEY", 900)
	pkcs8 := f.PEM("PRIVATE KEY", 1200)
	ossh := f.PEM("OPENSSH PRIVATE KEY", 400)
	ec := f.PEM("EC PRIVATE KEY", 120)
	escaped, _ := json.Marshal(pkcs8 + "\n")
	gh := "ghp_" + f.Str("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36)
	pw := f.Password()
	k8sPw := f.Password()
	k8sB64 := base64.StdEncoding.EncodeToString([]byte(k8sPw))
	tests := []struct {
		name   string
		text   string
		kind   string
		secret string
		code   bool
	}{
		{"pem", "key:\n" + pem + "\n", "private-key", pem, false},
		{"pem crlf", strings.ReplaceAll("a\n"+ossh+"\n", "\n", "\r\n"), "private-key", ossh, false},
		{"pem ec", ec, "private-key", ec, false},
		{"pem json escaped", `{"key": ` + string(escaped) + `}`, "private-key", pkcs8, false},
		{"service account", `{"type": "service_account", "project_id": "p", "private_key_id": "` + f.Str("0123456789abcdef", 40) + `", "private_key": ` + string(escaped) + `, "client_email": "a@p.iam.gserviceaccount.com"}`, "gcp-service-account", pkcs8, false},
		{"escaped quote", `"{\"token\": \"` + gh + `\"}"`, "github-pat", gh, true},
		{"escaped newline before token", `"line\n` + gh + `"`, "github-pat", gh, true},
		{"json escaped url", `{"dsn": "postgres:\/\/app:` + pw[:10] + `@db\/x"}`, "url-password", pw[:10], false},
		{"netrc", "machine api.mlpipe.dev\n  login ci\n  password " + pw + "\n", "netrc-password", pw, false},
		{"k8s yaml", "apiVersion: v1\ndata:\n  db-password: " + k8sB64 + "\nkind: Secret\nmetadata:\n  name: db\n", "kubernetes-secret", k8sB64, false},
		{"k8s stringData", "kind: Secret\nstringData:\n  password: \"" + k8sPw + "\"\n", "kubernetes-secret", k8sPw, false},
		{"k8s json", `{"apiVersion": "v1", "kind": "Secret", "data": {"token": "` + k8sB64 + `"}}`, "kubernetes-secret", k8sB64, false},
		{"quoted password in code", `conn = connect(host="db", password="` + pw + `")`, "generic-password", pw, true},
		{"yaml password", "db:\n  password: " + pw + "\n", "generic-password", pw, false},
	}
	det := rules.Default()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ms := det.Find([]byte(tc.text), rules.Hints{Code: tc.code})
			if len(ms) != 1 {
				var got []string
				for _, m := range ms {
					got = append(got, m.Rule.ID+" "+m.Preview)
				}
				t.Fatalf("got %d matches %v, want one %s", len(ms), got, tc.kind)
			}
			if ms[0].Rule.ID != tc.kind || string(ms[0].Secret) != tc.secret {
				t.Fatalf("got %s %q, want %s %q", ms[0].Rule.ID, ms[0].Secret, tc.kind, tc.secret)
			}
			if strings.Contains(ms[0].Preview, tc.secret) {
				t.Fatalf("preview %q shows the secret", ms[0].Preview)
			}
		})
	}
}
