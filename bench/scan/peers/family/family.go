// Package family maps the rule ids of secrets scanners to shared credential
// families, so that scanners with different rule sets can be compared family
// by family.
package family

import "strings"

// Families are the shared families in the order reports list them. "other"
// holds what none of the scanners compared here groups elsewhere.
var Families = []string{
	"cloud", "vcs-ci", "chat", "messaging", "payment", "llm",
	"database-url", "private-key", "jwt", "generic", "other",
}

// Generic is the family of rules that rely on an assignment's name rather
// than a recognisable format. A generic finding counts toward any family.
const Generic = "generic"

// prefixes maps rule-id prefixes to families; the first match wins, so longer
// or more specific prefixes come first.
var prefixes = []struct{ prefix, family string }{
	// Generic credentials and signed tokens.
	{"generic-", Generic}, {"curl-", Generic}, {"authorization-header", Generic},
	{"jwt", "jwt"},
	// Private keys.
	{"private-key", "private-key"}, {"pkcs12-", "private-key"}, {"age-secret-key", "private-key"},
	// Passwords in URLs and connection strings.
	{"url-password", "database-url"}, {"netrc-password", "database-url"},
	{"planetscale-password", "database-url"}, {"sidekiq-sensitive-url", "database-url"},
	// Cloud providers and data platforms.
	{"aws-", "cloud"}, {"gcp-", "cloud"}, {"azure-", "cloud"}, {"alibaba-", "cloud"},
	{"digitalocean-", "cloud"}, {"heroku-", "cloud"}, {"cloudflare-", "cloud"},
	{"databricks-", "cloud"}, {"yandex-", "cloud"}, {"flyio-", "cloud"}, {"netlify-", "cloud"},
	{"clickhouse-", "cloud"}, {"confluent-", "cloud"}, {"openshift-", "cloud"},
	{"hashicorp-tf-", "cloud"}, {"vault-", "cloud"}, {"doppler-", "cloud"}, {"pulumi-", "cloud"},
	{"scalingo-", "cloud"}, {"planetscale-", "cloud"}, {"kubernetes-", "cloud"},
	// Code hosts, CI and package registries.
	{"github-", "vcs-ci"}, {"gitlab-", "vcs-ci"}, {"bitbucket-", "vcs-ci"}, {"npm-", "vcs-ci"},
	{"pypi-", "vcs-ci"}, {"rubygems-", "vcs-ci"}, {"clojars-", "vcs-ci"}, {"nuget-", "vcs-ci"},
	{"droneci-", "vcs-ci"}, {"travisci-", "vcs-ci"}, {"codecov-", "vcs-ci"},
	{"sourcegraph-", "vcs-ci"}, {"snyk-", "vcs-ci"}, {"sonar-", "vcs-ci"},
	{"artifactory-", "vcs-ci"}, {"jfrog-", "vcs-ci"}, {"harness-", "vcs-ci"},
	{"octopus-deploy-", "vcs-ci"}, {"docker-", "vcs-ci"},
	// Chat tokens and webhooks.
	{"slack-", "chat"}, {"discord-", "chat"}, {"telegram-", "chat"},
	{"microsoft-teams-", "chat"}, {"mattermost-", "chat"}, {"gitter-", "chat"},
	// Email and SMS.
	{"twilio-", "messaging"}, {"sendgrid-", "messaging"}, {"mailgun-", "messaging"},
	{"mailchimp-", "messaging"}, {"sendinblue-", "messaging"}, {"messagebird-", "messaging"},
	{"sendbird-", "messaging"},
	// Payment and exchanges.
	{"stripe-", "payment"}, {"square-", "payment"}, {"plaid-", "payment"},
	{"gocardless-", "payment"}, {"flutterwave-", "payment"}, {"coinbase-", "payment"},
	{"kraken-", "payment"}, {"kucoin-", "payment"}, {"bittrex-", "payment"}, {"finicity-", "payment"},
	// Model APIs and experiment tracking.
	{"openai-", "llm"}, {"anthropic-", "llm"}, {"huggingface-", "llm"}, {"cohere-", "llm"},
	{"perplexity-", "llm"}, {"privateai-", "llm"}, {"wandb-", "llm"},
}

// Of returns the family of a rule id of the project's scanner or of gitleaks.
func Of(rule string) string {
	for _, p := range prefixes {
		if strings.HasPrefix(rule, p.prefix) {
			return p.family
		}
	}
	return "other"
}

// Relevant reports whether a finding of family found bears on a case of
// family want: the same family, or a generic finding (it is what a user
// sees), or any finding on a generic case.
func Relevant(want, found string) bool {
	return want == found || found == Generic || want == Generic
}
