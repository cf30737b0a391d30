package artifacts

import "testing"

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"s3://user:pass@bucket/p?endpoint=http://x&secret=hunter2": "s3://bucket/p",
		"s3://bucket/team/cache/":                                  "s3://bucket/team/cache/",
		"file:///shared/dir":                                       "file:///shared/dir",
		"https://tok@host?x=1#frag":                                "https://host",
		"--remote=s3://a:b@c/d":                                    "--remote=s3://a:b@c/d",
		"plain text":                                               "plain text",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
