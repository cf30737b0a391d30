package progress

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// amount renders a quantity in its unit: bytes in IEC multiples
// ("12.5 MiB"), anything else with SI prefixes ("1.2k rows").
func amount(n float64, unit string) string {
	if unit == "bytes" || unit == "B" {
		const k = 1024
		if n < k {
			return fmt.Sprintf("%.0f B", n)
		}
		exp := min(int(math.Log(n)/math.Log(k)), 6)
		return fmt.Sprintf("%.1f %ciB", n/math.Pow(k, float64(exp)), "KMGTPE"[exp-1])
	}
	return number(n) + " " + unit
}

// number renders a count with an SI prefix when large: 950, 12.3k, 4.5M.
func number(n float64) string {
	switch a := math.Abs(n); {
	case a < 1000 && n == math.Trunc(n):
		return fmt.Sprintf("%.0f", n)
	case a < 10:
		return fmt.Sprintf("%.2f", n)
	case a < 1000:
		return fmt.Sprintf("%.1f", n)
	}
	for _, p := range []struct {
		div    float64
		prefix string
	}{{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}} {
		if math.Abs(n) >= p.div {
			return fmt.Sprintf("%.1f%s", n/p.div, p.prefix)
		}
	}
	return fmt.Sprintf("%.0f", n)
}

// duration renders a time span to the second: "45s", "3m07s", "2h05m".
func duration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm", s/3600, (s%3600)/60)
}

// describeDone renders the amount done, of the total with the percentage
// when the total is known.
func (r reading) describeDone() string {
	if r.Total <= 0 {
		return amount(float64(r.Done), r.Unit)
	}
	pct := 100 * float64(r.Done) / float64(r.Total)
	if r.Unit == "bytes" || r.Unit == "B" {
		return fmt.Sprintf("%s / %s (%.0f%%)", amount(float64(r.Done), r.Unit), amount(float64(r.Total), r.Unit), pct)
	}
	return fmt.Sprintf("%s/%s %s (%.0f%%)", number(float64(r.Done)), number(float64(r.Total)), r.Unit, pct)
}

// describe renders a reading as one line: amount done (of total, with the
// percentage), rate, time left or elapsed, and the stage's status text.
func (r reading) describe() string {
	if r.Done == 0 && r.Total <= 0 && r.Status == "" {
		// A stage that counts nothing: how long it has run.
		return duration(r.Elapsed) + " elapsed"
	}
	parts := []string{r.describeDone()}
	if r.Rate > 0 {
		parts = append(parts, amount(r.Rate, r.Unit)+"/s")
	}
	if r.ETA >= 0 {
		parts = append(parts, "ETA "+duration(r.ETA))
	} else {
		parts = append(parts, duration(r.Elapsed)+" elapsed")
	}
	if r.Status != "" {
		parts = append(parts, r.Status)
	}
	return strings.Join(parts, ", ")
}
