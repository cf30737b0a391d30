package ingest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzJSONScanner checks the JSON Lines scanner against encoding/json: the
// same lines are valid objects, with the same members and values.
func FuzzJSONScanner(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":1}`, ` {"a" : [1, {"b": null}], "c": "x\u00e9\ud83d\ude00\n"} `, `{"a":1,}`, `[1]`, `{"a":-0.5e+3}`,
		`{"a":"\ud800"}`, `{"a":"\ud800\u0041"}`, `{"a":01}`, `{"a":1.}`, `{"a":tru}`, `{"a":"x"} x`, `{"a":"\x01"}`,
		`{"a":1,"a":2}`, `{"":{"":[[]]}}`, `{"a":"\/\b\f\r\t\\\""}`,
		`{"a":"x\"y","b":"q\\","c":"\"\"","d":["\\\"",{"e\"":"\\"}]}`, "{\"a\":\t\"x\\\"y\", \"b\":\"\\\\\"}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if !utf8.ValidString(line) || strings.Count(line, "[")+strings.Count(line, "{") > 400 {
			return
		}
		var sc jsonScanner
		got := map[string]any{}
		err := sc.object([]byte(line), func(key []byte, v *jsonValue) error {
			var val any
			switch v.kind {
			case jString:
				val = string(v.str)
			case jNumber:
				val = json.Number(string(v.raw))
			default:
				d := json.NewDecoder(bytes.NewReader(v.raw))
				d.UseNumber()
				if err := d.Decode(&val); err != nil {
					t.Fatalf("member %q: raw %q is not JSON: %v", key, v.raw, err)
				}
			}
			got[string(key)] = val
			return nil
		})
		var want map[string]any
		d := json.NewDecoder(strings.NewReader(line))
		d.UseNumber()
		werr := d.Decode(&want)
		if werr == nil {
			if _, e := d.Token(); !errors.Is(e, io.EOF) {
				werr = errors.New("trailing data")
			}
		}
		trimmed := strings.TrimLeft(line, " \t\r\n")
		if werr == nil && !strings.HasPrefix(trimmed, "{") {
			werr = errors.New("not an object")
		}
		if (err == nil) != (werr == nil) {
			t.Fatalf("line %q: scanner error %v, encoding/json error %v", line, err, werr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("line %q:\nscanner %#v\njson    %#v", line, got, want)
		}
	})
}

// FuzzCSVReader checks the CSV reader against encoding/csv (which also
// follows RFC 4180, but turns "\r\n" inside quoted fields into "\n").
func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n", "a,\"b,c\"\r\n\"x\"\"y\",z", "\"multi\nline\",2\n", "a,b,\n", "\n\na\n", "\"open\n", "a\"b,c\n",
		"\"a\"b\n", "a,b\r\nc,d\r\n", "\"\"\n", ",\n,,\n", "a\rb,c\n", "\"a\r\nb\"\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		ours, oerr := readAllCSV(in)
		std := csv.NewReader(strings.NewReader(in))
		std.FieldsPerRecord = -1
		theirs, serr := std.ReadAll()
		if (oerr == nil) != (serr == nil) {
			t.Fatalf("input %q: our error %v, encoding/csv error %v (ours %q, theirs %q)", in, oerr, serr, ours, theirs)
		}
		if oerr != nil {
			return
		}
		if len(theirs) == 0 {
			theirs = nil
		}
		if !reflect.DeepEqual(ours, theirs) {
			t.Fatalf("input %q:\nours   %q\ntheirs %q", in, ours, theirs)
		}
	})
}

// readAllCSV reads every record, with "\r\n" in fields turned into "\n" as
// encoding/csv does.
func readAllCSV(in string) ([][]string, error) {
	cr := newCSVReader(strings.NewReader(in), ',', defaultMaxRecordBytes)
	var out [][]string
	for {
		fields, err := cr.next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		rec := make([]string, len(fields))
		for i, f := range fields {
			rec[i] = strings.ReplaceAll(string(f), "\r\n", "\n")
		}
		out = append(out, rec)
	}
}

// FuzzParagraphReader checks the paragraph reader against a plain
// definition over the input's lines: the same paragraphs, first lines and
// texts, and the same rejects at the same lines.
func FuzzParagraphReader(f *testing.F) {
	for _, s := range []string{
		"a\nb\n\nc", "\n\n \t\nx  \r\n\ty\n", "\uFEFFone\n\ntwo\n", "bad\xc3\nx\n\nok", "long line here\nmore\n\nz",
		"a\r\rb\n\n", "", "\n", " ",
	} {
		f.Add(s, uint8(12))
	}
	f.Fuzz(func(t *testing.T, in string, limit8 uint8) {
		limit := int64(limit8) + 1
		type para struct {
			text           string
			first, badLine int64
			bad            string
		}
		var want []para
		var cur *para
		// A line's bound is on its bytes as read: a byte order mark opening
		// the input counts, and is then dropped.
		lines := strings.Split(in, "\n")
		if strings.HasSuffix(in, "\n") {
			lines = lines[:len(lines)-1]
		}
		for i, raw := range lines {
			n := int64(i + 1)
			line := strings.TrimSuffix(raw, "\r")
			if i == 0 {
				line = strings.TrimPrefix(line, "\uFEFF")
			}
			if int64(len(raw)) <= limit && strings.Trim(line, " \t") == "" {
				cur = nil
				continue
			}
			if cur == nil {
				want = append(want, para{first: n})
				cur = &want[len(want)-1]
			}
			if cur.bad != "" {
				continue
			}
			trimmed := strings.Trim(line, " \t")
			if cur.text != "" {
				cur.text += " "
			}
			cur.text += trimmed
			switch {
			case int64(len(raw)) > limit:
				cur.bad = "longer than"
			case !utf8.ValidString(trimmed):
				cur.bad = "not valid UTF-8"
			case int64(len(cur.text)) > limit:
				cur.bad = "longer than"
			}
			if cur.bad != "" {
				cur.badLine, cur.text = n, ""
			}
		}
		r := &paragraphReader{lr: newLineReader(strings.NewReader(in), limit), limit: limit}
		var got []para
		for {
			p, err := r.next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("input %q: %v", in, err)
			}
			g := para{text: string(p.text), first: p.first, badLine: p.badLine}
			if p.bad != nil {
				g.text = ""
				g.bad = "not valid UTF-8"
				if isTooLong(p.bad) {
					g.bad = "longer than"
				}
			}
			got = append(got, g)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("input %q, limit %d:\ngot  %+v\nwant %+v", in, limit, got, want)
		}
	})
}
