package runtime

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/internal/testutil/tabletest"
	"github.com/mlpipe/pipeline/stages"
)

// untableKind declares its output a table and writes text: a kind's bug
// the engine must catch rather than record rows it never read.
type untableKind struct{}

func (untableKind) Name() string          { return "untable" }
func (untableKind) Version() string       { return "1" }
func (untableKind) Doc() string           { return "test kind declaring a table it does not write" }
func (untableKind) Schema() stages.Schema { return stages.Schema{Inputs: []string{}} }
func (untableKind) Plan(stages.PlanRequest) (*stages.Plan, error) {
	return &stages.Plan{Outputs: []string{"rows"}, Roles: map[string]stages.Role{"rows": stages.RoleTable},
		Headline: []string{"n"}, KeyMetrics: []string{"n"}}, nil
}
func (untableKind) Run(_ context.Context, env *stages.Env) (*stages.Result, error) {
	return nil, os.WriteFile(env.OutPath("rows"), []byte("id,text\n1,a\n"), 0o644)
}

func init() { stages.Register(untableKind{}) }

func portOf(t *testing.T, ports []artifacts.PortRecord, name string) artifacts.PortRecord {
	t.Helper()
	for _, p := range ports {
		if p.Port == name {
			return p
		}
	}
	t.Fatalf("no port %s in %+v", name, ports)
	return artifacts.PortRecord{}
}

// The manifest says what each port holds, as the kinds declare it: a
// command's `table` is a table with its rows and schema, the same Parquet
// bytes under an untyped port are a file without them, and an input has
// its producer's role.
func TestManifestRecordsRoles(t *testing.T) {
	const def = `version: 1
name: roles
stages:
  make:
    kind: exec
    deps: [t.parquet]
    with: {cmd: "cp t.parquet $PIPELINE_OUT/t && cp t.parquet $PIPELINE_OUT/f", outputs: {t: table, f: file}}
  use:
    kind: exec
    inputs: {in: make.t}
    with: {cmd: "cp $PIPELINE_IN_IN $PIPELINE_OUT/o", outputs: [o]}
`
	p := newProject(t, def, nil)
	b := array.NewInt64Builder(memory.DefaultAllocator)
	b.AppendValues([]int64{1, 2, 3}, nil)
	col := b.NewArray()
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}}, nil)
	tabletest.Write(t, filepath.Join(p.dir, "t.parquet"), array.NewRecordBatch(schema, []arrow.Array{col}, 3))
	res := p.run(Options{})
	if res.Status != RunSucceeded {
		t.Fatalf("run: %s", statuses(res))
	}
	var mk, use *artifacts.StageRecord
	for i := range res.Manifest.Stages {
		switch s := &res.Manifest.Stages[i]; s.Name {
		case "make":
			mk = s
		case "use":
			use = s
		}
	}
	tbl, file := portOf(t, mk.Outputs, "t"), portOf(t, mk.Outputs, "f")
	if tbl.Role != "table" || tbl.Rows == nil || *tbl.Rows != 3 || tbl.Schema == "" {
		t.Errorf("table output: %+v", tbl)
	}
	if file.Role != "file" || file.Rows != nil || file.Schema != "" {
		t.Errorf("untyped output of Parquet bytes: %+v", file)
	}
	if in := portOf(t, use.Inputs, "in"); in.Role != "table" || in.Rows == nil {
		t.Errorf("input from the table: %+v", in)
	}
}

// A declared table that is not one fails the stage, naming the port; the
// record keeps the kind's headline and key metrics.
func TestDeclaredTableMustBeATable(t *testing.T) {
	p := newProject(t, "version: 1\nname: untable\nstages:\n  u: {kind: untable}\n", nil)
	res := p.run(Options{})
	if res.Status != RunFailed || res.Stages[0].Err == nil ||
		!strings.Contains(res.Stages[0].Err.Error(), "output `rows` is a table but not a readable table") {
		t.Fatalf("run: %s, %v", statuses(res), res.Stages[0].Err)
	}
	rec := res.Manifest.Stages[0]
	if strings.Join(rec.Headline, ",") != "n" || strings.Join(rec.KeyMetrics, ",") != "n" {
		t.Errorf("record headline %v, key metrics %v", rec.Headline, rec.KeyMetrics)
	}
}

// The manifest schema's enum of port roles is stages.Roles, in order.
func TestManifestSchemaListsEveryRole(t *testing.T) {
	var doc struct {
		Defs struct {
			Port struct {
				Properties struct {
					Role struct {
						Enum []string `json:"enum"`
					} `json:"role"`
				} `json:"properties"`
			} `json:"port"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(artifacts.ManifestSchema, &doc); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range stages.Roles {
		want = append(want, string(r))
	}
	if got := doc.Defs.Port.Properties.Role.Enum; !slices.Equal(got, want) {
		t.Errorf("schema roles %v, stages.Roles %v", got, want)
	}
}
