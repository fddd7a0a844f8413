package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Whole-shoot benchmarks through run(), as a user gets them: `shoot run
// --demo --yes` at the default settings (2K images, 1.5 s per clip at
// 60 fps in the film). Run them one shoot at a time:
//
//	go test ./cmd/shoot -run '^$' -bench 'OfflineShoot|SlowedShoot' -benchtime 1x -cpu 2

// benchShoot runs one demo shoot with env and returns its data folder.
func benchShoot(b *testing.B, vars map[string]string) string {
	b.Helper()
	data := b.TempDir()
	var stdout, stderr bytes.Buffer
	e := &env{getenv: func(k string) string { return vars[k] }, stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr}
	args := []string{"run", "--demo", "--yes", "--out", filepath.Join(b.TempDir(), "out"), "--data-dir", data}
	if code := runWith(b.Context(), args, e); code != 0 {
		b.Fatalf("shoot run: exit %d\n%s", code, stderr.String())
	}
	return data
}

// BenchmarkOfflineShoot is the offline full shoot's wall time.
func BenchmarkOfflineShoot(b *testing.B) {
	for b.Loop() {
		benchShoot(b, nil)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/shoot")
}

// BenchmarkSlowedShoot paces the studio like a remote service (every image
// 2 s, every clip 4 s) and compares the whole shoot's wall time with its
// critical path: hero + contact sheet + crop + one clip + stitch, each
// measured as its job's run time in the same shoot (the fastest clip
// stands for "one clip"). A ratio near 1 means the pipeline adds little
// beyond the unavoidable work and the clips really run side by side.
func BenchmarkSlowedShoot(b *testing.B) {
	slow := map[string]string{"SHOOT_STUDIO_IMAGE_LATENCY": "2s", "SHOOT_STUDIO_CLIP_LATENCY": "4s"}
	var wall, critical, stages time.Duration
	for b.Loop() {
		start := time.Now()
		data := benchShoot(b, slow)
		wall = time.Since(start)
		critical, stages = criticalPath(b, data)
	}
	b.ReportMetric(wall.Seconds(), "wall-s")
	b.ReportMetric(critical.Seconds(), "critical-s")
	b.ReportMetric(wall.Seconds()/critical.Seconds(), "wall/critical")
	// What the engine adds between stages: queue pick-up, director turns,
	// checkpoints, the copy to --out.
	b.ReportMetric((wall - stages).Seconds(), "between-stages-s")
}

// criticalPath sums the run times of the hero, sheet, frames and final
// jobs and of the fastest clip job, read from the queue's table. stages is
// the same sum with the clip stage's whole span (first clip started to
// last clip done) instead of one clip.
func criticalPath(b *testing.B, dataDir string) (critical, stages time.Duration) {
	b.Helper()
	db := peekDB(b, dataDir)
	for _, kind := range []string{"hero", "sheet", "frames", "clip", "final"} {
		d := jobSeconds(b, db, kind, "min(julianday(finalized_at) - julianday(attempted_at))")
		span := jobSeconds(b, db, kind, "max(julianday(finalized_at)) - min(julianday(attempted_at))")
		b.Logf("%-6s %6.2f s (stage span %6.2f s)", kind, d.Seconds(), span.Seconds())
		critical += d
		stages += span
	}
	return critical, stages
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
