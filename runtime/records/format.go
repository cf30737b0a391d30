package records

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// FormatValue writes a parameter value as text: strings as they are,
// numbers in their shortest exact form, lists and maps as canonical JSON.
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case int, int64, json.Number:
		return fmt.Sprint(x)
	}
	b, err := json.Marshal(v) // maps come out with sorted keys
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// FormatMetric writes a metric value: whole numbers exactly, others with
// six significant digits.
func FormatMetric(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// FormatDelta writes a signed change with six significant digits.
func FormatDelta(v float64) string {
	s := FormatMetric(v)
	if v >= 0 && !math.IsInf(v, 1) {
		s = "+" + s
	}
	return s
}

// FormatRelative writes a relative change as a signed percentage.
func FormatRelative(r float64) string {
	return fmt.Sprintf("%+.2f%%", 100*r)
}

// FormatDuration writes a duration in milliseconds the way people read it:
// 850ms, 3.8s, 2m05s, 1h02m.
func FormatDuration(ms int64) string {
	d := time.Duration(ms) * time.Millisecond
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", ms)
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// FormatTime writes a manifest time in UTC to the second.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

// FormatBytes writes a size in binary units: 512 B, 3.4 KiB, 12.0 MiB.
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
