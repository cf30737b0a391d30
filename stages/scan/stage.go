package scan

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
)

func init() { stages.Register(Kind{}) }

// Kind is the `scan` stage kind: a secrets gate over input tables (any port
// names) and workspace paths (`with: {paths: [...]}`). It writes the findings
// as a Parquet table on port `findings` and, unless `fail_on_findings: false`,
// fails when there are any (the findings are kept with the failed stage's
// record). Each input passes through, unchanged, as the output port of the
// same name: stages reading `secrets.data` rather than the data's producer
// run only once the gate passed.
type Kind struct{}

// Name implements stages.Kind.
func (Kind) Name() string { return "scan" }

// Version implements stages.Kind. Bump it when rules or outputs change.
func (Kind) Version() string { return "4" }

// Implementations implements stages.Implementations: the table format it writes.
func (Kind) Implementations() map[string]string {
	return map[string]string{"table": table.FormatVersion}
}

// Doc implements stages.Kind.
func (Kind) Doc() string {
	return "find leaked credentials in input tables and workspace files; fail the run when any are found"
}

// Schema implements stages.Kind.
func (Kind) Schema() stages.Schema {
	return stages.Schema{
		Outputs: "findings (the default port), and each input passed through under its port's name",
		Params: []stages.Param{
			{Name: "paths", Type: stages.List, Elem: &stages.Param{Type: stages.String}, Doc: "files or directories to scan, relative to the definition's directory"},
			{Name: "fail_on_findings", Type: stages.Bool, Default: true, Doc: "fail the stage when anything is found"},
			{Name: "allow_incomplete", Type: stages.Bool, Default: false, Doc: "pass even when a limit (depth, size, ratio) stopped reading part of the input"},
			{Name: "config", Type: stages.String, Doc: "YAML scan config (allowlists, limits), relative to the definition's directory"},
		},
	}
}

// Plan implements stages.Kind.
func (Kind) Plan(req stages.PlanRequest) (*stages.Plan, error) {
	completed, err := stages.Complete(Kind{}.Schema(), req.Params)
	if err != nil {
		return nil, fmt.Errorf("stage %s: reading scan parameters: %w", req.Stage, err)
	}
	p := stages.Params(completed)
	paths := p.Strings("paths")
	if len(paths) == 0 && len(req.Inputs) == 0 {
		return nil, fmt.Errorf("stage %s: a scan needs inputs or with.paths", req.Stage)
	}
	sources := append([]string(nil), paths...)
	if c := p.String("config"); c != "" {
		if _, err := LoadConfig(resolve(req.WorkDir, c)); err != nil {
			return nil, fmt.Errorf("stage %s: %w", req.Stage, err)
		}
		sources = append(sources, c)
	}
	plan := &stages.Plan{Outputs: []string{FindingsPort}, DefaultOutput: FindingsPort, Sources: sources,
		Roles: map[string]stages.Role{FindingsPort: stages.RoleFindings}, Headline: []string{"findings", "warnings", "files_scanned"}}
	for _, in := range req.Inputs {
		if in == FindingsPort {
			return nil, fmt.Errorf("stage %s: an input port may not be named `%s`, the scan's own output (inputs pass through under their names)", req.Stage, FindingsPort)
		}
		plan.Outputs = append(plan.Outputs, in)
		if plan.PassThrough == nil {
			plan.PassThrough = map[string]string{}
		}
		plan.PassThrough[in] = in
	}
	return plan, nil
}

// FindingsPort is the output port of the findings table.
const FindingsPort = "findings"

func resolve(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}

// findingsSchema is the schema of the findings table.
var findingsSchema = arrow.NewSchema([]arrow.Field{
	{Name: "input", Type: arrow.BinaryTypes.String},
	{Name: "path", Type: arrow.BinaryTypes.String},
	{Name: "line", Type: arrow.PrimitiveTypes.Int64},
	{Name: "column", Type: arrow.BinaryTypes.String},
	{Name: "kind", Type: arrow.BinaryTypes.String},
	{Name: "preview", Type: arrow.BinaryTypes.String},
	{Name: "secret_sha256", Type: arrow.BinaryTypes.String},
}, nil)

// inputFinding is a finding with the input port it came from ("" for paths).
type inputFinding struct {
	input string
	Finding
}

// Run implements stages.Kind.
func (Kind) Run(ctx context.Context, env *stages.Env) (*stages.Result, error) {
	completed, err := stages.Complete(Kind{}.Schema(), env.Params)
	if err != nil {
		return nil, fmt.Errorf("reading scan parameters: %w", err)
	}
	p := stages.Params(completed)
	var cfg *Config
	if c := p.String("config"); c != "" {
		if cfg, err = LoadConfig(resolve(env.WorkDir, c)); err != nil {
			return nil, err
		}
	}
	s, err := NewFromConfig(cfg)
	if err != nil {
		return nil, err
	}
	var all []inputFinding
	total := &Report{}
	ports := make([]string, 0, len(env.Inputs))
	for port := range env.Inputs {
		ports = append(ports, port)
	}
	sort.Strings(ports)
	for _, port := range ports {
		rep, err := s.ScanNamed(ctx, []Named{{Display: port, Path: env.Inputs[port]}})
		if err != nil {
			return nil, fmt.Errorf("scanning input %s: %w", port, err)
		}
		for _, f := range rep.Findings {
			all = append(all, inputFinding{port, f})
		}
		total.merge(rep)
	}
	if paths := p.Strings("paths"); len(paths) > 0 {
		named := make([]Named, len(paths))
		for i, q := range paths {
			named[i] = Named{Display: filepath.ToSlash(q), Path: resolve(env.WorkDir, q)}
		}
		rep, err := s.ScanNamed(ctx, named)
		if err != nil {
			return nil, fmt.Errorf("scanning paths: %w", err)
		}
		for _, f := range rep.Findings {
			all = append(all, inputFinding{"", f})
		}
		total.merge(rep)
	}
	for _, w := range total.Warnings {
		env.Log.Warn().Str("path", w.Path).Str("limit", w.Limit).Msg(w.Message)
	}
	out := env.OutPath(FindingsPort)
	if err := writeFindings(out, all); err != nil {
		return nil, err
	}
	res := &stages.Result{Metrics: map[string]float64{
		"findings":      float64(len(all)),
		"bytes_scanned": float64(total.Bytes),
		"files_scanned": float64(total.Files),
		"warnings":      float64(len(total.Warnings)),
	}}
	if len(all) > 0 && p.Bool("fail_on_findings") {
		for _, f := range all {
			env.Log.Error().Str("path", f.Path).Int64("line", f.Line).Str("column", f.Column).Str("kind", f.Kind).Str("preview", f.Preview).Msg("secret found")
		}
		// The findings table stays in the failed stage's record.
		return nil, &FindingsError{N: len(all), Kept: []string{FindingsPort}}
	}
	if len(all) > 0 {
		env.Log.Warn().Int("findings", len(all)).Msg("secrets found; recorded (hashed, never in clear) in the findings output")
	}
	if n := total.Stopped(); n > 0 && !p.Bool("allow_incomplete") {
		return nil, &IncompleteError{N: n}
	}
	return res, nil
}

// writeFindings writes findings as a Parquet table at path.
func writeFindings(path string, fs []inputFinding) error {
	b := array.NewRecordBuilder(memory.DefaultAllocator, findingsSchema)
	defer b.Release()
	for _, f := range fs {
		b.Field(0).(*array.StringBuilder).Append(f.input)
		b.Field(1).(*array.StringBuilder).Append(f.Path)
		b.Field(2).(*array.Int64Builder).Append(f.Line)
		b.Field(3).(*array.StringBuilder).Append(f.Column)
		b.Field(4).(*array.StringBuilder).Append(f.Kind)
		b.Field(5).(*array.StringBuilder).Append(f.Preview)
		b.Field(6).(*array.StringBuilder).Append(f.SecretSHA256)
	}
	rec := b.NewRecordBatch()
	defer rec.Release()
	w, err := table.Create(path, findingsSchema)
	if err != nil {
		return fmt.Errorf("writing findings: %w", err)
	}
	if err := w.Write(rec); err != nil {
		w.Abort()
		return fmt.Errorf("writing findings to %s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("writing findings to %s: %w", path, err)
	}
	return nil
}
