package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/mlpipe/pipeline/artifacts"
)

// Definition is a parsed, structurally valid definition file, before params
// are resolved and stages compiled.
type Definition struct {
	// Path is the definition file's path as given; Dir is its absolute directory.
	Path string
	Dir  string
	// Digest is the digest of the file's bytes.
	Digest string
	// Version is the format version (1).
	Version int64
	// Name is the pipeline's name.
	Name string
	// Params are the default parameters.
	Params map[string]any
	// Sweep lists the swept parameters, sorted by key.
	Sweep []SweepAxis
	// Sources are the files (paths or globs, relative to Dir) the project
	// tracks: `pipeline push` uploads them to the remote store and records
	// their digests beside the definition; `pipeline pull` restores them.
	Sources []string
	// Stages holds the stage definitions by name; Order lists them in file order.
	Stages map[string]*StageDef
	Order  []string

	root *node
}

// SweepAxis is one swept parameter and its values.
type SweepAxis struct {
	Key    string
	Values []any
	// Group is 0 for an axis of the grid (every value with every other
	// axis's), or the number of the `zip:` or `random:` group whose axes
	// advance together, value i of each with value i of the others.
	Group int
	node  *node
}

// StageDef is one stage as written in the definition.
type StageDef struct {
	Name   string
	Kind   string
	Inputs map[string]InputRef
	Deps   []string
	With   *node
	// Resources is the stage's `resources:` block.
	Resources Resources
	// Sandbox is the stage's `sandbox:` value (see stages.Sandbox).
	Sandbox string
	// KeyMetrics is the stage's `key_metrics:` (nil when it lists none).
	KeyMetrics []string
	// depNodes holds each dep's position.
	depNodes []*node
	node     *node
}

// InputRef is an input wiring `port: stage.port` (Port empty when only the
// stage is named). With All (`stage[*].port`) the port takes the output of
// every sweep instance of the stage: a fan-in.
type InputRef struct {
	Stage string
	Port  string
	All   bool
	node  *node
}

var (
	topKeys   = []string{"version", "name", "description", "params", "sweep", "sources", "stages"}
	stageKeys = []string{"kind", "description", "inputs", "deps", "resources", "sandbox", "key_metrics", "with"}
	nameRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)
)

// fanInSuffix marks an input taking every sweep instance of a stage.
const fanInSuffix = "[*]"

// Load reads and structurally validates a definition file.
func Load(path string) (*Definition, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read the definition: %v", err)}
	}
	return Parse(path, src)
}

// File returns the definition file's absolute path, which identifies the
// definition in a workspace shared by several.
func (d *Definition) File() string { return filepath.Join(d.Dir, filepath.Base(d.Path)) }

// Parse validates a definition held in memory; path names it in errors and
// fixes the directory relative paths resolve against.
func Parse(path string, src []byte) (*Definition, error) {
	root, err := parseYAML(path, src)
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, &Error{File: path, Msg: err.Error()}
	}
	d := &Definition{Path: path, Dir: dir, Digest: artifacts.HashBytes(src), root: root, Stages: map[string]*StageDef{}}
	e := &errs{file: path}
	if root.Kind != mapNode {
		e.at(root, "a definition must be a map with `version`, `name` and `stages`")
		return nil, e.err()
	}
	checkKeys(e, root, topKeys, "")
	if v := root.get("version"); v == nil {
		e.at(root, "missing `version` (write `version: 1`)")
	} else if n, ok := v.Value.(int64); !ok || n != 1 {
		e.at(v, "unsupported `version` %v: this engine reads version 1", v.Value)
	} else {
		d.Version = n
	}
	if v := root.get("name"); v != nil {
		if s, ok := v.Value.(string); ok && v.Kind == scalarNode {
			d.Name = s
		} else {
			e.at(v, "`name` must be a string")
		}
	}
	if d.Name == "" {
		d.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	d.Params = map[string]any{}
	if p := root.get("params"); p != nil && p.Value != nil || p != nil && p.Kind != scalarNode {
		if p.Kind != mapNode {
			e.at(p, "`params` must be a map of names to values")
		} else {
			d.Params = p.toAny().(map[string]any)
		}
	}
	if s := root.get("sweep"); s != nil && (s.Kind != scalarNode || s.Value != nil) {
		if s.Kind != mapNode {
			e.at(s, "`sweep` must be a map of parameter names to lists of values")
		} else {
			for _, k := range s.Keys {
				v := s.Map[k]
				switch {
				case k == sweepZip && v.Kind == mapNode:
					d.Sweep = append(d.Sweep, parseZip(e, d, v, len(d.Sweep)+1)...)
					continue
				case k == sweepRandom && v.Kind == mapNode:
					d.Sweep = append(d.Sweep, parseRandom(e, d, v, len(d.Sweep)+1)...)
					continue
				}
				if v.Kind != listNode || len(v.List) == 0 {
					e.at(v, "sweep `%s` must be a non-empty list of values (or `zip:` / `random:` groups)", k)
					continue
				}
				if _, ok := lookupPath(d.Params, k); !ok {
					e.at(s.keyNode(k), "sweep key `%s` matches no parameter in `params`%s", k, didYouMean(k, paramPaths(d.Params)))
					continue
				}
				d.Sweep = append(d.Sweep, SweepAxis{Key: k, Values: v.toAny().([]any), node: v})
			}
			checkSweepKeys(e, d.Sweep)
			sort.Slice(d.Sweep, func(i, j int) bool { return d.Sweep[i].Key < d.Sweep[j].Key })
		}
	}
	if src := root.get("sources"); src != nil && !(src.Kind == scalarNode && src.Value == nil) {
		if src.Kind != listNode {
			e.at(src, "`sources` must be a list of file paths or globs")
		} else {
			for _, sn := range src.List {
				s, ok := sn.Value.(string)
				if !ok || s == "" || filepath.IsAbs(s) || s == ".." || strings.HasPrefix(filepath.ToSlash(s), "../") {
					e.at(sn, "each of `sources` must be a path or glob inside the definition's directory")
					continue
				}
				d.Sources = append(d.Sources, s)
			}
		}
	}
	st := root.get("stages")
	switch {
	case st == nil:
		e.at(root, "missing `stages`")
	case st.Kind != mapNode:
		e.at(st, "`stages` must be a map of stage names to stages")
	default:
		for _, name := range st.Keys {
			if sd := parseStage(e, name, st.keyNode(name), st.Map[name]); sd != nil {
				d.Stages[name] = sd
				d.Order = append(d.Order, name)
			}
		}
		if len(st.Keys) == 0 {
			e.at(st, "`stages` is empty")
		}
	}
	if err := e.err(); err != nil {
		return nil, err
	}
	return d, nil
}

func checkKeys(e *errs, n *node, allowed []string, where string) {
	for _, k := range n.Keys {
		found := false
		for _, a := range allowed {
			if a == k {
				found = true
				break
			}
		}
		if !found {
			e.at(n.keyNode(k), "unknown key `%s`%s%s", k, where, didYouMean(k, allowed))
		}
	}
}

func parseStage(e *errs, name string, keyPos, n *node) *StageDef {
	if !nameRE.MatchString(name) {
		e.at(keyPos, "stage name `%s` must start with a letter or `_` and hold only letters, digits, `_` and `-`", name)
		return nil
	}
	if n.Kind != mapNode {
		e.at(n, "stage `%s` must be a map with at least `kind`", name)
		return nil
	}
	checkKeys(e, n, stageKeys, fmt.Sprintf(" in stage `%s`", name))
	sd := &StageDef{Name: name, Inputs: map[string]InputRef{}, node: n, With: n.get("with")}
	if k := n.get("kind"); k == nil {
		e.at(keyPos, "stage `%s` has no `kind`", name)
	} else if s, ok := k.Value.(string); !ok || k.Kind != scalarNode {
		e.at(k, "`kind` of stage `%s` must be a string", name)
	} else {
		sd.Kind = s
	}
	if in := n.get("inputs"); in != nil && !(in.Kind == scalarNode && in.Value == nil) {
		if in.Kind != mapNode {
			e.at(in, "`inputs` of stage `%s` must map port names to `stage` or `stage.port`", name)
		} else {
			for _, port := range in.Keys {
				v := in.Map[port]
				s, ok := v.Value.(string)
				if !ok || v.Kind != scalarNode || s == "" {
					e.at(v, "input `%s` of stage `%s` must be `stage` or `stage.port`", port, name)
					continue
				}
				ref := InputRef{Stage: s, node: v}
				if i := strings.IndexByte(s, '.'); i >= 0 {
					ref.Stage, ref.Port = s[:i], s[i+1:]
				}
				if st, ok := strings.CutSuffix(ref.Stage, fanInSuffix); ok {
					ref.Stage, ref.All = st, true
				}
				sd.Inputs[port] = ref
			}
		}
	}
	if deps := n.get("deps"); deps != nil && !(deps.Kind == scalarNode && deps.Value == nil) {
		if deps.Kind != listNode {
			e.at(deps, "`deps` of stage `%s` must be a list of file paths", name)
		} else {
			for _, dn := range deps.List {
				s, ok := dn.Value.(string)
				if !ok || s == "" {
					e.at(dn, "each dep of stage `%s` must be a file path", name)
					continue
				}
				sd.Deps = append(sd.Deps, s)
				sd.depNodes = append(sd.depNodes, dn)
			}
		}
	}
	sd.Resources = parseResources(e, name, n.get("resources"))
	sd.Sandbox = parseSandbox(e, name, n.get("sandbox"))
	sd.KeyMetrics = parseKeyMetrics(e, name, n.get("key_metrics"))
	if sd.With != nil && sd.With.Kind == scalarNode && sd.With.Value == nil {
		sd.With = nil
	}
	if sd.With != nil && sd.With.Kind != mapNode {
		e.at(sd.With, "`with` of stage `%s` must be a map of parameters", name)
		sd.With = nil
	}
	return sd
}
