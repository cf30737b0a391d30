package scancorpus

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/klauspost/compress/zip"
)

// Write generates a labelled corpus under dir from seed, with perFamily
// secrets of each family, and returns the labels (also written to
// dir/labels.jsonl, outside the scanned tree dir/tree). Every container the
// scanner reads holds secrets and decoys: plain, CRLF and UTF-16 text; JSONL,
// CSV and Parquet tables; zip, tar, tar.gz and gzip files, and a zip inside a
// tar.gz.
func Write(dir string, seed uint64, perFamily int) ([]Label, error) {
	f := NewFake(seed)
	root := filepath.Join(dir, "tree")
	items := Items(f, perFamily)
	f.r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	decoys := Decoys(f)
	var labels []Label

	put := func(rel string, data []byte) error {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	}

	// Split the items: a third into tables, the rest into text documents.
	var tableItems, textItems []Item
	for i, it := range items {
		if i%3 == 0 {
			tableItems = append(tableItems, it)
		} else {
			textItems = append(textItems, it)
		}
	}

	// Text documents, each placed in one container.
	type placement struct {
		path string   // file path (relative to root)
		enc  encoding // byte encoding
		in   string   // container: "" (plain file), "zip", "tar", "tgz", "gz", "nested"
	}
	places := []placement{
		{"config/app.env", lf, ""}, {"config/settings.yaml", lf, ""}, {"notes/setup.md", lf, ""},
		{"deploy/values.yaml", crlf, ""}, {"deploy/run.sh", crlf, ""},
		{"exports/credentials.txt", utf16le, ""}, {"exports/legacy.ini", utf16be, ""},
		{"conf/.env", lf, "zip"}, {"conf/app.cfg", crlf, "zip"},
		{"logs/build.log", lf, "tar"}, {"logs/deploy.log", utf16le, "tar"},
		{"etc/service.conf", lf, "tgz"}, {"etc/secrets.yaml", lf, "tgz"},
		{"notes.txt", lf, "gz"},
		{"bundle/conf/.env", lf, "nested"}, {"bundle/README.txt", crlf, "nested"},
	}
	docs := make([]*textDoc, len(places))
	for i, p := range places {
		docs[i] = &textDoc{name: p.path}
	}
	for i, it := range textItems {
		d := docs[i%len(docs)]
		d.add(f, it)
		if f.Intn(2) == 0 {
			dc := decoys[f.Intn(len(decoys))]
			if !dc.Code {
				d.addDecoy(f, dc)
			}
		}
	}
	var zipMembers, tarMembers, tgzMembers, nestedMembers []member
	for i, p := range places {
		data := docs[i].bytes(p.enc)
		switch p.in {
		case "":
			if err := put(p.path, data); err != nil {
				return nil, err
			}
			labels = append(labels, docs[i].withPath(p.path)...)
		case "zip":
			zipMembers = append(zipMembers, member{p.path, data})
			labels = append(labels, docs[i].withPath("archives/bundle.zip!"+p.path)...)
		case "tar":
			tarMembers = append(tarMembers, member{p.path, data})
			labels = append(labels, docs[i].withPath("archives/logs.tar!"+p.path)...)
		case "tgz":
			tgzMembers = append(tgzMembers, member{p.path, data})
			labels = append(labels, docs[i].withPath("archives/release.tar.gz!"+p.path)...)
		case "gz":
			if err := put("archives/notes.txt.gz", gz(data)); err != nil {
				return nil, err
			}
			labels = append(labels, docs[i].withPath("archives/notes.txt.gz")...)
		case "nested":
			nestedMembers = append(nestedMembers, member{p.path[len("bundle/"):], data})
			labels = append(labels, docs[i].withPath("archives/release.tar.gz!bundle.zip!"+p.path[len("bundle/"):])...)
		}
	}

	// Decoy-only files: source code and config.
	code := &textDoc{name: "src/train.py"}
	conf := &textDoc{name: "src/defaults.yaml"}
	for _, dc := range decoys {
		if dc.Code {
			code.addDecoy(f, dc)
		} else {
			conf.addDecoy(f, dc)
		}
	}
	if err := put("src/train.py", code.bytes(lf)); err != nil {
		return nil, err
	}
	if err := put("src/defaults.yaml", conf.bytes(lf)); err != nil {
		return nil, err
	}

	// Tables: JSONL (plain and gzip'd), CSV, Parquet.
	var oneLine, anyLine []Item
	for _, it := range tableItems {
		if it.MultiLine {
			anyLine = append(anyLine, it)
		} else {
			oneLine = append(oneLine, it)
		}
	}
	half := len(oneLine) / 2
	rows, ls, _ := tableRows(f, oneLine[:half], decoys)
	jsonl := jsonlBytes(rows, ls)
	if err := put("data/records.jsonl", jsonl); err != nil {
		return nil, err
	}
	labels = append(labels, relabel(ls, "data/records.jsonl")...)
	rows, ls, _ = tableRows(f, oneLine[half:half+half/2], decoys)
	jsonl = jsonlBytes(rows, ls)
	tgzMembers = append(tgzMembers, member{"data/extra.jsonl", jsonl})
	labels = append(labels, relabel(ls, "archives/release.tar.gz!data/extra.jsonl")...)

	csvItems := append(append([]Item(nil), oneLine[half+half/2:]...), anyLine[:len(anyLine)/2]...)
	rows, ls, lines := tableRows(f, csvItems, decoys)
	if err := put("data/table.csv", csvBytes(rows, ls, lines)); err != nil {
		return nil, err
	}
	labels = append(labels, relabel(ls, "data/table.csv")...)

	rows, ls, _ = tableRows(f, anyLine[len(anyLine)/2:], decoys)
	pq := filepath.Join(root, "data", "table.parquet")
	if err := writeParquet(pq, rows); err != nil {
		return nil, fmt.Errorf("writing %s: %w", pq, err)
	}
	labels = append(labels, relabel(ls, "data/table.parquet")...)

	// Archives.
	tgzMembers = append(tgzMembers, member{"bundle.zip", zipBytes(nestedMembers)})
	if err := put("archives/bundle.zip", zipBytes(zipMembers)); err != nil {
		return nil, err
	}
	if err := put("archives/logs.tar", tarBytes(tarMembers)); err != nil {
		return nil, err
	}
	if err := put("archives/release.tar.gz", gz(tarBytes(tgzMembers))); err != nil {
		return nil, err
	}

	sort.Slice(labels, func(i, j int) bool {
		if labels[i].Path != labels[j].Path {
			return labels[i].Path < labels[j].Path
		}
		return labels[i].Line < labels[j].Line
	})
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, l := range labels {
		enc.Encode(l)
	}
	if err := os.WriteFile(filepath.Join(dir, "labels.jsonl"), b.Bytes(), 0o644); err != nil {
		return nil, err
	}
	return labels, nil
}

func relabel(ls []Label, path string) []Label {
	for i := range ls {
		ls[i].Path = path
	}
	return ls
}

type member struct {
	name string
	data []byte
}

func zipBytes(ms []member) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, m := range ms {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: zip.Deflate})
		w.Write(m.data)
	}
	zw.Close()
	return b.Bytes()
}

func tarBytes(ms []member) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, m := range ms {
		tw.WriteHeader(&tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.data)), Typeflag: tar.TypeReg, Format: tar.FormatPAX})
		tw.Write(m.data)
	}
	tw.Close()
	return b.Bytes()
}

func gz(data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	return b.Bytes()
}
