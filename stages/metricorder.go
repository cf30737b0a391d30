package stages

import "strings"

// HigherIsBetter reports whether a larger value of the metric is better
// (accuracy, precision, recall, F1 and AUC scores, with suffixes such as
// `f1_macro`); for losses, cross-entropy, perplexity and the rest smaller is
// better.
func HigherIsBetter(name string) bool {
	for _, p := range []string{"accuracy", "precision", "recall", "f1", "auc"} {
		if name == p || strings.HasPrefix(name, p+"_") {
			return true
		}
	}
	return false
}
