package scan

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"

	"github.com/mlpipe/pipeline/stages/scan/rules"
)

// SARIF 2.1.0 document, reduced to what the scanner writes.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
	ColumnKind  string            `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	ShortDescription sarifMessage `json:"shortDescription"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool                `json:"executionSuccessful"`
	Notifications       []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]string `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int64 `json:"startLine"`
	StartColumn int   `json:"startColumn,omitempty"`
}

// sarifURI turns a finding path into a relative URI reference.
func sarifURI(p string) string { return (&url.URL{Path: p}).EscapedPath() }

func writeSARIF(w io.Writer, rep *Report) error {
	driver := sarifDriver{Name: "pipeline scan", InformationURI: "https://github.com/mlpipe/pipeline"}
	index := map[string]int{}
	for _, r := range rules.Default().Rules() {
		if _, ok := index[r.ID]; ok {
			continue
		}
		index[r.ID] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRule{ID: r.ID, ShortDescription: sarifMessage{Text: r.Description}})
	}
	run := sarifRun{
		Tool:        sarifTool{Driver: driver},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true, Notifications: []sarifNotification{}}},
		Results:     []sarifResult{},
		ColumnKind:  "unicodeCodePoints",
	}
	for _, wn := range rep.Warnings {
		run.Invocations[0].Notifications = append(run.Invocations[0].Notifications, sarifNotification{
			Level: "warning", Message: sarifMessage{Text: wn.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: sarifURI(wn.Path)}}}},
		})
	}
	for _, f := range rep.Findings {
		res := sarifResult{
			RuleID: f.Kind, RuleIndex: index[f.Kind], Level: "error",
			Message: sarifMessage{Text: fmt.Sprintf("%s: %s", f.Kind, f.Preview)},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: sarifURI(f.Path)},
				Region:           &sarifRegion{StartLine: f.Line, StartColumn: f.TextColumn},
			}}},
			PartialFingerprints: map[string]string{"secretSha256/v1": f.SecretSHA256},
		}
		if f.Column != "" {
			res.Properties = map[string]string{"column": f.Column}
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}); err != nil {
		return fmt.Errorf("writing SARIF: %w", err)
	}
	return nil
}
