package rules

import "regexp"

// devRules find credentials of code hosts and package registries.
func devRules() []*Rule {
	gh := func(id, prefix, desc string) *Rule {
		return &Rule{
			ID: id, Description: desc, Keywords: []string{prefix}, ExactCase: true,
			Pattern: regexp.MustCompile(prefix + `[A-Za-z0-9]{36}`),
			After:   40, Token: tokenSet, Visible: len(prefix), MinEntropy: 3,
		}
	}
	return []*Rule{
		gh("github-pat", "ghp_", "GitHub personal access token (classic)"),
		gh("github-oauth", "gho_", "GitHub OAuth access token"),
		gh("github-app-token", "ghu_", "GitHub App user-to-server token"),
		gh("github-app-token", "ghs_", "GitHub App installation token"),
		gh("github-refresh-token", "ghr_", "GitHub refresh token"),
		{
			ID: "github-fine-grained-pat", Description: "GitHub fine-grained personal access token",
			Keywords: []string{"github_pat_"}, ExactCase: true,
			Pattern: regexp.MustCompile(`github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}`),
			After:   90, Token: tokenSet, Visible: 11, MinEntropy: 3,
		},
		{
			ID: "gitlab-token", Description: "GitLab token",
			Keywords:  []string{"glpat-", "glptt-", "gldt-", "glrt-", "glsoat-", "glcbt-", "glffct-", "gloas-", "glimt-", "glagent-"},
			ExactCase: true,
			Pattern:   regexp.MustCompile(`gl(?:pat|ptt|dt|rt|soat|cbt|ffct|oas|imt|agent)-[0-9A-Za-z_-]{20,64}(?:\.[0-9A-Za-z_-]{2,64}){0,2}`),
			After:     200, Token: tokenSet, VisibleTo: visibleToDash, MinEntropy: 3,
		},
		{
			ID: "npm-token", Description: "npm access token",
			Keywords: []string{"npm_"}, ExactCase: true,
			Pattern: regexp.MustCompile(`npm_[A-Za-z0-9]{36}`),
			After:   40, Token: tokenSet, Visible: 4, MinEntropy: 3,
		},
		{
			ID: "npm-token", Description: "npm auth token in .npmrc",
			Keywords: []string{"_authtoken"},
			Pattern:  regexp.MustCompile(`(?i)(?P<key>_authToken)[ \t]*=[ \t]*["']?(?P<secret>[A-Za-z0-9_./+=-]{16,})`),
			After:    300, MinEntropy: 3,
		},
		{
			ID: "pypi-token", Description: "PyPI upload token",
			Keywords: []string{"pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"}, ExactCase: true,
			Pattern: regexp.MustCompile(`pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000}`),
			After:   1010, Token: tokenSet, Visible: 5, MinEntropy: 3,
		},
		{
			ID: "docker-auth", Description: "Docker registry credentials (config.json auth)",
			Keywords: []string{`auth"`, `auth\"`},
			Pattern:  regexp.MustCompile(`(?P<key>\\?"auth\\?")[ \t]*:[ \t]*\\?"(?P<secret>[A-Za-z0-9+/]{6,}={0,2})\\?"`),
			Before:   2, After: 1024, Check: checkDockerAuth,
		},
	}
}

// visibleToDash shows a token's prefix up to and including its first dash.
func visibleToDash(s []byte) int {
	for i, b := range s {
		if b == '-' {
			return i + 1
		}
	}
	return 0
}
