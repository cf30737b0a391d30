package ui

import (
	"embed"
	"html/template"
	"net/http"
	"sync"

	"github.com/mlpipe/pipeline/runtime/records"
)

// assets are the style sheet, the script and the page templates, built
// into the binary: the pages load nothing from anywhere but this server.
//
//go:embed assets
var assets embed.FS

// pageFuncs are the functions the page templates use.
var pageFuncs = template.FuncMap{
	"metric":   records.FormatMetric,
	"duration": records.FormatDuration,
	"time":     records.FormatTime,
}

// pages are parsed on first use, not when the binary starts: most commands
// never serve a page.
var pages = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("pages").Funcs(pageFuncs).ParseFS(assets, "assets/*.html.tmpl"))
})

// static serves /assets/{file}: the style sheet and the scripts, nothing
// else (templates are not served).
func static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	js := "text/javascript; charset=utf-8"
	types := map[string]string{"style.css": "text/css; charset=utf-8", "live.js": js, "runs.js": js, "frame.js": js}
	ct, ok := types[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	b, err := assets.ReadFile("assets/" + name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}

// render writes one page with the status given; a template error after the
// header was sent can only be logged by the caller, so it is returned.
func render(w http.ResponseWriter, status int, name string, data any) error {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	return pages().ExecuteTemplate(w, name, data)
}
