// Command gobench is our side of the ingest benchmark: it generates the
// e-mail-like JSONL, runs the ingest stage on it, and reads the Parquet back,
// printing CPU-seconds (user + system) and peak RSS as one JSON line per step.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/klauspost/compress/gzip"
	"github.com/mlpipe/pipeline/artifacts/table"
	"github.com/mlpipe/pipeline/stages"
	"github.com/mlpipe/pipeline/stages/ingest"
	"github.com/rs/zerolog"
)

func main() {
	mode := flag.String("mode", "", "gen | ingest | read")
	in := flag.String("in", "", "input file")
	out := flag.String("out", "", "output file or directory")
	rows := flag.Int("rows", 1_000_000, "gen: rows to write")
	unique := flag.Bool("unique", false, "gen: make every text unique (a first line with the row number)")
	dicts := flag.Bool("dict", false, "read: dictionary-encoded text columns as Arrow dictionaries (table.OpenDictionaries)")
	profile := flag.String("cpuprofile", "", "write a CPU profile here")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gobench:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	var err error
	switch *mode {
	case "gen":
		err = gen(*in, *out, *rows, *unique)
	case "ingest":
		err = measure("ingest", func() (int64, error) { return runIngest(*in, *out) })
	case "read":
		step := "read"
		if *dicts {
			step = "read-dict"
		}
		err = measure(step, func() (int64, error) { return readBack(*in, *dicts) })
	default:
		err = fmt.Errorf("unknown -mode %q", *mode)
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "gobench:", err)
		os.Exit(1)
	}
}

// cpu returns the process's user + system CPU time and peak RSS in bytes.
func cpu() (time.Duration, int64) {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), ru.Maxrss * 1024
}

// measure runs f and prints its CPU-seconds, wall seconds, rows and peak RSS.
func measure(step string, f func() (int64, error)) error {
	c0, _ := cpu()
	t0 := time.Now()
	n, err := f()
	if err != nil {
		return err
	}
	c1, rss := cpu()
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"engine": "ours", "step": step, "rows": n,
		"cpu_s": (c1 - c0).Seconds(), "wall_s": time.Since(t0).Seconds(), "peak_rss_mb": rss >> 20,
	})
}

// gen writes rows JSONL records cycling through the gzip'd JSONL at src,
// each with a unique id (and, with unique, a unique text).
func gen(src, dst string, rows int, unique bool) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	var recs []map[string]any
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<26)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return err
		}
		recs = append(recs, m)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	o, err := os.Create(dst)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(o, 1<<20)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range rows {
		m := recs[i%len(recs)]
		rec := map[string]any{"id": fmt.Sprintf("%v/%d", m["id"], i/len(recs)), "group": m["group"],
			"label": m["label"], "subject": m["subject"], "text": m["text"]}
		if unique {
			rec["text"] = fmt.Sprintf("X-Row: %d\n%v", i, m["text"])
		}
		if err := enc.Encode(rec); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return o.Close()
}

// runIngest runs the ingest stage on in, writing outDir/data.
func runIngest(in, outDir string) (int64, error) {
	params := map[string]any{"path": filepath.Base(in), "format": "jsonl"}
	env := &stages.Env{Stage: "bench", OutDir: outDir, ScratchDir: outDir, WorkDir: filepath.Dir(in), Params: params,
		Log: zerolog.Nop(), Output: io.Discard, Progress: stages.NopProgress{}}
	res, err := ingest.Kind{}.Run(context.Background(), env)
	if err != nil {
		return 0, err
	}
	return int64(res.Metrics["rows"]), nil
}

// readBack decodes every column of every row group of the table at path and
// sums the lengths of its strings. With dicts, dictionary-encoded columns
// stay dictionaries and each row's length is looked up in the dictionary.
func readBack(path string, dicts bool) (int64, error) {
	open := table.Open
	if dicts {
		open = func(path string) (*table.Reader, error) { return table.OpenDictionaries(path, nil) }
	}
	r, err := open(path)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	// Each batch is released before the next and nothing of it is kept,
	// so its memory may serve the next one.
	r.RecycleBatches()
	var rows, chars int64
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
		for _, c := range rec.Columns() {
			switch s := c.(type) {
			case *array.String:
				chars += int64(len(s.ValueBytes()))
			case *array.Dictionary:
				offs := s.Dictionary().(*array.String).ValueOffsets()
				idx := s.Indices().(*array.Int32).Int32Values()
				for i, k := range idx {
					if s.IsValid(i) {
						chars += int64(offs[k+1] - offs[k])
					}
				}
			}
		}
		rows += rec.NumRows()
		rec.Release()
	}
	if chars == 0 && rows > 0 {
		return 0, errors.New("read no text")
	}
	return rows, nil
}
