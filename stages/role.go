package stages

// Role says what an output port holds, so that the engine, the records and
// the report select outputs by what they are rather than by a port's or a
// kind's name. A kind declares the role of each output in Plan.Roles; the
// manifest records it beside the port.
type Role string

// The roles an output may have.
const (
	// RoleTable is a Parquet table of rows (ingested data, a split, a
	// tokenized table, predictions). The engine records its rows and schema.
	RoleTable Role = "table"
	// RoleHistory is a Parquet table of step metrics: a `step` column and one
	// numeric column per metric. The report charts it.
	RoleHistory Role = "history"
	// RoleFindings is a Parquet table of scan findings.
	RoleFindings Role = "findings"
	// RoleMetrics is a directory holding metrics.json: the scores a stage
	// computed, the shape selectbest and the report read.
	RoleMetrics Role = "metrics"
	// RoleEvaluation is a directory of evaluation tables whose file names and
	// columns are those of package evaltables (confusion counts, per-class
	// scores, per-example predictions).
	RoleEvaluation Role = "evaluation"
	// RoleModel is a trained model (a directory the predicting and
	// evaluating kinds load).
	RoleModel Role = "model"
	// RoleTokenizer is a tokenizer file the tokenizing kinds load.
	RoleTokenizer Role = "tokenizer"
	// RoleFile is a file or directory the engine knows nothing more of (a
	// command's untyped outputs, a choice file): what an output without a
	// declared role is.
	RoleFile Role = "file"
)

// Roles lists every role, in the order the manifest schema gives them.
var Roles = []Role{RoleTable, RoleHistory, RoleFindings, RoleMetrics, RoleEvaluation, RoleModel, RoleTokenizer, RoleFile}

// IsTable reports whether outputs of the role are one Parquet table, whose
// rows and schema the engine records.
func (r Role) IsTable() bool {
	return r == RoleTable || r == RoleHistory || r == RoleFindings
}

// RoleOf returns the role the plan declares for an output port, RoleFile
// when it declares none. A port whose role comes from an input (see
// InputOfRole) has the role of that input's producer, which only the engine
// knows.
func (p *Plan) RoleOf(port string) Role {
	if r, ok := p.Roles[port]; ok && r != "" {
		return r
	}
	return RoleFile
}

// InputOfRole returns the input port whose producer's role an output port
// has (PassThrough, else RoleFrom), if any.
func (p *Plan) InputOfRole(port string) (string, bool) {
	if in, ok := p.PassThrough[port]; ok {
		return in, true
	}
	in, ok := p.RoleFrom[port]
	return in, ok
}
