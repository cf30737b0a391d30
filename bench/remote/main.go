// Command remote measures the remote cache against the S3 server it talks
// to: putting and getting one large artifact through remote.Store (Push,
// Fetch) versus the AWS SDK's own multipart upload manager and a plain GET on
// the same server, and prints throughputs, CPU-seconds and their ratios.
//
//	go run ./bench/remote -endpoint http://127.0.0.1:7070 -bucket bench [-mb 100] [-rounds 3]
//
// Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. See run.sh,
// which starts a versitygw server for it.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/mlpipe/pipeline/artifacts"
	"github.com/mlpipe/pipeline/artifacts/remote"
)

func main() {
	endpoint := flag.String("endpoint", "http://127.0.0.1:7070", "S3 endpoint")
	bucket := flag.String("bucket", "bench", "bucket (created when absent)")
	mb := flag.Int("mb", 100, "artifact size in MiB")
	rounds := flag.Int("rounds", 3, "measurements per operation (the median is reported)")
	query := flag.String("query", "", "extra URL parameters for the remote cache, e.g. response_checksum_validation=when_required")
	flag.Parse()
	if err := run(context.Background(), *endpoint, *bucket, *mb, *rounds, *query); err != nil {
		fmt.Fprintln(os.Stderr, "bench/remote:", err)
		os.Exit(1)
	}
}

// sample is one measured operation.
type sample struct{ wall, cpu time.Duration }

// measure runs f and returns its wall time and the process's CPU time.
func measure(f func() error) (sample, error) {
	c0, t0 := cpuTime(), time.Now()
	err := f()
	return sample{wall: time.Since(t0), cpu: cpuTime() - c0}, err
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// median returns the sample with the median wall time.
func median(s []sample) sample {
	sort.Slice(s, func(i, j int) bool { return s[i].wall < s[j].wall })
	return s[len(s)/2]
}

func run(ctx context.Context, endpoint, bucket string, mb, rounds int, query string) error {
	// The same checksum settings as the remote cache uses by default, so the
	// ratio compares transfers, not CRC32 work.
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion("us-east-1"),
		config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
		config.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired))
	if err != nil {
		return err
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.UsePathStyle = true
	})
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		var owned *types.BucketAlreadyOwnedByYou
		var exists *types.BucketAlreadyExists
		if !errors.As(err, &owned) && !errors.As(err, &exists) {
			return fmt.Errorf("creating bucket %s: %w", bucket, err)
		}
	}
	work, err := os.MkdirTemp("", "bench-remote-")
	if err != nil {
		return err
	}
	defer artifacts.RemoveAll(work)
	src := artifacts.NewStore(filepath.Join(work, "src"))
	if err := src.Init(); err != nil {
		return err
	}
	size := int64(mb) << 20
	o, err := makeArtifact(src, size)
	if err != nil {
		return err
	}
	path := src.ObjectPath(o.Digest)
	tm := transfermanager.New(client, func(o *transfermanager.Options) {
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
	})
	var rawPut, rawGet, put, get []sample
	for i := range rounds {
		key := fmt.Sprintf("raw/%d-%d", time.Now().UnixNano(), i)
		s, err := measure(func() error {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = tm.UploadObject(ctx, &transfermanager.UploadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: f})
			return err
		})
		if err != nil {
			return fmt.Errorf("raw multipart upload: %w", err)
		}
		rawPut = append(rawPut, s)
		s, err = measure(func() error {
			out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
			if err != nil {
				return err
			}
			defer out.Body.Close()
			f, err := os.Create(filepath.Join(work, fmt.Sprintf("raw-get-%d", i)))
			if err != nil {
				return err
			}
			defer f.Close()
			// The same 1 MiB reads as the remote cache (io.Copy into a
			// file would read 32 KiB at a time).
			_, err = io.CopyBuffer(struct{ io.Writer }{f}, out.Body, make([]byte, 1<<20))
			return err
		})
		if err != nil {
			return fmt.Errorf("raw get: %w", err)
		}
		rawGet = append(rawGet, s)
		os.Remove(filepath.Join(work, fmt.Sprintf("raw-get-%d", i)))

		// A fresh prefix each round, so the push really uploads.
		url := fmt.Sprintf("s3://%s/cache-%d-%d?endpoint=%s&region=us-east-1&use_path_style=true&disable_https=true", bucket, time.Now().UnixNano(), i, endpoint)
		if query != "" {
			url += "&" + query
		}
		r, err := remote.Open(ctx, url)
		if err != nil {
			return err
		}
		s, err = measure(func() error { return r.Push(ctx, o, src) })
		if err != nil {
			return fmt.Errorf("remote push: %w", err)
		}
		put = append(put, s)
		dst := artifacts.NewStore(filepath.Join(work, fmt.Sprintf("dst%d", i)))
		if err := dst.Init(); err != nil {
			return err
		}
		s, err = measure(func() error { return r.Fetch(ctx, o, dst) })
		if err != nil {
			return fmt.Errorf("remote fetch: %w", err)
		}
		get = append(get, s)
		r.Close()
		artifacts.RemoveAll(dst.Root)
	}
	report := func(name string, raw, ours sample) {
		mbps := func(s sample) float64 { return float64(size) / (1 << 20) / s.wall.Seconds() }
		fmt.Printf("%-4s raw %7.1f MiB/s %5.2fs CPU | remote %7.1f MiB/s %5.2fs CPU | throughput ratio %.2f, CPU ratio %.2f\n",
			name, mbps(raw), raw.cpu.Seconds(), mbps(ours), ours.cpu.Seconds(), mbps(ours)/mbps(raw), ours.cpu.Seconds()/raw.cpu.Seconds())
	}
	fmt.Printf("artifact: %d MiB, %d rounds, medians; raw = SDK upload manager (multipart) and a plain GET\n", mb, rounds)
	report("put", median(rawPut), median(put))
	report("get", median(rawGet), median(get))
	return nil
}

// makeArtifact publishes size random bytes into st.
func makeArtifact(st *artifacts.Store, size int64) (artifacts.Output, error) {
	tmp, err := st.TempDir("bench")
	if err != nil {
		return artifacts.Output{}, err
	}
	p := filepath.Join(tmp, "artifact")
	f, err := os.Create(p)
	if err != nil {
		return artifacts.Output{}, err
	}
	if _, err := io.CopyN(f, rand.Reader, size); err != nil {
		f.Close()
		return artifacts.Output{}, err
	}
	if err := f.Close(); err != nil {
		return artifacts.Output{}, err
	}
	t, err := st.Publish(p, nil)
	return artifacts.Output{Tree: t}, err
}
