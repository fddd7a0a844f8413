package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/media"
)

// Whole-shoot benchmarks through run(), as a user gets them: `shoot run
// --demo --yes` at the default settings (2K images, 1.5 s per clip at
// 60 fps in the film). Run them one shoot at a time:
//
//	go test ./cmd/shoot -run '^$' -bench 'OfflineShoot|SlowedShoot' -benchtime 1x -cpu 2

// benchShoot runs one demo shoot with env and returns its data folder and
// its --out folder.
func benchShoot(b *testing.B, vars map[string]string) (data, out string) {
	b.Helper()
	data, out = b.TempDir(), filepath.Join(b.TempDir(), "out")
	var stdout, stderr bytes.Buffer
	e := &env{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
	args := []string{"run", "--demo", "--yes", "--out", out, "--data-dir", data}
	if code := runWith(b.Context(), args, e); code != 0 {
		b.Fatalf("shoot run: exit %d\n%s", code, stderr.String())
	}
	return data, out
}

// BenchmarkOfflineShoot is the offline full shoot's wall time.
func BenchmarkOfflineShoot(b *testing.B) {
	for b.Loop() {
		_, _ = benchShoot(b, nil)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/shoot")
}

// BenchmarkSlowedShoot paces the studio like a remote service (every image
// 2 s, every clip 4 s) and compares the whole shoot's wall time with its
// critical path: hero + contact sheet + crop + one clip, each measured as
// its job's run time in the same shoot (the fastest clip stands for "one
// clip"), + a standalone one-pass stitch of the shoot's clips (what `shoot
// stitch` takes for them). A ratio near 1 means the pipeline adds little
// beyond the unavoidable work and the clips really run side by side; below
// 1 the film's cutting hides behind the clips.
func BenchmarkSlowedShoot(b *testing.B) {
	slow := map[string]string{"SHOOT_STUDIO_IMAGE_LATENCY": "2s", "SHOOT_STUDIO_CLIP_LATENCY": "4s"}
	var wall, critical, stages, stitch time.Duration
	requests := 0
	for b.Loop() {
		start := time.Now()
		data, out := benchShoot(b, slow)
		wall = time.Since(start)
		critical, stages = criticalPath(b, data)
		stitch = standaloneStitch(b, out)
		requests = readManifest(b, out).ProviderRequests
	}
	critical += stitch
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(critical.Seconds(), "critical-s")
	b.ReportMetric(stitch.Seconds(), "stitch-s")
	b.ReportMetric(wall.Seconds()/critical.Seconds(), "wall/critical")
	b.ReportMetric(float64(requests), "provider-requests")
	// What the engine adds between stages: queue pick-up, director turns,
	// checkpoints, the copy to --out.
	b.ReportMetric((wall - stages).Seconds(), "between-stages-s")
}

// standaloneStitch times a one-pass stitch of the shoot's exported clips
// at the film's default settings, as `shoot stitch` makes it.
func standaloneStitch(b *testing.B, out string) time.Duration {
	b.Helper()
	clips, err := filepath.Glob(filepath.Join(out, "videos", "video-*.mp4"))
	if err != nil || len(clips) == 0 {
		b.Fatalf("no clips in %s: %v", out, err)
	}
	start := time.Now()
	if _, err := media.Stitch(b.Context(), media.StitchOptions{Clips: clips, Out: filepath.Join(b.TempDir(), "film.mp4")}); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

// criticalPath sums the run times of the hero, sheet and frames jobs and
// the fastest clip (job start to clip stored), read from the database. stages is the same
// sum with the clip stage's whole span (first clip started to last clip
// done) instead of one clip, plus the film job.
func criticalPath(b *testing.B, dataDir string) (critical, stages time.Duration) {
	b.Helper()
	db := peekDB(b, dataDir)
	for _, kind := range []string{"hero", "sheet", "frames", "clip", "final"} {
		d := jobSeconds(b, db, kind, "min(julianday(finalized_at) - julianday(attempted_at))")
		if kind == "clip" {
			d = clipLanded(b, db)
		}
		span := jobSeconds(b, db, kind, "max(julianday(finalized_at)) - min(julianday(attempted_at))")
		b.Logf("%-6s %6.2f s (stage span %6.2f s)", kind, d.Seconds(), span.Seconds())
		if kind != "final" {
			critical += d
		}
		stages += span
	}
	return critical, stages
}

// clipLanded is the shortest time from a clip job's start to its clip
// being stored: "one clip" without the film's segment that an
// auto-approved shoot cuts in the same job right after.
func clipLanded(b *testing.B, db *sql.DB) time.Duration {
	b.Helper()
	var days float64
	err := db.QueryRow(`SELECT min(julianday(a.created_at) - julianday(j.attempted_at))
		FROM river_job j JOIN session_assets a ON a.asset_type = 'clip' AND a.asset_index = json_extract(j.args, '$.n')
		WHERE json_extract(j.args, '$.kind') = 'clip' AND j.state = 'completed'`).Scan(&days)
	if err != nil {
		b.Fatalf("clip landings: %v", err)
	}
	return time.Duration(days * 864e11)
}

// jobSeconds evaluates expr (in julian days) over the completed jobs of a
// work kind.
func jobSeconds(b *testing.B, db *sql.DB, kind, expr string) time.Duration {
	b.Helper()
	var days float64
	query := fmt.Sprintf(`SELECT %s FROM river_job
		WHERE json_extract(args, '$.kind') = ? AND state = 'completed'`, expr)
	if err := db.QueryRow(query, kind).Scan(&days); err != nil {
		b.Fatalf("%s jobs: %v", kind, err)
	}
	return time.Duration(days * 864e11)
}
