package rules

import "regexp"

// saasRules find credentials of messaging, email and payment services.
func saasRules() []*Rule {
	return []*Rule{
		{
			ID: "slack-token", Description: "Slack bot, user or refresh token",
			Keywords: []string{"xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxs-", "xoxr-", "xoxe-", "xoxe."}, ExactCase: true,
			Pattern: regexp.MustCompile(`xox[abposre](?:\.xox[bp])?-[0-9]{1,15}-[0-9A-Za-z-]{8,250}`),
			After:   260, Token: tokenSet, Visible: 5, MinEntropy: 2.5, Random: afterLastDash, Check: checkSlackTail,
		},
		{
			ID: "slack-token", Description: "Slack workspace app or refresh token (legacy, without account ids)",
			Keywords: []string{"xoxa-", "xoxr-"}, ExactCase: true,
			Pattern: regexp.MustCompile(`xox[ar]-(?:[0-9]-)?[0-9A-Za-z]{8,48}`),
			After:   52, Token: tokenSet, Visible: 5, MinEntropy: 3, Check: checkSlackTail,
		},
		{
			ID: "slack-app-token", Description: "Slack app-level token",
			Keywords: []string{"xapp-"}, ExactCase: true,
			Pattern: regexp.MustCompile(`xapp-[0-9]-[A-Z0-9]{6,}-[0-9]{6,}-[a-z0-9]{32,}`),
			After:   200, Token: tokenSet, Visible: 5, MinEntropy: 3,
		},
		{
			ID: "slack-webhook", Description: "Slack incoming webhook URL",
			Keywords: []string{"hooks.slack.com"},
			Pattern:  regexp.MustCompile(`(?:https?:(?:\\?/){2})?hooks\.slack\.com(?:\\?/)(?:services|workflows|triggers)(?:(?:\\?/)[A-Za-z0-9_]{6,40}){2,4}|(?:https?:(?:\\?/){2})?hooks\.slack\.com(?:\\?/)(?:services|workflows|triggers)(?:\\?/)[A-Za-z0-9_]{40,56}`),
			Before:   12, After: 200, Token: tokenSet, VisibleTo: visibleWebhook, MinEntropy: 3,
		},
		{
			ID: "twilio-api-key", Description: "Twilio API key",
			Keywords: []string{"SK"}, ExactCase: true,
			Pattern: regexp.MustCompile(`SK[0-9a-fA-F]{32}`),
			After:   34, Token: alnum, Visible: 2, MinEntropy: 3, Quick: quickHex(32),
		},
		{
			ID: "twilio-auth-token", Description: "Twilio auth token",
			Keywords: []string{"twilio"},
			Pattern:  regexp.MustCompile(`(?i)(?P<key>twilio[\w.-]{0,20}?(?:auth)?[_.-]?token)` + assign + `(?P<secret>[0-9a-f]{32})`),
			After:    100, Token: alnum, MinEntropy: 3,
		},
		{
			ID: "twilio-auth-token", Description: "Twilio auth token written after its account SID",
			Keywords: []string{"AC"}, ExactCase: true,
			Pattern: regexp.MustCompile(`AC[0-9a-f]{32}[^0-9a-fA-F](?s:.{0,160}?)\b(?P<secret>[0-9a-f]{32})\b`),
			After:   200, Multiline: true, Token: alnum, MinEntropy: 3, Quick: quickHex(32), Check: checkTwilioPair,
		},
		{
			ID: "sendgrid-api-key", Description: "SendGrid API key",
			Keywords: []string{"SG."}, ExactCase: true,
			Pattern: regexp.MustCompile(`SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}`),
			After:   70, Token: tokenSet, Visible: 3, MinEntropy: 3,
		},
		{
			ID: "mailgun-api-key", Description: "Mailgun API key",
			Keywords: []string{"key-"}, ExactCase: true,
			Pattern: regexp.MustCompile(`key-[0-9a-f]{32}`),
			After:   34, Token: alnum, Visible: 4, MinEntropy: 3, Quick: quickHex(32),
		},
		{
			ID: "mailgun-api-key", Description: "Mailgun API key (newer format)",
			Keywords: []string{"mailgun"},
			Pattern:  regexp.MustCompile(`(?i)(?P<key>mailgun[\w.-]{0,20}?key)` + assign + `(?P<secret>[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})`),
			After:    120, Token: alnum, MinEntropy: 3,
		},
		{
			ID: "telegram-bot-token", Description: "Telegram bot token",
			Keywords: []string{":AA"}, ExactCase: true,
			Pattern: regexp.MustCompile(`[0-9]{8,10}:AA[0-9A-Za-z_-]{33}`),
			Before:  10, After: 34, Token: tokenSet, MinEntropy: 3,
		},
		{
			ID: "stripe-secret-key", Description: "Stripe secret or restricted key",
			Keywords: []string{"sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"}, ExactCase: true,
			Pattern: regexp.MustCompile(`[sr]k_(?:live|test|prod)_[0-9A-Za-z]{24,247}`),
			After:   250, Token: tokenSet, Visible: 8, MinEntropy: 3,
		},
	}
}

// visibleWebhook shows a webhook URL up to its kind (".../services/").
func visibleWebhook(s []byte) int {
	n := 0
	for i, b := range s {
		if b == '/' {
			n++
			if n == 4 {
				return i + 1
			}
		}
	}
	return 0
}

// afterLastDash returns a token's part after its last dash: the random tail
// of a token whose earlier parts are numeric ids.
func afterLastDash(s []byte) []byte {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '-' {
			return s[i+1:]
		}
	}
	return s
}

// checkTwilioPair accepts an auth token that follows its account SID and is
// not the SID's own digits again.
func checkTwilioPair(c *Candidate) bool {
	sid := c.Buf[c.Start+2 : c.Start+34]
	return string(sid) != string(c.Secret())
}

// checkSlackTail accepts a Slack token whose random tail, when long, mixes
// letters and digits: a long tail of letters alone is a word written as a
// placeholder ("...TokenHere").
func checkSlackTail(c *Candidate) bool {
	t := afterLastDash(c.Secret())
	if len(t) < 16 {
		return true
	}
	var letter, digit bool
	for _, b := range t {
		switch {
		case '0' <= b && b <= '9':
			digit = true
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z':
			letter = true
		}
	}
	return letter && digit
}
