package pipeline_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/reframe"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// TestFilmInEveryFormat: options.deliver makes one more film per format,
// stored as final assets under final/<9x16|4x5|1x1|16x9>/ at the exact
// size of the format with its poster.jpg, poster.webp and preview.webp,
// and listed in the manifest with their crop path.
func TestFilmInEveryFormat(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{clipConcurrency: 5})
	o := fast
	o.AutoApprove, o.Deliver = true, []string{"9:16", "4:5", "1:1", "16:9"}
	sid, evs := h.start(o, h.upload(6))
	if m := last(t, evs); m["type"] != shoot.EventComplete || m["stage"] != shoot.StageComplete {
		t.Fatalf("the shoot ended with %v: %s", m, types(evs))
	}
	film := h.latestAsset(sid, shoot.AssetFinal, 0)
	var meta struct {
		Width  int `json:"width"`
		Height int `json:"height"`
	}
	if err := json.Unmarshal(film.Metadata, &meta); err != nil || meta.Width == 0 {
		t.Fatalf("film meta %s: %v", film.Metadata, err)
	}
	m, err := h.eng.Manifest(t.Context(), sid)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]pipeline.ManifestEntry{}
	for _, a := range m.Artifacts {
		files[a.File] = a
	}
	for i, f := range reframe.Formats {
		a := h.latestAsset(sid, shoot.AssetFinal, i+1)
		want := "final/" + f.Dir() + "/fashion-video.mp4"
		if !strings.HasSuffix(a.Key, want) {
			t.Errorf("%s stored at %s, want …/%s", f, a.Key, want)
		}
		e, ok := files[want]
		if !ok {
			t.Errorf("%s missing from the manifest", want)
			continue
		}
		w, ht := f.Size(meta.Width, meta.Height)
		if e.Width != w || e.Height != ht {
			t.Errorf("%s is %dx%d, want %dx%d", want, e.Width, e.Height, w, ht)
		}
		var d struct {
			Mode string `json:"mode"`
			Path *struct {
				MaxAccel float64 `json:"max_accel"`
			} `json:"path"`
		}
		if err := json.Unmarshal(e.Details, &d); err != nil || d.Mode == "" {
			t.Errorf("%s details %s: %v", want, e.Details, err)
		}
		if d.Path != nil && d.Path.MaxAccel > reframe.MaxAccel+1e-9 {
			t.Errorf("%s: crop path acceleration %.6f over %.6f", want, d.Path.MaxAccel, reframe.MaxAccel)
		}
		for k, name := range shoot.PosterFiles {
			file := "final/" + f.Dir() + "/" + name
			e, ok := files[file]
			if !ok || e.Size == 0 {
				t.Errorf("%s missing from the manifest", file)
				continue
			}
			if a := h.latestAsset(sid, shoot.AssetFinal, 10*(i+1)+k+1); !strings.HasSuffix(a.Key, file) {
				t.Errorf("%s stored at %s", file, a.Key)
			}
		}
	}
	bad := fast
	bad.Deliver = []string{"3:2"}
	if _, _, err := h.eng.Start(t.Context(), pipeline.StartRequest{Brief: "a film", Inputs: []string{h.upload(7)}, Options: bad}); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("options.deliver 3:2: %v, want EINVALID", err)
	}
}
