// Command tokenize-bench runs the project's tokenizers and their peers on
// the same corpus and prints throughput per CPU-second and the ratios:
//
//	GPT-2 encode, one goroutine: this project vs github.com/tiktoken-go/tokenizer
//	GPT-2 batch encode: CPU time and wall time on 1 and on all cores
//	byte-level BPE training (30k): this project (the Hugging Face trainer's
//	CPU time comes from train_ref.js, run by run.sh)
//
// Usage: go run . -corpus ../../../shared/data/corpus.txt.gz -gpt2 ../../../shared/data/tokenizers/gpt2/tokenizer.json
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"slices"
	"syscall"
	"time"

	tiktoken "github.com/tiktoken-go/tokenizer"

	"github.com/mlpipe/pipeline/stages/tokenize"
	"github.com/mlpipe/pipeline/stages/tokenize/hf"
)

// cpuSeconds is the process's user+system CPU time so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		log.Fatal(err)
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}

// measure runs fn and returns its CPU and wall seconds.
func measure(fn func()) (cpu, wall float64) {
	runtime.GC()
	c0, w0 := cpuSeconds(), time.Now()
	fn()
	return cpuSeconds() - c0, time.Since(w0).Seconds()
}

func readLines(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		log.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

func main() {
	corpusPath := flag.String("corpus", "../../../shared/data/corpus.txt.gz", "the corpus (gzip'd text, one text per line)")
	gpt2Path := flag.String("gpt2", "../../../shared/data/tokenizers/gpt2/tokenizer.json", "GPT-2 tokenizer.json")
	rounds := flag.Int("rounds", 3, "repetitions; the best CPU time counts")
	flag.Parse()
	lines := readLines(*corpusPath)
	mb := 0.0
	for _, l := range lines {
		mb += float64(len(l)+1) / 1e6
	}
	fmt.Printf("corpus: %d lines, %.1f MB; GOMAXPROCS %d\n", len(lines), mb, runtime.GOMAXPROCS(0))

	peer, err := tiktoken.Get(tiktoken.R50kBase)
	if err != nil {
		log.Fatal(err)
	}
	var peerIDs, ourIDs [][]uint
	best := func(fn func()) (float64, float64) {
		bc, bw := 1e18, 1e18
		for range *rounds {
			c, w := measure(fn)
			bc, bw = min(bc, c), min(bw, w)
		}
		return bc, bw
	}
	peerCPU, _ := best(func() {
		peerIDs = peerIDs[:0]
		for _, l := range lines {
			ids, _, _ := peer.Encode(l)
			peerIDs = append(peerIDs, ids)
		}
	})
	var ours tokenize.Tokenizer
	ourCPU, _ := best(func() {
		t, err := hf.LoadFile(*gpt2Path) // a cold word cache each round
		if err != nil {
			log.Fatal(err)
		}
		ours = tokenize.FromHF(t)
		ourIDs = ourIDs[:0]
		for _, l := range lines {
			ids := ours.Encode(l)
			u := make([]uint, len(ids))
			for i, id := range ids {
				u[i] = uint(id)
			}
			ourIDs = append(ourIDs, u)
		}
	})
	differ := 0
	for i := range lines {
		if !slices.Equal(peerIDs[i], ourIDs[i]) {
			differ++
		}
	}
	fmt.Printf("gpt2 encode, 1 goroutine (load included for ours): ours %.2f MB/CPU-s, tiktoken-go/tokenizer %.2f MB/CPU-s, ratio %.2fx; %d lines differ from the peer\n",
		mb/ourCPU, mb/peerCPU, peerCPU/ourCPU, differ)

	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		cpu, wall := best(func() {
			t, err := hf.LoadFile(*gpt2Path)
			if err != nil {
				log.Fatal(err)
			}
			tokenize.EncodeBatch(tokenize.FromHF(t), lines, workers)
		})
		fmt.Printf("gpt2 batch encode, %d worker(s): %.2f CPU-s, %.2f s wall, %.2f MB/s wall\n", workers, cpu, wall, mb/wall)
	}

	trainCPU, trainWall := best(func() {
		if _, err := hf.TrainBPE(slices.Values(lines), hf.BPEOptions{VocabSize: 30000}); err != nil {
			log.Fatal(err)
		}
	})
	fmt.Printf("train byte-level BPE 30k: ours %.2f CPU-s (%.2f s wall)\n", trainCPU, trainWall)
}
