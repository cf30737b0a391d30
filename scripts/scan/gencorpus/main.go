// Command gencorpus writes corpora for the secrets scanner, deterministically
// from a seed, with fake secrets only.
//
//	gencorpus -kind quality -out DIR [-seed 42] [-per-family 6]
//	    a labelled corpus (DIR/tree, DIR/labels.jsonl) of secrets and decoys
//	    in every container the scanner reads
//	gencorpus -kind source -out DIR [-seed 1] [-mb 200] [-file-kb 64]
//	    source-like text files for speed comparisons
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mlpipe/pipeline/internal/testutil/scancorpus"
)

func main() {
	kind := flag.String("kind", "quality", "quality or source")
	out := flag.String("out", "", "output directory")
	seed := flag.Uint64("seed", 42, "random seed")
	perFamily := flag.Int("per-family", 6, "secrets per family (quality)")
	mb := flag.Int("mb", 200, "total size in MB (source)")
	fileKB := flag.Int("file-kb", 64, "size of each file in KB (source)")
	every := flag.Int("secret-every", 500, "one secret every N lines (source)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gencorpus: -out is required")
		os.Exit(2)
	}
	if err := run(*kind, *out, *seed, *perFamily, *mb, *fileKB, *every); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}

func run(kind, out string, seed uint64, perFamily, mb, fileKB, every int) error {
	switch kind {
	case "quality":
		labels, err := scancorpus.Write(out, seed, perFamily)
		if err != nil {
			return err
		}
		fmt.Printf("%d labelled secrets under %s\n", len(labels), filepath.Join(out, "tree"))
		return nil
	case "source":
		f := scancorpus.NewFake(seed)
		exts := []string{".py", ".js", ".go", ".yaml", ".md", ".sql"}
		total, planted := 0, 0
		for i := 0; total < mb<<20; i++ {
			data, n := scancorpus.SourceLike(f, fileKB<<10, every)
			dir := filepath.Join(out, fmt.Sprintf("pkg%03d", i/100))
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			name := filepath.Join(dir, fmt.Sprintf("file%05d%s", i, exts[i%len(exts)]))
			if err := os.WriteFile(name, data, 0o644); err != nil {
				return err
			}
			total += len(data)
			planted += n
		}
		fmt.Printf("%d bytes, %d secrets under %s\n", total, planted, out)
		return nil
	}
	return fmt.Errorf("unknown -kind %q", kind)
}
