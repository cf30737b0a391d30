package progress

import (
	"testing"
	"time"
)

func TestAmount(t *testing.T) {
	cases := []struct {
		n    float64
		unit string
		want string
	}{
		{0, "rows", "0 rows"},
		{999, "rows", "999 rows"},
		{12345, "rows", "12.3k rows"},
		{4.5e6, "tokens", "4.5M tokens"},
		{2.5, "steps", "2.50 steps"},
		{12.25, "steps", "12.2 steps"},
		{512, "bytes", "512 B"},
		{1536, "bytes", "1.5 KiB"},
		{3 << 30, "bytes", "3.0 GiB"},
	}
	for _, c := range cases {
		if got := amount(c.n, c.unit); got != c.want {
			t.Errorf("amount(%v, %q) = %q, want %q", c.n, c.unit, got, c.want)
		}
	}
}

func TestDuration(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{{0, "0s"}, {1499 * time.Millisecond, "1s"}, {59 * time.Second, "59s"}, {187 * time.Second, "3m07s"}, {2*time.Hour + 5*time.Minute + 9*time.Second, "2h05m"}}
	for _, c := range cases {
		if got := duration(c.d); got != c.want {
			t.Errorf("duration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestDescribe(t *testing.T) {
	cases := []struct {
		r    reading
		want string
	}{
		{reading{Done: 40, Total: 100, Unit: "rows", Rate: 8, ETA: 7500 * time.Millisecond}, "40/100 rows (40%), 8 rows/s, ETA 8s"},
		{reading{Done: 1500, Unit: "tokens", Elapsed: 3 * time.Second, ETA: -1}, "1.5k tokens, 3s elapsed"},
		{reading{Done: 1 << 20, Total: 4 << 20, Unit: "bytes", Rate: 1 << 19, ETA: 6 * time.Second}, "1.0 MiB / 4.0 MiB (25%), 512.0 KiB/s, ETA 6s"},
		{reading{Done: 3, Total: 300, Unit: "steps", Rate: 0.5, ETA: 594 * time.Second, Status: "loss 0.412"}, "3/300 steps (1%), 0.50 steps/s, ETA 9m54s, loss 0.412"},
	}
	for _, c := range cases {
		if got := c.r.describe(); got != c.want {
			t.Errorf("describe(%+v)\n = %q\nwant %q", c.r, got, c.want)
		}
	}
}
