package pipeline

import (
	"reflect"
	"strings"
	"testing"
)

func TestLooksSecret(t *testing.T) {
	secret := []string{"password", "db_password", "DB_PASS", "dbPassword", "CLIENT_SECRET", "api_key", "apiKey", "OPENAI_API_KEY",
		"HF_TOKEN", "token", "GITHUB_TOKEN", "access_token", "AWS_SECRET_ACCESS_KEY", "private_key", "credentials", "SMTP_PWD", "passphrase"}
	plain := []string{"key", "tokenizer", "max_tokens", "pad_token", "eos_token", "unk_token", "TOKENIZERS_PARALLELISM", "PWD",
		"keep_columns", "monkey", "passes", "first_pass_rate", "bypass", "sort_key", "label", "column", "hash_key_column"}
	for _, n := range secret {
		if !LooksSecret(n) {
			t.Errorf("LooksSecret(%q) = false", n)
		}
	}
	for _, n := range plain {
		if LooksSecret(n) {
			t.Errorf("LooksSecret(%q) = true", n)
		}
	}
}

// References, literals under secret-looking names, URLs with a password and
// --set values become placeholders everywhere the graph shows params, and
// each stage lists the secrets it uses.
func TestSecretsBecomePlaceholders(t *testing.T) {
	src := `version: 1
name: t
params: {db: {password: lit-one, host: h}, n: 3}
stages:
  a:
    kind: exec
    with:
      cmd: "run --url postgres://u:${secret:DB_PASS}@${db.host}/x --pw ${db.password}"
      outputs: [o]
      env: {HF_TOKEN: "${secret:HF_TOKEN}", MY_API_KEY: lit-two, DSN: "mysql://root:lit-three@h/db", MODE: fast}
  b:
    kind: exec
    with: {cmd: "echo ${n}", outputs: [o]}
`
	def, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	o, err := ParseOverride("db.password=from-set")
	if err != nil {
		t.Fatal(err)
	}
	g, err := Compile(def, []Override{o})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := g.Node("a")
	if got := a.Params["cmd"]; got != "run --url postgres://u:[secret:DB_PASS]@h/x --pw [secret:password]" {
		t.Errorf("cmd = %q", got)
	}
	env := a.Params["env"].(map[string]any)
	want := map[string]any{"HF_TOKEN": "[secret:HF_TOKEN]", "MY_API_KEY": "[secret:MY_API_KEY]", "DSN": "[secret:DSN]", "MODE": "fast"}
	if !reflect.DeepEqual(env, want) {
		t.Errorf("env = %v, want %v", env, want)
	}
	if want := []string{"DB_PASS", "DSN", "HF_TOKEN", "MY_API_KEY", "password"}; !reflect.DeepEqual(a.Secrets, want) {
		t.Errorf("a.Secrets = %v, want %v", a.Secrets, want)
	}
	if b, _ := g.Node("b"); b.Secrets != nil {
		t.Errorf("b.Secrets = %v", b.Secrets)
	}
	if g.Params["db"].(map[string]any)["password"] != "[secret:password]" || g.Overrides[0].Value != "[secret:password]" {
		t.Errorf("params %v, overrides %v hold the value", g.Params, g.Overrides)
	}
	if got := g.InlineSecrets(); !reflect.DeepEqual(got, []string{"DSN", "MY_API_KEY", "password"}) {
		t.Errorf("inline secrets %v", got)
	}
	if s := g.Secrets["password"]; s.Value() != "from-set" {
		t.Errorf("the override's value is not the one kept: %q", s.Value())
	}
	if s := g.Secrets["DB_PASS"]; s.Inline || s.Value() != "" {
		t.Errorf("a reference holds a value")
	}
	text := strings.Join(g.Warnings, "\n")
	for _, w := range []string{"params: `db.password`", "stage `a` with: `env.MY_API_KEY`", "${secret:MY_API_KEY}", "stage `a` with: `env.DSN`"} {
		if !strings.Contains(text, w) {
			t.Errorf("warnings lack %q:\n%s", w, text)
		}
	}
	for _, v := range []string{"lit-one", "lit-two", "lit-three", "from-set"} {
		if strings.Contains(string(CanonicalJSON(a.Params)), v) || strings.Contains(text, v) {
			t.Errorf("%q is shown", v)
		}
	}
	filled := FillSecrets(a.Params, map[string]string{"DB_PASS": "p1", "password": "from-set", "MY_API_KEY": "k", "DSN": "d", "HF_TOKEN": "t"})
	if got := filled["cmd"]; got != "run --url postgres://u:p1@h/x --pw from-set" {
		t.Errorf("filled cmd = %q", got)
	}
	if a.Params["cmd"] == filled["cmd"] {
		t.Error("FillSecrets changed the graph's params")
	}
}
