package temporalexec

import (
	"bytes"
	"strings"
	"testing"
)

func TestRelayKeepsTheNewestProgressAndPassesEveryLine(t *testing.T) {
	in := strings.Join([]string{
		`{"level":"info","stage":"train","message":"running"}`,
		`{"level":"info","stage":"train","done":100,"message":"progress: 100/1,000 steps (10%)"}`,
		`not json: a panic's trace`,
		`{"level":"info","stage":"train","done":300,"message":"progress: 300/1,000 steps (30%), 12 steps/s, 58s left"}`,
		`{"level":"info","stage":"train","message":"done"}`,
	}, "\n") + "\n"
	var out bytes.Buffer
	r := &relay{out: &out}
	if got := r.progress(); got != "" {
		t.Fatalf("progress before any line: %q", got)
	}
	r.run(strings.NewReader(in))
	if got := r.progress(); got != "300/1,000 steps (30%), 12 steps/s, 58s left" {
		t.Errorf("progress = %q", got)
	}
	if out.String() != in {
		t.Errorf("relayed:\n%s\nwant:\n%s", out.String(), in)
	}
}
