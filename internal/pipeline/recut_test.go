package pipeline_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/fashionshoot/shoot/internal/beatgen"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// cutCounts counts the segments an engine encoded and the ones it copied
// from its segment cache (pipeline.Options.CountCuts).
type cutCounts struct {
	mu              sync.Mutex
	encoded, reused int
}

func (c *cutCounts) add(encoded bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if encoded {
		c.encoded++
	} else {
		c.reused++
	}
}

func (c *cutCounts) get() (encoded, reused int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.encoded, c.reused
}

// remade marks a clip asked for again with the same prompt: its MP4 ends
// with a "free" box (which players skip) holding a count, so a redone clip
// has new bytes (the offline studio would render the same clip byte for
// byte) and the film must cut it again.
type remade struct {
	pipeline.VideoGenerator
	mu    sync.Mutex
	seen  map[string]bool // prompts asked for
	again map[string]int  // handles of clips asked for again
}

func (r *remade) SubmitClip(ctx context.Context, req shoot.ClipRequest) (string, error) {
	h, err := r.VideoGenerator.SubmitClip(ctx, req)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen, r.again = map[string]bool{}, map[string]int{}
	}
	if r.seen[req.Prompt] {
		r.again[h] = len(r.again) + 1
	}
	r.seen[req.Prompt] = true
	return h, err
}

func (r *remade) PollClip(ctx context.Context, req shoot.ClipRequest, h string) (shoot.TaskStatus, error) {
	st, err := r.VideoGenerator.PollClip(ctx, req, h)
	r.mu.Lock()
	n := r.again[h]
	r.mu.Unlock()
	if err == nil && st.Result != nil && n > 0 {
		box := binary.BigEndian.AppendUint32(nil, 16)
		box = binary.BigEndian.AppendUint64(append(box, "free"...), uint64(n))
		st.Result.Data = append(bytes.Clone(st.Result.Data), box...)
	}
	return st, err
}

// clipBytes reads the newest version of clip n.
func (h *harness) clipBytes(sid string, n int) []byte {
	h.t.Helper()
	assets, err := h.store.LatestAssets(h.t.Context(), sid)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, a := range assets {
		if a.Type == shoot.AssetClip && a.Index == n {
			data, err := h.bucket.ReadAll(h.t.Context(), a.Key)
			if err != nil {
				h.t.Fatal(err)
			}
			return data
		}
	}
	h.t.Fatalf("no clip %d", n)
	return nil
}

// TestBeatRecutReusesSegments: a film cut on the beat of its audio bed
// encodes each clip's segment once (the segments cut as the clips land
// already have the lengths the beat gives them), and after "redo clip 2"
// the second on-beat cut encodes only the new clip 2 and copies the other
// clips' segments from the cache.
func TestBeatRecutReusesSegments(t *testing.T) {
	t.Parallel()
	var cuts cutCounts
	h := newHarness(t, harnessOptions{clipConcurrency: 5, engine: func(o *pipeline.Options) { o.CountCuts = cuts.add },
		videos: func(v pipeline.VideoGenerator) pipeline.VideoGenerator { return &remade{VideoGenerator: v} }})
	g := beatgen.Generate(beatgen.Track{BPM: 132, Bass: true, Noise: 0.02, Lead: 0.11, Seconds: 8, Seed: 4})
	wav := filepath.Join(t.TempDir(), "bed.wav")
	if err := beatgen.WriteWAV(wav, g.Samples); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(wav)
	if err != nil {
		t.Fatal(err)
	}
	u, err := pipeline.StoreAudio(t.Context(), h.store, h.bucket, "bed.wav", data, "")
	if err != nil {
		t.Fatal(err)
	}
	o := fast
	o.AutoApprove, o.Audio = true, "/uploads/"+u.Filename
	clips := o.WithDefaults().ClipCount()
	sid, evs := h.start(o, h.upload(5))
	if m := last(t, evs); m["type"] != shoot.EventComplete || m["stage"] != shoot.StageComplete {
		t.Fatalf("the shoot ended with %v: %s", m, types(evs))
	}
	enc1, _ := cuts.get()
	if enc1 != clips {
		t.Errorf("the first on-beat film encoded %d segments for %d clips", enc1, clips)
	}
	before := h.clipBytes(sid, 2)
	evs = h.reply(sid, "redo clip 2")
	if m := last(t, evs); m["type"] != shoot.EventComplete || m["stage"] != shoot.StageComplete {
		t.Fatalf("redo clip 2 ended with %v: %s", m, types(evs))
	}
	if bytes.Equal(before, h.clipBytes(sid, 2)) {
		t.Fatal("the new clip 2 is the old one byte for byte; nothing is left to cut again")
	}
	if n := h.calls.count("clip"); n != clips+1 {
		t.Fatalf("%d clips made, want %d and the new clip 2", n, clips)
	}
	enc2, reused := cuts.get()
	if enc2-enc1 != 1 {
		t.Errorf("the second on-beat cut encoded %d segments, want only the new clip 2's", enc2-enc1)
	}
	if reused < clips-1 {
		t.Errorf("%d segments copied from the cache, want at least the %d unchanged clips'", reused, clips-1)
	}
	t.Logf("encoded %d then %d more; %d reused", enc1, enc2-enc1, reused)
}
