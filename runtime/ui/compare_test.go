package ui

import (
	"strings"
	"testing"
)

func TestUICompare(t *testing.T) {
	srv := fixture(t)
	code, body := get(t, srv, "/compare?runs=20260101T000000.000Z-aaaaaa,20260102T000000.000Z-bbbbbb")
	if code != 200 || !strings.Contains(body, "second") || !strings.Contains(body, "accuracy") || strings.Contains(body, "<script>x") {
		t.Fatalf("%d %s", code, body)
	}
	if code, _ = get(t, srv, "/compare?runs=20260101T000000.000Z-aaaaaa,nope"); code != 404 {
		t.Fatalf("unknown run: %d", code)
	}
	if code, _ = get(t, srv, "/compare?runs=x"); code != 400 {
		t.Fatalf("one run: %d", code)
	}
}
