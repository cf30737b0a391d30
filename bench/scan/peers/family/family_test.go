package family

import "testing"

// TestOf checks rule ids of both scanners against their families, and that
// an unknown id falls to "other".
func TestOf(t *testing.T) {
	for rule, want := range map[string]string{
		"aws-access-key-id": "cloud", "aws-access-token": "cloud", "kubernetes-secret": "cloud",
		"gitlab-runner-authentication-token": "vcs-ci", "npm-token": "vcs-ci",
		"slack-legacy-workspace-token": "chat", "twilio-auth-token": "messaging",
		"stripe-access-token": "payment", "anthropic-api-key": "llm", "url-password": "database-url",
		"private-key": "private-key", "jwt-base64": "jwt", "generic-api-key": "generic",
		"curl-auth-header": "generic", "shopify-access-token": "other",
	} {
		if got := Of(rule); got != want {
			t.Errorf("Of(%q) = %q, want %q", rule, got, want)
		}
	}
}

// TestRelevant checks the truth table: same family or generic on either side.
func TestRelevant(t *testing.T) {
	for _, tc := range []struct {
		want, found string
		ok          bool
	}{
		{"cloud", "cloud", true}, {"cloud", "generic", true}, {"generic", "chat", true}, {"cloud", "chat", false},
	} {
		if got := Relevant(tc.want, tc.found); got != tc.ok {
			t.Errorf("Relevant(%q, %q) = %v", tc.want, tc.found, got)
		}
	}
}
