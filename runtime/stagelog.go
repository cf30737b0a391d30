package runtime

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/rs/zerolog"
)

// stageLogger returns the logger a running stage gets: its events go to the
// run's log output (at the run's level) and, whole with their fields, to the
// stage's log file (from info up, or debug when the run logs debug), as
// `level: message key=value ...` lines, or as JSON when the run logs JSON.
func (r *runner) stageLogger(name string, file io.Writer) zerolog.Logger {
	runLevel := r.opts.Log.GetLevel()
	fileLevel := min(zerolog.InfoLevel, runLevel)
	var term io.Writer = io.Discard
	if r.opts.LogOutput != nil {
		term = r.opts.LogOutput
	}
	termLevel := runLevel
	if l, ok := r.opts.Progress.(interface{ Live() bool }); ok && l.Live() && termLevel < zerolog.WarnLevel {
		// A live display shows the stage's progress; its informational
		// lines (training's every few steps) stay in the stage log.
		termLevel = zerolog.WarnLevel
	}
	w := zerolog.MultiLevelWriter(
		levelFilter{w: term, min: termLevel},
		levelFilter{w: stageLogWriter{w: file, json: r.opts.LogJSON}, min: fileLevel},
	)
	return zerolog.New(w).Level(min(runLevel, fileLevel)).With().Timestamp().Str("stage", name).Logger()
}

// levelFilter passes on the events at min or above.
type levelFilter struct {
	w   io.Writer
	min zerolog.Level
}

// Write implements io.Writer.
func (f levelFilter) Write(p []byte) (int, error) { return f.w.Write(p) }

// WriteLevel implements zerolog.LevelWriter.
func (f levelFilter) WriteLevel(l zerolog.Level, p []byte) (int, error) {
	if l < f.min || f.min == zerolog.Disabled {
		return len(p), nil
	}
	return f.w.Write(p)
}

// stageLogWriter writes zerolog's JSON events as stage log lines.
type stageLogWriter struct {
	w    io.Writer
	json bool
}

// Write implements io.Writer: p is one JSON event.
func (s stageLogWriter) Write(p []byte) (int, error) {
	if s.json {
		_, err := s.w.Write(p)
		return len(p), err
	}
	_, err := io.WriteString(s.w, eventLine(p))
	return len(p), err
}

// eventLine renders one JSON event as `level: message key=value ...\n`,
// fields in the order the stage logged them; the time and the stage's name
// (the file says both) are left out.
func eventLine(p []byte) string {
	dec := json.NewDecoder(bytes.NewReader(p))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return string(p)
	}
	var level, msg string
	var fields []string
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return string(p)
		}
		key, _ := kt.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return string(p)
		}
		switch key {
		case zerolog.LevelFieldName:
			_ = json.Unmarshal(v, &level)
		case zerolog.MessageFieldName:
			_ = json.Unmarshal(v, &msg)
		case zerolog.TimestampFieldName, "stage":
		default:
			fields = append(fields, key+"="+logfmtValue(v))
		}
	}
	var b strings.Builder
	b.WriteString(level)
	b.WriteString(": ")
	b.WriteString(msg)
	for _, f := range fields {
		b.WriteByte(' ')
		b.WriteString(f)
	}
	b.WriteByte('\n')
	return b.String()
}

// logfmtValue renders a JSON value as a logfmt value: strings bare unless
// they hold spaces, quotes or `=`, fractions with six significant digits,
// the rest as JSON.
func logfmtValue(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		if s == "" || strings.ContainsAny(s, " \t\n\r\"=") {
			return strconv.Quote(s)
		}
		return s
	}
	if bytes.ContainsAny(v, ".eE") {
		if f, err := strconv.ParseFloat(string(v), 64); err == nil {
			return strconv.FormatFloat(f, 'g', 6, 64)
		}
	}
	return string(v)
}
