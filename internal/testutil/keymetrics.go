package testutil

// KeyMetricsOf returns the key metrics a stage record of the kind carries
// in a manifest, as the kinds declare them in their plans: the fixture
// manifests of the records, report and export tests are written by hand
// and use it, and a test in stages/all holds it equal to the kinds' plans.
func KeyMetricsOf(kind string) []string {
	switch kind {
	case "eval", "baseline":
		return []string{"accuracy", "f1_macro", "perplexity", "cross_entropy"}
	case "train":
		return []string{"val_loss"}
	case "predict":
		return []string{"accuracy"}
	}
	return nil
}
