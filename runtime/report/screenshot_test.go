package report

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestScreenshotScript draws the golden report in headless Chromium through
// scripts/report/screenshot.sh and checks a PNG of the window's size comes
// back. The browser runs with the network off, so a page that needed
// anything from outside would still render, only broken: that is what
// TestReportIsSelfContained checks; this checks the page and the script work.
func TestScreenshotScript(t *testing.T) {
	found := false
	for _, b := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if _, err := exec.LookPath(b); err == nil {
			found = true
		}
	}
	if !found {
		t.Skip("Chromium is not installed (apt-get install -y chromium); the screenshot script is not exercised")
	}
	out := filepath.Join(t.TempDir(), "report.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join("..", "..", "scripts", "report", "screenshot.sh"),
		filepath.Join("testdata", "report.golden.html"), out, "800x600")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("screenshot.sh: %v\n%s", err, msg)
	}
	png, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(png) < 24 || !bytes.Equal(png[:8], []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("not a PNG (%d bytes)", len(png))
	}
	if w, h := binary.BigEndian.Uint32(png[16:20]), binary.BigEndian.Uint32(png[20:24]); w != 800 || h != 600 {
		t.Errorf("screenshot is %dx%d, want 800x600", w, h)
	}
}
