package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
	"sync"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/runtime"
	"github.com/mlpipe/pipeline/runtime/records"
)

//go:embed page.html.tmpl
var pageSource string

// styleSource is the style sheet every page of the package shares.
//
//go:embed style.html.tmpl
var styleSource string

// page is parsed on first use, not when the binary starts: most commands
// never write a page.
var page = sync.OnceValue(func() *template.Template {
	return template.Must(template.Must(template.New("page").Funcs(funcs).Parse(pageSource)).Parse(styleSource))
})

// funcs are the functions the page templates use.
var funcs = template.FuncMap{
	"metric":   records.FormatMetric,
	"duration": records.FormatDuration,
	"time":     records.FormatTime,
	"value":    records.FormatValue,
	"bytes":    records.FormatBytes,
	"cache":    records.CacheResult,
	"shortkey": records.ShortKey,
	"metrics":  sortedMetrics,
	"lossSVG":  lossSVG,
	"heat":     heat,
	"rowTotal": rowTotal,
	"opt":      optMetric,
	"join":     strings.Join,
	"took":     stageTime,
	"percent":  func(v float64) string { return fmt.Sprintf("%.1f%%", 100*v) },
}

// WriteHTML renders the report as one HTML page.
func (r *Report) WriteHTML(w io.Writer) error {
	if err := page().Execute(w, r); err != nil {
		return fmt.Errorf("rendering the report of run %s: %w", r.Manifest.RunID, err)
	}
	return nil
}

// Write builds the report of a run and renders it to w.
func Write(w io.Writer, ws *runtime.Workspace, m *artifacts.Manifest) error {
	return Build(ws, m).WriteHTML(w)
}

// lossSVG draws one definition stage's loss curves: per instance, the
// training loss as a solid line and the validation loss dashed with dots.
func lossSVG(c LossChart) template.HTML {
	chart := LineChart{Title: c.Stage + ": loss by step", XLabel: "step", YLabel: "loss"}
	for i, curve := range c.Curves {
		suffix := ""
		if curve.Point != "" {
			suffix = " (" + curve.Point + ")"
		}
		chart.Series = append(chart.Series, Series{Label: "train_loss" + suffix, Color: color(i), X: curve.Steps, Y: curve.Train})
		if hasValue(curve.Val) {
			chart.Series = append(chart.Series, Series{Label: "val_loss" + suffix, Color: color(i), X: curve.Steps, Y: curve.Val, Dashed: true, Markers: true})
		}
	}
	return chart.SVG()
}

func hasValue(v []float64) bool {
	for _, x := range v {
		if !math.IsNaN(x) {
			return true
		}
	}
	return false
}

// heat is a confusion cell's style: its share of the actual class's items
// as the intensity of the background.
func heat(n, total int64) template.CSS {
	if total == 0 {
		return ""
	}
	f := float64(n) / float64(total)
	text := "#111"
	if f > 0.55 {
		text = "#fff"
	}
	return template.CSS(fmt.Sprintf("background: rgba(0, 114, 178, %.3f); color: %s", f, text))
}

func rowTotal(row []int64) int64 {
	var t int64
	for _, n := range row {
		t += n
	}
	return t
}

// optMetric writes an optional sweep table value.
func optMetric(v *float64) string {
	if v == nil {
		return "–"
	}
	return records.FormatMetric(*v)
}
