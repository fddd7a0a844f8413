package pipeline

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"gocloud.dev/blob/fileblob"

	"github.com/fashionshoot/shoot/internal/media"
)

// The film asks for the last clip's segment while that clip's own cut,
// started when it landed, still holds the cut slot. However many ask at
// once, the segment is encoded once and every asker gets the same bytes.
func TestSegmentAskedTwiceAtOnceIsCutOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	clip := filepath.Join(dir, "clip.mp4")
	cmd := exec.Command("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=320x180:r=24:d=1",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", clip)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making a clip: %v: %s", err, msg)
	}
	data, err := os.ReadFile(clip)
	if err != nil {
		t.Fatal(err)
	}
	bucket, err := fileblob.OpenBucket(t.TempDir(), &fileblob.Options{CreateDir: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = bucket.Close() })
	e := New(Deps{Bucket: bucket}, Options{})
	ctx := t.Context()
	c, err := e.landClip(ctx, dir, 1, "clips/1.mp4", data)
	if err != nil {
		t.Fatal(err)
	}
	p := cutParams{easing: media.DefaultEasing, dur: 0.5, fps: 24, preset: "ultrafast", crf: 18}
	const askers = 4
	encoded := make([]bool, askers)
	errs := make([]error, askers)
	var wg sync.WaitGroup
	for i := range askers {
		wg.Go(func() {
			dst := filepath.Join(dir, fmt.Sprintf("segment-%d.mp4", i))
			encoded[i], errs[i] = e.cutSegment(ctx, "s1", c, p, c.size, dst)
		})
	}
	wg.Wait()
	cuts := 0
	var first []byte
	for i := range askers {
		if errs[i] != nil {
			t.Fatalf("asker %d: %v", i, errs[i])
		}
		if encoded[i] {
			cuts++
		}
		got, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("segment-%d.mp4", i)))
		if err != nil || len(got) == 0 {
			t.Fatalf("asker %d has no segment: %v", i, err)
		}
		if first == nil {
			first = got
		} else if string(got) != string(first) {
			t.Errorf("asker %d got different bytes", i)
		}
	}
	if cuts != 1 {
		t.Errorf("the segment was encoded %d times, want once", cuts)
	}
}
