// Package steps is the contract of a step-metrics table (stages.RoleHistory):
// one row per logged step, a Step column numbering it and one numeric
// column per metric. Training writes one; a command's logged steps become
// one; the records and the report read any of them by these names.
package steps

// Column names with a meaning beyond "a metric".
const (
	// Step numbers the row; a table without it is numbered by row.
	Step = "step"
	// TrainLoss is the training loss at the step.
	TrainLoss = "train_loss"
	// Loss is what a command may log instead of TrainLoss.
	Loss = "loss"
	// ValLoss is the validation loss, null at steps without a validation.
	ValLoss = "val_loss"
	// LR is the learning rate at the step.
	LR = "lr"
	// TokensPerSecond is the training throughput at the step.
	TokensPerSecond = "tokens_per_second"
)
