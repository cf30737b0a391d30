package runtime

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/pipeline"
	"github.com/mlpipe/pipeline/stages"
)

// keyInputs builds a stage's key pre-image from its node, the keyed hashes
// of its secrets, the digests of its inputs, and the digests of its deps and
// sources.
func keyInputs(n *pipeline.Node, secrets, inputs map[string]string, deps, sources map[string]string) *artifacts.KeyInputs {
	var impl map[string]string
	if k, ok := n.Kind.(stages.Implementations); ok {
		impl = k.Implementations()
	}
	var environment map[string]string
	if n.Plan != nil && len(n.Plan.Environment) > 0 {
		environment = n.Plan.Environment
	}
	return &artifacts.KeyInputs{
		Environment:    environment,
		Kind:           n.Kind.Name(),
		Version:        n.Kind.Version(),
		Implementation: impl,
		Params:         json.RawMessage(pipeline.CanonicalJSON(n.Params)),
		Seed:           n.Seed,
		Inputs:         inputs,
		Deps:           deps,
		Sources:        sources,
		Secrets:        secrets,
	}
}

// stageKey hashes a pre-image into the stage key.
func stageKey(ki *artifacts.KeyInputs) string {
	b, err := json.Marshal(ki)
	if err != nil {
		panic(fmt.Sprintf("encoding key pre-image: %v", err))
	}
	return artifacts.HashBytes(b)
}

// relPath renders p relative to dir when it lies inside it.
func relPath(dir, p string) string {
	if r, err := filepath.Rel(dir, p); err == nil && !strings.HasPrefix(r, "..") {
		return filepath.ToSlash(r)
	}
	return p
}

// diffKeyInputs explains, part by part, how two pre-images differ. It
// returns nil when they are equal.
func diffKeyInputs(old, cur *artifacts.KeyInputs) []string {
	var out []string
	if old.Kind != cur.Kind {
		out = append(out, fmt.Sprintf("kind changed: %s → %s", old.Kind, cur.Kind))
	}
	if old.Version != cur.Version {
		out = append(out, fmt.Sprintf("implementation version of %s changed: %s → %s", cur.Kind, old.Version, cur.Version))
	}
	for _, c := range unionKeys(old.Implementation, cur.Implementation) {
		if a, b := old.Implementation[c], cur.Implementation[c]; a != b {
			out = append(out, fmt.Sprintf("%s of %s changed: %s → %s", componentName(c), cur.Kind, orNone(a), orNone(b)))
		}
	}
	if string(old.Params) != string(cur.Params) {
		var a, b map[string]any
		_ = json.Unmarshal(old.Params, &a)
		_ = json.Unmarshal(cur.Params, &b)
		out = append(out, diffParams("", a, b)...)
	}
	if old.Seed != cur.Seed {
		out = append(out, fmt.Sprintf("seed changed: %d → %d", old.Seed, cur.Seed))
	}
	out = append(out, diffDigests("input", old.Inputs, cur.Inputs)...)
	out = append(out, diffDigests("dep", old.Deps, cur.Deps)...)
	out = append(out, diffDigests("source", old.Sources, cur.Sources)...)
	for _, k := range unionKeys(old.Secrets, cur.Secrets) {
		switch a, b := old.Secrets[k], cur.Secrets[k]; {
		case a == "":
			out = append(out, fmt.Sprintf("secret `%s` added", k))
		case b == "":
			out = append(out, fmt.Sprintf("secret `%s` removed", k))
		case a != b:
			out = append(out, fmt.Sprintf("secret `%s` changed (or the secret key did)", k))
		}
	}
	for _, k := range unionKeys(old.Environment, cur.Environment) {
		if a, b := old.Environment[k], cur.Environment[k]; a != b {
			out = append(out, fmt.Sprintf("environment `%s` changed: %s → %s", k, orNone(a), orNone(b)))
		}
	}
	return out
}

func diffDigests(what string, a, b map[string]string) []string {
	var out []string
	for _, k := range unionKeys(a, b) {
		x, inA := a[k]
		y, inB := b[k]
		switch {
		case !inA:
			out = append(out, fmt.Sprintf("%s `%s` added", what, k))
		case !inB:
			out = append(out, fmt.Sprintf("%s `%s` removed", what, k))
		case x != y:
			out = append(out, fmt.Sprintf("%s `%s` changed: %s → %s", what, k, artifacts.ShortDigest(x), artifacts.ShortDigest(y)))
		}
	}
	return out
}

func diffParams(prefix string, a, b map[string]any) []string {
	var out []string
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		x, inA := a[k]
		y, inB := b[k]
		name := prefix + k
		ma, okA := x.(map[string]any)
		mb, okB := y.(map[string]any)
		switch {
		case okA && okB:
			out = append(out, diffParams(name+".", ma, mb)...)
		case !inA:
			out = append(out, fmt.Sprintf("parameter `%s` added: %s", name, jsonText(y)))
		case !inB:
			out = append(out, fmt.Sprintf("parameter `%s` removed (was %s)", name, jsonText(x)))
		case jsonText(x) != jsonText(y):
			out = append(out, fmt.Sprintf("parameter `%s` changed: %s → %s", name, jsonText(x), jsonText(y)))
		}
	}
	return out
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func unionKeys(a, b map[string]string) []string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// componentName says what an implementation component is, for explain.
func componentName(c string) string {
	switch c {
	case "table":
		return "the table format"
	case "gomlx":
		return "the GoMLX version"
	}
	return "the " + c + " version"
}

func orNone(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}
