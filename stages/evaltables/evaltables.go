// Package evaltables is the contract of an evaluation-tables output
// (stages.RoleEvaluation): the files in its directory and their columns.
// The evaluating kind writes them; the report and anyone reading a run's
// outputs find them here, without knowing which kind wrote them.
package evaltables

import "github.com/apache/arrow-go/v18/arrow"

// The files of an evaluation-tables directory. Each is a Parquet table;
// for a language model the confusion and per-class tables are empty and
// the predictions table is absent.
const (
	// ConfusionFile holds one row per (actual, predicted) pair of classes.
	ConfusionFile = "confusion.parquet"
	// PerClassFile holds one row of scores per class.
	PerClassFile = "per_class.parquet"
	// PredictionsFile holds one row per evaluated example, so that a
	// classifier's errors can be looked at.
	PredictionsFile = "predictions.parquet"
)

// Files lists the files an evaluation-tables directory may hold, in the
// order a reader shows them.
func Files() []string { return []string{PredictionsFile, ConfusionFile, PerClassFile} }

// Columns of ConfusionFile.
const (
	Actual    = "actual"
	Predicted = "predicted"
	Count     = "count"
)

// Columns of PerClassFile (Label is also used by nothing else).
const (
	Label     = "label"
	Precision = "precision"
	Recall    = "recall"
	F1        = "f1"
	Support   = "support"
)

// Columns of PredictionsFile beside Actual and Predicted.
const (
	Row         = "row"
	Probability = "probability"
	Correct     = "correct"
)

// ConfusionSchema is the schema of ConfusionFile.
var ConfusionSchema = arrow.NewSchema([]arrow.Field{
	{Name: Actual, Type: arrow.BinaryTypes.String},
	{Name: Predicted, Type: arrow.BinaryTypes.String},
	{Name: Count, Type: arrow.PrimitiveTypes.Int64},
}, nil)

// PerClassSchema is the schema of PerClassFile.
var PerClassSchema = arrow.NewSchema([]arrow.Field{
	{Name: Label, Type: arrow.BinaryTypes.String},
	{Name: Precision, Type: arrow.PrimitiveTypes.Float64},
	{Name: Recall, Type: arrow.PrimitiveTypes.Float64},
	{Name: F1, Type: arrow.PrimitiveTypes.Float64},
	{Name: Support, Type: arrow.PrimitiveTypes.Int64},
}, nil)

// PredictionsSchema is the schema of PredictionsFile.
var PredictionsSchema = arrow.NewSchema([]arrow.Field{
	{Name: Row, Type: arrow.PrimitiveTypes.Int64},
	{Name: Actual, Type: arrow.BinaryTypes.String},
	{Name: Predicted, Type: arrow.BinaryTypes.String},
	{Name: Probability, Type: arrow.PrimitiveTypes.Float64},
	{Name: Correct, Type: arrow.FixedWidthTypes.Boolean},
}, nil)
