package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store/postgres"
	"github.com/fashionshoot/shoot/internal/store/postgres/postgrestest"
)

// The scale benchmarks start real processes on PostgreSQL and take minutes.
// Run each once:
//
//	go test ./cmd/shoot -run '^$' -bench 'ScaleOut|EventLatency' -benchtime 1x -timeout 20m
//
// SHOOT_BENCH_SHOOTS (default 12) shoots run at once; SHOOT_BENCH_SLOTS
// (default 5) is SHOOT_WORKERS of each worker process.

func benchEnvInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// BenchmarkScaleOutShoots measures shoots per minute with the studio
// providers slowed to fixed latencies (image 2 s, clip 4 s), for 1, 2 and 4
// worker processes behind one API process.
func BenchmarkScaleOutShoots(b *testing.B) {
	bin := buildShoot(b)
	shoots, slots := benchEnvInt("SHOOT_BENCH_SHOOTS", 12), benchEnvInt("SHOOT_BENCH_SLOTS", 5)
	for _, procs := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("workers=%d", procs), func(b *testing.B) {
			for range b.N {
				elapsed := benchShoots(b, bin, procs, slots, shoots)
				b.ReportMetric(float64(shoots)/elapsed.Minutes(), "shoots/min")
				b.ReportMetric(elapsed.Seconds(), "s/batch")
			}
		})
	}
}

// benchShoots starts a fresh split studio and returns how long `shoots`
// concurrent shoots take from the first request to the last film.
func benchShoots(b *testing.B, bin string, procs, slots, shoots int) time.Duration {
	b.Helper()
	b.StopTimer()
	dbURL, _ := postgrestest.FreshSchema(b)
	env := []string{"SHOOT_DATABASE_URL=" + dbURL, "SHOOT_BLOB_URL=file://" + b.TempDir(),
		"SHOOT_STUDIO_IMAGE_LATENCY=2s", "SHOOT_STUDIO_CLIP_LATENCY=4s", "SHOOT_WORKERS=" + strconv.Itoa(slots),
		clipSizeVar + "="} // the studio's default clip size, as users get it
	var ids []string
	for i := range procs {
		ids = append(ids, fmt.Sprintf("w%d", i+1))
	}
	base, _ := startSplitStudio(b, bin, env, ids...)
	ctx, cancel := context.WithTimeout(b.Context(), 10*time.Minute)
	defer cancel()
	b.StartTimer()
	start := time.Now()
	errs := make(chan error, shoots)
	for i := range shoots {
		go func() { errs <- shootOverHTTP(ctx, base, i) }()
	}
	for range shoots {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	return elapsed
}

// shootOverHTTP runs one auto-approved shoot and returns an error unless it
// ends with the film. It is safe to call from any goroutine.
func shootOverHTTP(ctx context.Context, base string, seed int) error {
	up, err := uploadRefs(ctx, base, refPNG(seed+1), refPNG(seed+2))
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(map[string]any{"prompt": "studio portrait", "inputImages": up, "options": scaleShootOptions()})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/generate-stream", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var last sseEvent
	if err := readSSE(resp.Body, func(e sseEvent) bool { last = e; return true }); err != nil {
		return err
	}
	if last.Type() != "complete" || last.Data["stage"] != "complete" {
		return fmt.Errorf("shoot %d ended with %v", seed, last.Data)
	}
	return nil
}

// uploadRefs posts pictures as one upload and returns their urls.
func uploadRefs(ctx context.Context, base string, pics ...[]byte) ([]string, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for i, p := range pics {
		fw, _ := mw.CreateFormFile("images", fmt.Sprintf("ref-%d.png", i))
		fw.Write(p)
	}
	mw.Close()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var up struct {
		Files []struct{ URL string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&up); err != nil || len(up.Files) != len(pics) {
		return nil, fmt.Errorf("upload: %d %v %+v", resp.StatusCode, err, up)
	}
	var urls []string
	for _, f := range up.Files {
		urls = append(urls, f.URL)
	}
	return urls, nil
}

// BenchmarkEventLatencyAcrossProcesses measures how long an event appended
// by one process (this one, writing to PostgreSQL as a worker does) takes
// to reach an SSE client of an API process: append → NOTIFY → the API's
// hub re-reads the log → the stream. It reports the p50 and p99.
func BenchmarkEventLatencyAcrossProcesses(b *testing.B) {
	bin := buildShoot(b)
	dbURL, _ := postgrestest.FreshSchema(b)
	base, _ := startSplitStudio(b, bin, []string{"SHOOT_DATABASE_URL=" + dbURL, "SHOOT_BLOB_URL=file://" + b.TempDir()})
	st, err := postgres.Open(b.Context(), dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const events = 400
	b.ResetTimer()
	for range b.N {
		lat := eventLatencies(b, st, base, events)
		slices.Sort(lat)
		b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
		b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
		b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// eventLatencies appends n events, 10 ms apart, to a new session and
// returns each one's delivery latency to an SSE client of the API.
func eventLatencies(b *testing.B, st *postgres.DB, base string, n int) []time.Duration {
	b.Helper()
	ctx, cancel := context.WithTimeout(b.Context(), 2*time.Minute)
	defer cancel()
	sid := shoot.NewSessionID(time.Now())
	if err := st.CreateSession(ctx, &shoot.Session{ID: sid}); err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	sent := map[int64]time.Time{}
	got := make(chan []time.Duration, 1)
	connected := make(chan struct{})
	go func() {
		var lat []time.Duration
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/sessions/"+sid+"/events", nil)
		resp, err := http.DefaultClient.Do(req)
		close(connected)
		if err == nil {
			readSSE(resp.Body, func(e sseEvent) bool {
				mu.Lock()
				lat = append(lat, time.Since(sent[e.ID]))
				mu.Unlock()
				return len(lat) < n
			})
			resp.Body.Close()
		}
		got <- lat
	}()
	<-connected
	for i := range int64(n) {
		// Only this loop appends to the session, so event i+1 is the next;
		// its clock starts before the append, so the commit is included.
		mu.Lock()
		sent[i+1] = time.Now()
		mu.Unlock()
		ev, err := st.AppendEvent(ctx, sid, shoot.EventStatus, []byte(`{"type":"status","message":"tick"}`))
		if err != nil || ev.Seq != i+1 {
			b.Fatalf("append %d: seq %d, %v", i+1, ev.Seq, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	lat := <-got
	if len(lat) != n {
		b.Fatalf("the stream ended after %d of %d events", len(lat), n)
	}
	return lat
}
