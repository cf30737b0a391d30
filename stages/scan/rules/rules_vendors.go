package rules

import "regexp"

// vendor describes a credential whose format starts with a vendor's own
// literal prefix, so the prefix alone is a precise keyword.
type vendor struct {
	id, desc string
	// prefixes are the literal prefixes (compared case-sensitively).
	prefixes []string
	// pattern is the whole token, prefix included.
	pattern string
	// visible is how many leading bytes are shown in previews.
	visible int
	// token is the character set that must not touch the token.
	token *charset
	// before is how far before the keyword the token may start.
	before int
}

// vendorRules find tokens of cloud, CI, chat, payment and model services that
// carry a distinctive literal prefix.
func vendorRules() []*Rule {
	vs := []vendor{
		// Cloud providers and platforms.
		{id: "alibaba-access-key-id", desc: "Alibaba Cloud AccessKey ID", prefixes: []string{"LTAI"}, pattern: `LTAI[0-9A-Za-z]{12,20}`, visible: 4, token: alnum},
		{id: "digitalocean-token", desc: "DigitalOcean personal, OAuth or refresh token", prefixes: []string{"dop_v1_", "doo_v1_", "dor_v1_"}, pattern: `do[por]_v1_[0-9a-f]{64}`, visible: 7},
		{id: "heroku-api-key", desc: "Heroku platform API key", prefixes: []string{"HRKU-AA"}, pattern: `HRKU-AA[0-9A-Za-z_-]{58}`, visible: 5},
		{id: "azure-ad-client-secret", desc: "Microsoft Entra ID (Azure AD) client secret", prefixes: []string{"Q~"}, pattern: `[0-9A-Za-z_~.]{3}[0-9]Q~[0-9A-Za-z_~.-]{31,34}`, before: 4, token: azureSecretSet},
		{id: "cloudflare-origin-ca-key", desc: "Cloudflare Origin CA key", prefixes: []string{"v1.0-"}, pattern: `v1\.0-[0-9a-f]{24}-[0-9a-f]{146}`, visible: 5},
		{id: "doppler-token", desc: "Doppler token", prefixes: []string{"dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."}, pattern: `dp\.(?:pt|st|sa|ct|scim|audit)\.[0-9A-Za-z]{40,44}`, visible: 6},
		{id: "pulumi-api-token", desc: "Pulumi access token", prefixes: []string{"pul-"}, pattern: `pul-[0-9a-f]{40}`, visible: 4, token: alnum},
		{id: "vault-token", desc: "HashiCorp Vault service or batch token", prefixes: []string{"hvs.", "hvb."}, pattern: `hv[sb]\.[0-9A-Za-z_-]{90,300}`, visible: 4},
		{id: "hashicorp-tf-api-token", desc: "HCP Terraform API token", prefixes: []string{".atlasv1."}, pattern: `[0-9A-Za-z]{14}\.atlasv1\.[0-9A-Za-z_=-]{60,70}`, before: 14},
		{id: "flyio-access-token", desc: "Fly.io access token", prefixes: []string{"fo1_"}, pattern: `fo1_[0-9A-Za-z_-]{43}`, visible: 4},
		{id: "flyio-access-token", desc: "Fly.io macaroon token", prefixes: []string{"FlyV1 fm"}, pattern: `FlyV1 fm[12][ar]?_[0-9A-Za-z+/=_-]{80,1000}`, visible: 11, token: b64Token},
		{id: "openshift-user-token", desc: "OpenShift user token", prefixes: []string{"sha256~"}, pattern: `sha256~[0-9A-Za-z_-]{43}`, visible: 7},
		{id: "aws-bedrock-api-key", desc: "Amazon Bedrock long-term API key", prefixes: []string{"ABSKQmVkcm9ja0FQSUtleS"}, pattern: `ABSKQmVkcm9ja0FQSUtleS[0-9A-Za-z+/]{100,280}={0,2}`, visible: 4, token: b64Body},
		{id: "planetscale-token", desc: "PlanetScale service or OAuth token", prefixes: []string{"pscale_tkn_", "pscale_oauth_"}, pattern: `pscale_(?:tkn|oauth)_[0-9A-Za-z_.=-]{32,64}`, visible: 11},
		{id: "planetscale-password", desc: "PlanetScale database password", prefixes: []string{"pscale_pw_"}, pattern: `pscale_pw_[0-9A-Za-z_.=-]{32,64}`, visible: 10},
		{id: "scalingo-api-token", desc: "Scalingo API token", prefixes: []string{"tk-us-"}, pattern: `tk-us-[0-9A-Za-z_-]{48}`, visible: 6},
		// Code hosts, CI and package registries.
		{id: "sourcegraph-access-token", desc: "Sourcegraph access token", prefixes: []string{"sgp_"}, pattern: `sgp_(?:local_|[0-9a-fA-F]{16}_)?[0-9a-fA-F]{40}`, visible: 4},
		{id: "rubygems-api-token", desc: "RubyGems API key", prefixes: []string{"rubygems_"}, pattern: `rubygems_[0-9a-f]{48}`, visible: 9},
		{id: "clojars-api-token", desc: "Clojars deploy token", prefixes: []string{"CLOJARS_"}, pattern: `CLOJARS_[0-9a-z]{60}`, visible: 8},
		{id: "artifactory-api-key", desc: "JFrog Artifactory API key", prefixes: []string{"AKCp"}, pattern: `AKCp[0-9A-Za-z]{69}`, visible: 4, token: alnum},
		{id: "artifactory-reference-token", desc: "JFrog Artifactory reference token", prefixes: []string{"cmVmdGtuOjAxOj"}, pattern: `cmVmdGtuOjAxOj[0-9A-Za-z]{42,50}`, visible: 4, token: alnum},
		{id: "harness-api-key", desc: "Harness personal or service-account token", prefixes: []string{"pat.", "sat."}, pattern: `[ps]at\.[0-9A-Za-z_-]{22}\.[0-9a-z]{24}\.[0-9A-Za-z]{20}`, visible: 4},
		// Chat.
		{id: "microsoft-teams-webhook", desc: "Microsoft Teams incoming webhook URL", prefixes: []string{".webhook.office.com/webhookb2/"}, pattern: `https://[0-9a-z-]{1,63}\.webhook\.office\.com/webhookb2/[0-9a-z-]{36}@[0-9a-z-]{36}/IncomingWebhook/[0-9a-z]{32}/[0-9a-z-]{36}`, visible: 8, before: 80},
		// Payment.
		{id: "square-access-token", desc: "Square access token", prefixes: []string{"sq0atp-"}, pattern: `sq0atp-[0-9A-Za-z_-]{22}`, visible: 7},
		{id: "square-secret", desc: "Square application secret", prefixes: []string{"sq0csp-"}, pattern: `sq0csp-[0-9A-Za-z_-]{43}`, visible: 7},
		{id: "flutterwave-secret-key", desc: "Flutterwave secret key", prefixes: []string{"FLWSECK_TEST-", "FLWSECK-"}, pattern: `FLWSECK(?:_TEST)?-[0-9a-h]{32}-X`, visible: 8},
		{id: "plaid-api-token", desc: "Plaid access token", prefixes: []string{"access-sandbox-", "access-development-", "access-production-"}, pattern: `access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`, visible: 7},
		// Model APIs.
		{id: "perplexity-api-key", desc: "Perplexity API key", prefixes: []string{"pplx-"}, pattern: `pplx-[0-9A-Za-z]{48}`, visible: 5},
		// Private keys.
		{id: "age-secret-key", desc: "age encryption secret key", prefixes: []string{"AGE-SECRET-KEY-1"}, pattern: `AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`, visible: 15},
	}
	out := make([]*Rule, len(vs))
	for i, v := range vs {
		tok := v.token
		if tok == nil {
			tok = tokenSet
		}
		// The window reaches as far as the longest token (the keyword
		// starts it, or sits inside it after at most before bytes).
		after := maxLen(v.pattern)
		if after <= 0 {
			after = 1024
		}
		out[i] = &Rule{
			ID: v.id, Description: v.desc, Keywords: v.prefixes, ExactCase: true,
			Pattern: regexp.MustCompile(v.pattern), Before: v.before, After: after,
			Token: tok, Visible: v.visible, MinEntropy: 3,
		}
	}
	return out
}

// b64Token is the character set of tokens in standard or URL-safe base64.
var b64Token = newCharset("A-Za-z0-9+/=_-")

// azureSecretSet is the character set of Entra ID client secrets.
var azureSecretSet = newCharset("A-Za-z0-9_~.-")
