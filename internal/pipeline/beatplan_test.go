package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gocloud.dev/blob/fileblob"

	"github.com/fashionshoot/shoot/internal/beatgen"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// planEngine is an engine on a real database and blob folder, with a
// stored click-track bed for each tempo in bpms; it returns the sessions'
// options, one per bed, that cut the film on it.
func planEngine(t *testing.T, bpms ...float64) (*Engine, []shoot.Options) {
	t.Helper()
	ctx := t.Context()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "shoot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	bucket, err := fileblob.OpenBucket(t.TempDir(), &fileblob.Options{CreateDir: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bucket.Close() })
	e := New(Deps{Store: st, Bucket: bucket}, Options{})
	var opts []shoot.Options
	for i, bpm := range bpms {
		wav := filepath.Join(dir, "bed.wav")
		if err := beatgen.WriteWAV(wav, beatgen.Generate(beatgen.Track{BPM: bpm, Seconds: 8, Seed: uint64(i + 1)}).Samples); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(wav)
		if err != nil {
			t.Fatal(err)
		}
		u, err := StoreAudio(ctx, st, bucket, "bed.wav", data, "")
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, shoot.Options{Resolution: "1K", ClipDuration: 0.5, FPS: 24, Audio: "/uploads/" + u.Filename})
	}
	return e, opts
}

// TestBeatPlansOfTwoShootsOverlap: two shoots on two beds find their beats
// at the same time. Each planner, once it has started, waits for the
// other to start too; under one lock for every shoot the second could
// never start while the first waits, and the wait gives up (a deadlock
// guard, not a measure of speed) and fails the test.
func TestBeatPlansOfTwoShootsOverlap(t *testing.T) {
	t.Parallel()
	e, opts := planEngine(t, 120, 140)
	var started sync.WaitGroup
	started.Add(len(opts))
	both := make(chan struct{})
	go func() { started.Wait(); close(both) }()
	var mu sync.Mutex
	made := map[string]int{}
	e.beats.onMake = func(key string) {
		mu.Lock()
		made[key]++
		mu.Unlock()
		started.Done()
		select {
		case <-both:
		case <-time.After(30 * time.Second):
			t.Error("a shoot's beat plan waited for another shoot's to finish")
		}
	}
	frames := make([]int, len(opts))
	var wg sync.WaitGroup
	for i, o := range opts {
		wg.Go(func() {
			s := &shoot.Session{ID: "session_1700000000000_plan" + string(rune('a'+i)), Options: o}
			frames[i] = e.segmentFrames(context.Background(), s, 1, t.TempDir())
		})
	}
	wg.Wait()
	for i, f := range frames {
		if f <= 0 {
			t.Errorf("shoot %d: clip 1 gets %d frames, want a beat plan", i, f)
		}
	}
	if len(made) != 2 {
		t.Errorf("plans made %v, want one for each bed", made)
	}
}

// TestBeatPlanOfOneShootIsMadeOnce: every clip of a shoot asking for its
// segment's length at once gets it from one plan, and a second shoot on
// the same bed and settings asks for none.
func TestBeatPlanOfOneShootIsMadeOnce(t *testing.T) {
	t.Parallel()
	e, opts := planEngine(t, 120)
	var mu sync.Mutex
	made := 0
	e.beats.onMake = func(string) {
		mu.Lock()
		made++
		mu.Unlock()
	}
	o := opts[0]
	clips := o.WithDefaults().ClipCount()
	s := &shoot.Session{ID: "session_1700000000000_planonce", Options: o}
	frames := make([]int, clips)
	var wg sync.WaitGroup
	for n := 1; n <= clips; n++ {
		wg.Go(func() { frames[n-1] = e.segmentFrames(context.Background(), s, n, t.TempDir()) })
	}
	wg.Wait()
	other := &shoot.Session{ID: "session_1700000000000_plantwin", Options: o}
	for n := 1; n <= clips; n++ {
		if f := e.segmentFrames(context.Background(), other, n, t.TempDir()); f != frames[n-1] || f <= 0 {
			t.Errorf("clip %d: %d frames in one shoot, %d in the other", n, frames[n-1], f)
		}
	}
	if made != 1 {
		t.Errorf("the plan was made %d times for %d clips and two shoots, want once", made, clips)
	}
}
