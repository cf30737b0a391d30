package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestQuickstartEndToEnd runs the shipped spam filter (with fewer training
// steps, to keep the suite short) in a temporary workspace: every stage runs,
// the classifier is accurate, its baseline too, a second run is all cache
// hits, and the audit finds every artifact intact.
func TestQuickstartEndToEnd(t *testing.T) {
	ws := t.TempDir()
	code, out, errs := cli(t, "run", "../../definitions/quickstart.yaml", "--workspace", ws, "--set", "train.steps=120", "--json")
	if code != 0 {
		t.Fatalf("quickstart failed (exit %d): %s\n%s", code, out, errs)
	}
	var res struct {
		Manifest string `json:"manifest"`
		Stages   []struct {
			Name    string             `json:"name"`
			Status  string             `json:"status"`
			Metrics map[string]float64 `json:"metrics"`
		} `json:"stages"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range res.Stages {
		names = append(names, s.Name+"="+s.Status)
		if s.Name == "quality" {
			if acc := s.Metrics["accuracy"]; acc < 0.93 {
				t.Errorf("test accuracy %.3f, want >= 0.93", acc)
			}
		}
		if s.Name == "baseline" {
			if acc := s.Metrics["accuracy"]; acc < 0.95 {
				t.Errorf("baseline test accuracy %.3f, want >= 0.95", acc)
			}
		}
	}
	if got := strings.Join(names, " "); got != "mail=ran secrets=ran sets=ran tokens=ran classifier=ran quality=ran baseline=ran" {
		t.Errorf("stages: %s", got)
	}
	code, out, _ = cli(t, "run", "../../definitions/quickstart.yaml", "--workspace", ws, "--set", "train.steps=120", "--json")
	if code != 0 || strings.Count(out, `"status":"cached"`) != 7 {
		t.Errorf("second run is not all cache hits: %s", out)
	}
	if code, out, errs := cli(t, "audit", res.Manifest, "--workspace", ws); code != 0 {
		t.Errorf("audit failed: %s %s", out, errs)
	}
}
