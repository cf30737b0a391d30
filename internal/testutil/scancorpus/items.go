package scancorpus

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// Item is a piece of text that holds fake secrets.
type Item struct {
	// Text is one or more lines.
	Text string
	// Secrets are the secrets in Text.
	Secrets []Planted
	// MultiLine is true when the item relies on real line breaks (a YAML or
	// .netrc block) and cannot be JSON-escaped into one line.
	MultiLine bool
}

// Planted is one secret in an item.
type Planted struct {
	// Line is the 0-based line of Text the secret starts on.
	Line int
	// Kind is the rule expected to report it.
	Kind string
	// Value is the secret's text.
	Value string
}

// Items draws perFamily single-line items of every family, plus blocks:
// PEM keys of each type, service-account JSON, Kubernetes Secrets and .netrc
// entries.
func Items(f *Fake, perFamily int) []Item {
	var out []Item
	for i := 0; i < perFamily; i++ {
		for _, fam := range Families() {
			s := fam.Make(f)
			out = append(out, Item{Text: s.Render(), Secrets: []Planted{{0, s.Kind, s.Value}}})
		}
		for _, label := range []string{"RSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "PRIVATE KEY"} {
			pem := f.PEM(label, 120+f.Intn(1000))
			out = append(out, Item{Text: "# deploy key\n" + pem, Secrets: []Planted{{1, "private-key", pem}}})
		}
		pem := f.PEM("PRIVATE KEY", 1190)
		sa := map[string]string{
			"type": "service_account", "project_id": "mlpipe-" + f.Str("abcdefghijklmnopqrstuvwxyz", 6),
			"private_key_id": f.Str(hexChars, 40), "private_key": pem + "\n",
			"client_email": "trainer@mlpipe.iam.gserviceaccount.com",
		}
		keys := []string{"type", "project_id", "private_key_id", "private_key", "client_email"}
		var b strings.Builder
		b.WriteString("{\n")
		for j, k := range keys {
			v, _ := json.Marshal(sa[k])
			fmt.Fprintf(&b, "  %q: %s", k, v)
			if j < len(keys)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString("}")
		out = append(out, Item{Text: b.String(), Secrets: []Planted{{4, "gcp-service-account", pem}}})

		pw := f.Password()
		b64 := base64.StdEncoding.EncodeToString([]byte(pw))
		tok := f.Str(alnumChars, 40)
		out = append(out, Item{
			Text: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-" + f.Str("abcdefghijklmnopqrstuvwxyz", 5) +
				"\ntype: Opaque\ndata:\n  password: " + b64 + "\nstringData:\n  api-token: \"" + tok + "\"",
			Secrets:   []Planted{{6, "kubernetes-secret", b64}, {8, "kubernetes-secret", tok}},
			MultiLine: true,
		})
		npw := f.Password()
		out = append(out, Item{
			Text:      "machine api." + f.Str("abcdefghijklmnopqrstuvwxyz", 6) + ".io\n  login ci\n  password " + npw,
			Secrets:   []Planted{{2, "netrc-password", npw}},
			MultiLine: true,
		})
	}
	return out
}

// fillers are lines of ordinary source and config text.
var fillers = []string{
	"# Training configuration for the spam classifier",
	"learning_rate: 0.0003",
	"batch_size = 64",
	"def train(model, data, steps=1000):",
	"    for step, batch in enumerate(data):",
	"        loss = model.step(batch)",
	"import numpy as np",
	"logger.info(\"epoch %d done\", epoch)",
	"tokenizer: bpe",
	"max_length: 256",
	"export PATH=$HOME/.local/bin:$PATH",
	"  - name: checkout",
	"    uses: actions/checkout@v4",
	"SELECT id, text, label FROM messages WHERE split = 'train';",
	"const model = await loadModel(\"./weights.bin\");",
	"The quick brown fox jumps over the lazy dog.",
	"return {\"accuracy\": acc, \"f1\": f1}",
	"seed: 7",
	"",
}

// Filler returns a random ordinary line.
func (f *Fake) Filler() string {
	s := fillers[f.Intn(len(fillers))]
	if f.Intn(4) == 0 {
		s += fmt.Sprintf(" # %d", f.Intn(100000))
	}
	return s
}
