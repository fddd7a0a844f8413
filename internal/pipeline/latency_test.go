package pipeline

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// TestLearnedLatencySurvivesARestart: what one engine learned about a
// task class, a new engine on the same database knows before its first
// poll, so a 4 s clip is first polled shortly before 4 s instead of at
// once; an unknown class stays unknown.
func TestLearnedLatencySurvivesARestart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "shoot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	const class = "fal/clip/kling/5s"
	first := New(Deps{Store: st}, Options{})
	if d := first.learnedLatency(ctx, class); d != 0 {
		t.Fatalf("nothing learned yet, but the class takes %v", d)
	}
	for _, d := range []time.Duration{4 * time.Second, 4200 * time.Millisecond, 3800 * time.Millisecond} {
		first.learnLatency(ctx, class, d)
	}
	want := first.learnedLatency(ctx, class)
	restarted := New(Deps{Store: st}, Options{})
	got := restarted.learnedLatency(ctx, class)
	if diff := got - want; diff > time.Millisecond || diff < -time.Millisecond {
		t.Fatalf("after a restart the class takes %v, the first engine learned %v", got, want)
	}
	if wait := pollDelay(0, got, 2*time.Second); wait < 3*time.Second || wait > got {
		t.Errorf("the first poll waits %v for a task that usually takes %v", wait, got)
	}
	if d := restarted.learnedLatency(ctx, "fal/clip/kling/10s"); d != 0 {
		t.Errorf("another class borrowed a latency: %v", d)
	}
}
