package rules

import (
	"bytes"
	"regexp"
)

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
			Keywords:  []string{"glpat-", "glptt-", "gldt-", "glrt-", "glsoat-", "glcbt-", "glffct-", "glft-", "gloas-", "glimt-", "glagent-"},
			ExactCase: true,
			Pattern:   regexp.MustCompile(`gl(?:pat|ptt|dt|rt|soat|cbt|ffct|ft|oas|imt|agent)-[0-9A-Za-z_-]{20,300}(?:\.[0-9A-Za-z_-]{2,64}){0,2}`),
			After:     400, Token: tokenSet, VisibleTo: visibleToDash, MinEntropy: 3, Check: checkGitLabLength,
		},
		{
			ID: "gitlab-token", Description: "GitLab runner registration token",
			Keywords: []string{"GR1348941"}, ExactCase: true,
			Pattern: regexp.MustCompile(`GR1348941[0-9A-Za-z_-]{20}`),
			After:   20, Token: tokenSet, Visible: 9, MinEntropy: 3,
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

// gitlabLengths are the lengths of the random part of GitLab's tokens that
// are not routable, by prefix; glptt- is hexadecimal and glagent- at least 50.
var gitlabLengths = map[string]int{
	"glpat-": 20, "glptt-": 40, "gldt-": 20, "glrt-": 20, "glsoat-": 20,
	"glffct-": 20, "glft-": 20, "gloas-": 64, "glimt-": 25, "glagent-": 50,
}

var (
	// gitlabRoutable is the routable format: a base64url payload of at least
	// 27 characters, a dot, a two-character version and a 7-character check.
	gitlabRoutable = lazyRegexp(`^[0-9A-Za-z_-]{27,300}\.[0-9a-z]{2}\.?[0-9a-z]{7}$`)
	// gitlabBuildToken is a CI build token: a partition id, an underscore, 20 characters.
	gitlabBuildToken = lazyRegexp(`^[0-9A-Za-z]{1,5}_[0-9A-Za-z_-]{20}$`)
)

// checkGitLabLength accepts a GitLab token whose body has its prefix's length
// (or is routable), so that longer or shorter look-alikes are not reported.
func checkGitLabLength(c *Candidate) bool {
	s := c.Secret()
	dash := visibleToDash(s)
	prefix, body := string(s[:dash]), s[dash:]
	if bytes.IndexByte(body, '.') >= 0 {
		return gitlabRoutable().Match(body)
	}
	switch prefix {
	case "glcbt-":
		return gitlabBuildToken().Match(body)
	case "glptt-":
		return len(body) == 40 && isHex(body)
	case "glagent-":
		return len(body) >= 50
	}
	return len(body) == gitlabLengths[prefix]
}

// isHex reports whether s is made of hexadecimal digits.
func isHex(s []byte) bool {
	for _, b := range s {
		if !hexSet.has(b) {
			return false
		}
	}
	return true
}
