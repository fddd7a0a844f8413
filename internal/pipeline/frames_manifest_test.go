package pipeline_test

import (
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// TestManifestFrameConfidence: after the frames stage every frame in the
// manifest carries the confidence of its cell.
func TestManifestFrameConfidence(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{})
	sid, evs := h.start(fast, h.upload(5))
	for i := 0; i < 3 && checkpointOf(t, evs) != shoot.StageFrames; i++ {
		evs = h.reply(sid, "continue")
	}
	if cp := checkpointOf(t, evs); cp != shoot.StageFrames {
		t.Fatalf("checkpoint %q, want frames: %s", cp, types(evs))
	}
	m, err := h.eng.Manifest(t.Context(), sid)
	if err != nil {
		t.Fatal(err)
	}
	frames := 0
	for _, a := range m.Artifacts {
		if a.Type != shoot.AssetFrame {
			if a.Confidence != nil {
				t.Errorf("%s has a confidence", a.File)
			}
			continue
		}
		frames++
		if a.Confidence == nil || *a.Confidence < 0 || *a.Confidence > 1 {
			t.Errorf("%s: confidence %v", a.File, a.Confidence)
		}
	}
	if frames != 6 {
		t.Fatalf("%d frames in the manifest", frames)
	}
}
