package blobserve

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

const (
	benchSize  = 5 << 20  // a 5 MiB clip
	benchChunk = 64 << 10 // what a player asks for at a time
)

// BenchmarkServeRange serves random 64 KiB ranges of a 5 MiB clip from a
// file bucket through ServeKey over loopback HTTP. Compare with
// BenchmarkServeContent, which serves the same file with http.ServeContent.
func BenchmarkServeRange(b *testing.B) {
	bucket, _ := openFileBucket(b, nil)
	put(b, bucket, clipKey, randomBytes(benchSize, 10), "video/mp4")
	s := &Server{Bucket: bucket, Logger: slog.New(slog.DiscardHandler)}
	runRangeBench(b, mediaMux(s), "/api/media/"+clipKey)
}

// BenchmarkServeContent is the baseline: what http.ServeFile does for one
// file (open, stat, ServeContent) on the file the bucket wrote.
func BenchmarkServeContent(b *testing.B) {
	bucket, dir := openFileBucket(b, nil)
	put(b, bucket, clipKey, randomBytes(benchSize, 10), "video/mp4")
	path := filepath.Join(dir, filepath.FromSlash(clipKey))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		http.ServeContent(w, r, path, fi.ModTime(), f)
	})
	runRangeBench(b, h, "/content/video-1.mp4")
}

// BenchmarkServeContentBlobReader is the design we rejected: wrapping
// http.ServeContent around a blob.Reader, which it seeks. On a file bucket it
// costs the same two metadata lookups as ServeKey but loses sendfile; on S3
// the first read opens a GET of the whole object before the seek replaces it.
func BenchmarkServeContentBlobReader(b *testing.B) {
	bucket, _ := openFileBucket(b, nil)
	put(b, bucket, clipKey, randomBytes(benchSize, 10), "video/mp4")
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rd, err := bucket.NewReader(r.Context(), clipKey, nil)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer rd.Close()
		http.ServeContent(w, r, clipKey, rd.ModTime(), rd)
	})
	runRangeBench(b, h, "/blob/video-1.mp4")
}

// runRangeBench drives h over a real loopback connection with keep-alive and
// reports requests per second.
func runRangeBench(b *testing.B, h http.Handler, path string) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := srv.Client()
	rng := rand.New(rand.NewPCG(1, 2))
	b.SetBytes(benchChunk)
	b.ResetTimer()
	for b.Loop() {
		start := rng.IntN(benchSize/benchChunk) * benchChunk
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", start, start+benchChunk-1))
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusPartialContent || n != benchChunk {
			b.Fatalf("status %d, %d bytes", resp.StatusCode, n)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
