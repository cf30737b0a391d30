package rules

import (
	"regexp"
	"sync"
)

// All returns the built-in rules in priority order: when two rules find
// overlapping secrets, the earlier one is reported.
func All() []*Rule {
	var out []*Rule
	out = append(out, cloudRules()...)
	out = append(out, keyRules()...)
	out = append(out, devRules()...)
	out = append(out, saasRules()...)
	out = append(out, aiRules()...)
	out = append(out, vendorRules()...)
	out = append(out, httpRules()...)
	out = append(out, k8sRules()...)
	out = append(out, passwordRules()...)
	return out
}

var (
	defaultOnce sync.Once
	defaultDet  *Detector
)

// Default returns a detector for All, compiled once.
func Default() *Detector {
	defaultOnce.Do(func() {
		d, err := New(All())
		if err != nil {
			panic("rules: built-in rules do not compile: " + err.Error())
		}
		defaultDet = d
	})
	return defaultDet
}

// lazyRegexp returns a function compiling expr on its first call and
// returning the same *regexp.Regexp on every call: a package-level pattern
// costs nothing at start-up in the commands that never scan.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
