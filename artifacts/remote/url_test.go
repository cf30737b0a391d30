package remote

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

func TestRewriteCloudURL(t *testing.T) {
	cases := []struct{ in, want, err string }{
		{in: "s3://bucket", want: "s3://bucket?request_checksum_calculation=when_required&response_checksum_validation=when_required"},
		{in: "s3://bucket/team/cache/?region=eu-west-1",
			want: "s3://bucket?prefix=team%2Fcache%2F&region=eu-west-1&request_checksum_calculation=when_required&response_checksum_validation=when_required"},
		{in: "s3://bucket/p?response_checksum_validation=when_supported",
			want: "s3://bucket?prefix=p%2F&request_checksum_calculation=when_required&response_checksum_validation=when_supported"},
		{in: "gs://bucket/p", want: "gs://bucket?prefix=p%2F"},
		{in: "s3://bucket/p?prefix=q/", err: "both a path and a prefix"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			u, err := url.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := rewriteCloudURL(u)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestOpenRefusesBadURLs(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"/just/a/path", "no scheme"},
		{"file://host/dir", "not host"},
		{"nosuch://bucket", "nosuch"},
		{"gs://bucket/p", "gs:// stores are not built into this binary"},
		{"s3://bucket/p?prefix=x&secret=hunter2", "both a path"},
	} {
		t.Run(tc.url, func(t *testing.T) {
			_, err := Open(context.Background(), tc.url)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one saying %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error shows the URL's query: %v", err)
			}
		})
	}
}

func TestFilePrefix(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	a, err := Open(ctx, fileURL(dir)+"?prefix=team-a")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, fileURL(dir)+"?prefix=team-b")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rec := record("xxh3:00112233445566778899aabbccddeeff", "a")
	if _, err := a.PutAction(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if got, err := b.GetAction(ctx, rec.Key); err != nil || got != nil {
		t.Fatalf("a record under one prefix was seen under another: %v, %v", got, err)
	}
	if got, err := a.GetAction(ctx, rec.Key); err != nil || got == nil {
		t.Fatalf("record lost under its prefix: %v", err)
	}
}
