package ui

import (
	"strings"
	"testing"
)

func TestUICompare(t *testing.T) {
	srv, _ := fixture(t)
	for _, q := range []string{"runs=" + runA + "," + runB, "runs=" + runA + "&runs=" + runB} {
		code, body := get(t, srv, "/compare?"+q)
		if code != 200 || !strings.Contains(body, "second") || !strings.Contains(body, "accuracy") || strings.Contains(body, "<script>x") {
			t.Fatalf("%s: %d %s", q, code, body)
		}
	}
	if code, _ := get(t, srv, "/compare?runs="+runA+",nope"); code != 404 {
		t.Fatalf("unknown run: %d", code)
	}
	if code, _ := get(t, srv, "/compare?runs=x"); code != 400 {
		t.Fatalf("one run: %d", code)
	}
}
