package rules

import "regexp"

// aiRules find credentials of model and experiment-tracking services.
func aiRules() []*Rule {
	return []*Rule{
		{
			ID: "openai-api-key", Description: "OpenAI API key",
			Keywords: []string{"T3BlbkFJ"}, ExactCase: true,
			Pattern: regexp.MustCompile(`sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200}`),
			Before:  220, After: 210, Token: tokenSet, VisibleTo: visibleToLastDash, MinEntropy: 3,
		},
		{
			ID: "anthropic-api-key", Description: "Anthropic API key",
			Keywords: []string{"sk-ant-"}, ExactCase: true,
			Pattern: regexp.MustCompile(`sk-ant-(?:api|admin|oat|sid)[0-9]{2}-[A-Za-z0-9_-]{80,120}`),
			After:   140, Token: tokenSet, VisibleTo: visibleToLastDash, MinEntropy: 3,
		},
		{
			ID: "huggingface-token", Description: "Hugging Face access token",
			Keywords: []string{"hf_", "api_org_"}, ExactCase: true,
			Pattern: regexp.MustCompile(`(?:hf_|api_org_)[A-Za-z]{34}`),
			After:   36, Token: tokenSet, VisibleTo: visibleToUnderscore, MinEntropy: 3.5, Quick: quickSet(newCharset("A-Za-z"), 34),
		},
		{
			ID: "wandb-api-key", Description: "Weights & Biases API key",
			Keywords: []string{"wandb"},
			Pattern:  regexp.MustCompile(`(?i)(?P<key>wandb[\w.()-]{0,30}?key)` + assign + `(?P<secret>[0-9a-f]{40})|(?P<key2>wandb\s+login\s+(?:--relogin\s+)?)(?P<secret2>[0-9a-f]{40})`),
			After:    120, Token: alnum, MinEntropy: 3,
		},
	}
}

// visibleToLastDash shows a key's prefix up to its last dash within the first
// 16 bytes ("sk-proj-", "sk-ant-api03-").
func visibleToLastDash(s []byte) int {
	v := 0
	for i := 0; i < len(s) && i < 16; i++ {
		if s[i] == '-' {
			v = i + 1
		}
	}
	return v
}

// visibleToUnderscore shows a token's prefix up to its last underscore within
// the first 8 bytes ("hf_", "api_org_").
func visibleToUnderscore(s []byte) int {
	v := 0
	for i := 0; i < len(s) && i < 8; i++ {
		if s[i] == '_' {
			v = i + 1
		}
	}
	return v
}
