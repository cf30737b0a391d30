package rules_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/mlpipe/pipeline/internal/testutil/scancorpus"
	"github.com/mlpipe/pipeline/stages/scan/rules"
)

const (
	alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	lower = "abcdefghijklmnopqrstuvwxyz0123456789"
	upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	hex   = "0123456789abcdef"
	tok   = alnum + "_-"
	b64   = alnum + "+/"
)

// formatCase is a text and the rule expected to report it ("" for none).
type formatCase struct {
	name, text, want string
	code             bool
}

// checkFormats runs each case and compares the reported rule ids.
func checkFormats(t *testing.T, cases []formatCase) {
	t.Helper()
	det := rules.Default()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ms := det.Find([]byte(tc.text+"\n"), rules.Hints{Code: tc.code})
			var got []string
			for _, m := range ms {
				got = append(got, m.Rule.ID)
			}
			switch {
			case tc.want == "" && len(ms) > 0:
				t.Errorf("reported %v in %q, want nothing", got, tc.text)
			case tc.want != "" && (len(ms) != 1 || ms[0].Rule.ID != tc.want):
				t.Errorf("reported %v in %q, want one %s", got, tc.text, tc.want)
			}
		})
	}
}

// TestVendorFormats checks tokens recognised by their vendor prefix, and
// look-alikes of the wrong length or alphabet.
func TestVendorFormats(t *testing.T) {
	f := scancorpus.NewFake(11)
	uuid := func() string {
		return f.Str(hex, 8) + "-" + f.Str(hex, 4) + "-" + f.Str(hex, 4) + "-" + f.Str(hex, 4) + "-" + f.Str(hex, 12)
	}
	checkFormats(t, []formatCase{
		{"alibaba", "ALIYUN_AK=LTAI" + f.Str(alnum, 20), "alibaba-access-key-id", false},
		{"alibaba lower case", "ltai" + f.Str(alnum, 20), "", false},
		{"digitalocean", "DO_TOKEN=dop_v1_" + f.Str(hex, 64), "digitalocean-token", false},
		{"digitalocean short", "x = dop_v1_" + f.Str(hex, 40), "", false},
		{"heroku v2", "HRKU-AA" + f.Str(tok, 58), "heroku-api-key", false},
		{"entra client secret", "clientSecret: " + f.Str(alnum, 3) + "8Q~" + f.Str(alnum+"_~.-", 34), "azure-ad-client-secret", false},
		{"entra too short", "x " + f.Str(alnum, 3) + "8Q~" + f.Str(alnum, 12), "", false},
		{"cloudflare origin ca", "v1.0-" + f.Str(hex, 24) + "-" + f.Str(hex, 146), "cloudflare-origin-ca-key", false},
		{"doppler", "DOPPLER_TOKEN=dp.st." + f.Str(alnum, 43), "doppler-token", false},
		{"pulumi", "pul-" + f.Str(hex, 40), "pulumi-api-token", false},
		{"vault service", "VAULT_TOKEN=hvs." + f.Str(tok, 92), "vault-token", false},
		{"terraform", f.Str(alnum, 14) + ".atlasv1." + f.Str(tok, 67), "hashicorp-tf-api-token", false},
		{"fly token", "fo1_" + f.Str(tok, 43), "flyio-access-token", false},
		{"fly macaroon", `FLY_API_TOKEN="FlyV1 fm2_` + f.Str(b64, 120) + `"`, "flyio-access-token", false},
		{"openshift", "oc login --token=sha256~" + f.Str(tok, 43), "openshift-user-token", false},
		{"bedrock", "ABSKQmVkcm9ja0FQSUtleS" + f.Str(b64, 120) + "=", "aws-bedrock-api-key", false},
		{"planetscale token", "pscale_tkn_" + f.Str(tok, 43), "planetscale-token", false},
		{"planetscale password", "pscale_pw_" + f.Str(tok, 43), "planetscale-password", false},
		{"scalingo", "tk-us-" + f.Str(tok, 48), "scalingo-api-token", false},
		{"sourcegraph", "sgp_" + f.Str(hex, 16) + "_" + f.Str(hex, 40), "sourcegraph-access-token", false},
		{"rubygems", "rubygems_" + f.Str(hex, 48), "rubygems-api-token", false},
		{"clojars", "CLOJARS_" + f.Str(lower, 60), "clojars-api-token", false},
		{"artifactory", "AKCp" + f.Str(alnum, 69), "artifactory-api-key", false},
		{"harness", "pat." + f.Str(tok, 22) + "." + f.Str(lower, 24) + "." + f.Str(alnum, 20), "harness-api-key", false},
		{"teams webhook", "https://mlpipe.webhook.office.com/webhookb2/" + uuid() + "@" + uuid() + "/IncomingWebhook/" + f.Str(hex, 32) + "/" + uuid(), "microsoft-teams-webhook", false},
		{"square token", "sq0atp-" + f.Str(tok, 22), "square-access-token", false},
		{"square secret", "sq0csp-" + f.Str(tok, 43), "square-secret", false},
		{"flutterwave", "FLWSECK_TEST-" + f.Str("0123456789abcdefgh", 32) + "-X", "flutterwave-secret-key", false},
		{"plaid", "access-sandbox-" + uuid(), "plaid-api-token", false},
		{"perplexity", "PPLX_API_KEY=pplx-" + f.Str(alnum, 48), "perplexity-api-key", false},
		{"age", "AGE-SECRET-KEY-1" + f.Str("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58), "age-secret-key", false},
		{"age repeated", "AGE-SECRET-KEY-1" + strings.Repeat("Q", 58), "", false},
		{"stripe prod", "sk_prod_" + f.Str(alnum, 32), "stripe-secret-key", false},
		{"stripe restricted", "STRIPE_KEY=rk_live_" + f.Str(alnum, 99), "stripe-secret-key", false},
	})
}

// TestTokenShapes checks the rules whose checks look at a token's parts:
// GitLab lengths by prefix, Slack's random tail, Twilio's SID and token, and
// Azure keys and Google keys by their surroundings.
func TestTokenShapes(t *testing.T) {
	f := scancorpus.NewFake(12)
	sid := "AC" + f.Str(hex, 32)
	azureKey := f.Str(b64, 86) + "=="
	checkFormats(t, []formatCase{
		{"gitlab pat", "glpat-" + f.Str(tok, 20), "gitlab-token", false},
		{"gitlab pat too long", "glpat-" + f.Str(tok, 26), "", false},
		{"gitlab pipeline trigger", "glptt-" + f.Str(hex, 40), "gitlab-token", false},
		{"gitlab pipeline trigger not hex", "glptt-" + f.Str(upper, 40), "", false},
		{"gitlab oauth secret", "gloas-" + f.Str(tok, 64), "gitlab-token", false},
		{"gitlab oauth secret short", "gloas-" + f.Str(tok, 38), "", false},
		{"gitlab incoming mail", "glimt-" + f.Str(tok, 25), "gitlab-token", false},
		{"gitlab incoming mail short", "glimt-" + f.Str(tok, 22), "", false},
		{"gitlab agent", "glagent-" + f.Str(tok, 50), "gitlab-token", false},
		{"gitlab agent short", "glagent-" + f.Str(tok, 30), "", false},
		{"gitlab build", "glcbt-" + f.Str(alnum, 3) + "_" + f.Str(tok, 20), "gitlab-token", false},
		{"gitlab routable runner", "glrt-t1_" + f.Str(tok, 27) + "." + f.Str(lower, 2) + "." + f.Str(lower, 7), "gitlab-token", false},
		{"gitlab feed", "glft-" + f.Str(tok, 20), "gitlab-token", false},
		{"gitlab runner registration", "REGISTRATION_TOKEN=GR1348941" + f.Str(tok, 20), "gitlab-token", false},
		{"gitlab runner registration long", "GR1348941" + f.Str(tok, 30), "", false},
		{"slack ids with repeats", "xoxb-1111111111-2222222222-" + f.Str(alnum, 24), "slack-token", false},
		{"slack legacy workspace", "xoxa-2-" + f.Str(alnum, 30), "slack-token", false},
		{"slack refresh", "SLACK_REFRESH=xoxr-" + f.Str(lower, 14), "slack-token", false},
		{"slack tail of words", "xoxe.xoxp-1-ThisIsTheConfigurationTokenHere", "", false},
		{"slack webhook one segment", "hooks.slack.com/services/" + f.Str(alnum, 44), "slack-webhook", false},
		{"twilio pair", "TWILIO_ACCOUNT_SID=" + sid + "\nTWILIO_AUTH=" + f.Str(hex, 32), "twilio-auth-token", false},
		{"twilio pair in a call", `client = Client("` + sid + `", "` + f.Str(hex, 32) + `")`, "twilio-auth-token", true},
		{"twilio sid alone", "sid = " + sid, "", false},
		{"azure storage key by name", "STORAGE_ACCOUNT_KEY=" + azureKey, "azure-storage-key", false},
		{"azure storage key in json", `{"storageKey": "` + azureKey + `"}`, "azure-storage-key", false},
		{"google key", "GOOGLE_API_KEY=AIza" + f.Str(tok, 35), "gcp-api-key", false},
		{"firebase web config", `const firebaseConfig = { apiKey: "AIza` + f.Str(tok, 35) + `", authDomain: "mlpipe.firebaseapp.com", storageBucket: "mlpipe.appspot.com" };`, "", true},
	})
}

// TestGenericContexts checks names and values of the generic rules: the
// contexts they read and the values they refuse.
func TestGenericContexts(t *testing.T) {
	f := scancorpus.NewFake(13)
	secret := f.Str(alnum, 32)
	pw := f.Password()
	basic := base64.StdEncoding.EncodeToString([]byte("ci:" + pw))
	uuid := f.Str(hex, 8) + "-" + f.Str(hex, 4) + "-4" + f.Str(hex, 3) + "-a" + f.Str(hex, 3) + "-" + f.Str(hex, 12)
	checkFormats(t, []formatCase{
		{"xml element across lines", "<apiToken>\n    " + secret + "\n</apiToken>", "generic-secret", false},
		{"xml password element", "<dbPassword>" + pw + "</dbPassword>", "generic-password", false},
		{"key value attributes", `<add key="ClearTextPassword" value="` + pw + `" />`, "generic-password", false},
		{"quoted pair", `System.setProperty("SERVICE_TOKEN", "` + secret + `")`, "generic-secret", true},
		{"credentials name", `"credentials": "` + f.Str(hex, 64) + `"`, "generic-secret", false},
		{"uuid token", "HEROKU_API_KEY=" + uuid, "generic-secret", false},
		{"uuid npm auth token", "//registry.npmjs.org/:_authToken=" + uuid, "npm-token", false},
		{"uuid under secret name", `client_secret = "` + uuid + `"`, "", false},
		{"public key name", `publicToken = "` + secret + `"`, "", false},
		{"csrf token", "csrf-token=" + secret, "", false},
		{"version value", "notes: io.jsonwebtoken:jjwt-api-0.12.6", "", false},
		{"fake password", `password = "` + f.Str(alnum, 4) + `fake` + f.Str(alnum, 4) + `"`, "", false},
		{"symbols only", `password = "!?*@#%:;-,."`, "", false},
		{"setting name", `password: "vault_secret_ref"`, "", false},
		{"bracketed", "curl --user admin:[PASSWORD] https://db.mlpipe.dev", "", false},
		{"percent variable", `<add key="Password" value="%FEED_PASSWORD%" />`, "", false},
		{"basic header", `curl -H "Authorization: Basic ` + basic + `" https://api.mlpipe.dev`, "authorization-header", false},
		{"bearer header", `Authorization: Bearer ` + secret, "authorization-header", false},
		{"basic placeholder", `Authorization: Basic ` + base64.StdEncoding.EncodeToString([]byte("user:changeme")), "", false},
		{"header variable", `Authorization: Bearer $TOKEN`, "", false},
		{"curl user", "curl -u ci:" + pw + " https://registry.mlpipe.dev", "curl-user-password", false},
		{"curl user continued", "curl -X POST \\\n  -u 'ci:" + pw + "' https://registry.mlpipe.dev", "curl-user-password", false},
		{"curl variable", "curl -u ci:$CI_PASSWORD https://registry.mlpipe.dev", "", false},
	})
}
