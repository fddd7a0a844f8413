package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"testing"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/provider/studio"
	"github.com/fashionshoot/shoot/internal/sheetgen"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// nineUp is an image provider whose contact sheets show a 3×3 grid, drawn
// by sheetgen, whatever grid the prompt asks for; heroes and edits are the
// studio's own.
type nineUp struct {
	pipeline.ImageGenerator
	sheet []byte
}

func (n *nineUp) PollImage(ctx context.Context, req shoot.ImageRequest, h string) (shoot.TaskStatus, error) {
	st, err := n.ImageGenerator.PollImage(ctx, req, h)
	if err != nil || !st.Done || st.Result == nil || req.Kind != shoot.ImageContactSheet {
		return st, err
	}
	art := *st.Result
	art.Data, art.ContentType = n.sheet, "image/png"
	st.Result = &art
	return st, nil
}

// TestGridMismatchReported runs a shoot whose contact sheet comes back as
// 3×3 when 2×3 was asked for: the frames stage must say so in the
// session's event stream (a progress event carrying gridMismatch) and
// every frame in the manifest must carry the same mismatch, rather than
// the sheet being forced into 2×3 without a word.
func TestGridMismatchReported(t *testing.T) {
	t.Parallel()
	var drawn *sheetgen.Sheet
	for seed := range uint64(200) {
		if s := sheetgen.Generate(sheetgen.WrongGrid, seed); s.Rows == 3 && s.Cols == 3 {
			drawn = s
			break
		}
	}
	if drawn == nil {
		t.Fatal("sheetgen drew no 3×3 sheet in 200 seeds")
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, drawn.Image); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, harnessOptions{images: &nineUp{ImageGenerator: studio.NewImages(studio.Options{}), sheet: buf.Bytes()}})
	sid, evs := h.start(fast, h.upload(7))
	all := evs
	for i := 0; i < 3 && checkpointOf(t, evs) != shoot.StageFrames; i++ {
		evs = h.reply(sid, "continue")
		all = append(all, evs...)
	}
	if cp := checkpointOf(t, evs); cp != shoot.StageFrames {
		t.Fatalf("checkpoint %q, want frames: %s", cp, types(evs))
	}
	want := map[string]int{"askedRows": 2, "askedCols": 3, "rows": 3, "cols": 3}
	var reported []map[string]int
	for _, ev := range all {
		var m struct {
			Subtype string `json:"subtype"`
			Data    struct {
				Stage        string         `json:"stage"`
				GridMismatch map[string]int `json:"gridMismatch"`
			} `json:"data"`
		}
		if ev.Type != shoot.EventSystem || json.Unmarshal(ev.Data, &m) != nil || m.Subtype != shoot.SubtypeProgress || m.Data.GridMismatch == nil {
			continue
		}
		if m.Data.Stage != shoot.StageFrames {
			t.Errorf("grid mismatch reported in stage %q: %s", m.Data.Stage, ev.Data)
		}
		reported = append(reported, m.Data.GridMismatch)
	}
	if len(reported) != 1 || !sameCounts(reported[0], want) {
		t.Errorf("grid mismatch events %v, want one of %v (events: %s)", reported, want, types(all))
	}
	m, err := h.eng.Manifest(t.Context(), sid)
	if err != nil {
		t.Fatal(err)
	}
	frames := 0
	for _, a := range m.Artifacts {
		if a.Type != shoot.AssetFrame {
			if a.GridMismatch != nil {
				t.Errorf("%s carries a grid mismatch %v", a.File, a.GridMismatch)
			}
			continue
		}
		frames++
		if !sameCounts(a.GridMismatch, want) {
			t.Errorf("%s: grid mismatch %v, want %v", a.File, a.GridMismatch, want)
		}
	}
	if frames != 6 {
		t.Fatalf("%d frames in the manifest, want the first six of nine", frames)
	}
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}
