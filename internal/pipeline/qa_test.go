package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/director/claude"
	"github.com/fashionshoot/shoot/internal/director/claude/claudetest"
	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/media"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/provider/studio"
	"github.com/fashionshoot/shoot/internal/qa"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// isCheck reports whether a request to the model is a picture check.
func isCheck(r claudetest.Request) bool {
	return r.ToolChoice == "tool" && len(r.Tools) == 1 && r.Tools[0] == qa.VerdictTool
}

// checkUsage is what every scripted picture check reports it used.
var checkUsage = claudetest.Usage{InputTokens: 9000, OutputTokens: 400}

// eyes answers picture checks like a careful model: the hero and the sheet
// kept the garment; in the frames the bag is gone from frames 4 and 6.
// Director turns get the obedient model.
func eyes(r claudetest.Request) claudetest.Response {
	if !isCheck(r) {
		return obedient(r)
	}
	items := []map[string]any{{"item": "garment colour", "status": "kept", "reason": "same red"}}
	if strings.Contains(r.Last().Text(), "Frame 1 of") {
		items = append(items, map[string]any{"item": "bag", "status": "missing", "frame": 4, "reason": "empty hand"},
			map[string]any{"item": "bag", "status": "missing", "frame": 6, "reason": "bag cut off"})
	}
	resp := claudetest.Reply(claudetest.ToolUse(qa.VerdictTool, map[string]any{"items": items}))
	resp.Usage = checkUsage
	return resp
}

// blind answers every picture check with a verdict that is not one.
func blind(r claudetest.Request) claudetest.Response {
	if !isCheck(r) {
		return obedient(r)
	}
	resp := claudetest.Reply(claudetest.ToolUse(qa.VerdictTool, `{"items":"all fine"}`))
	resp.Usage = checkUsage
	return resp
}

// claudeWith makes the Claude director on a fake model answering with model.
func claudeWith(model func(claudetest.Request) claudetest.Response, api **claudetest.Server) func(*testing.T, store.Store, *prompt.Library) pipeline.Director {
	return func(t *testing.T, st store.Store, lib *prompt.Library) pipeline.Director {
		*api = claudetest.Start(t)
		(*api).Handle(model)
		d, err := claude.New(claude.Options{APIKey: claudetest.TestKey, BaseURL: (*api).URL, Store: st,
			Library: lib, Easings: media.Names(), Retry: claude.Retry{Attempts: 2}})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
}

// report is the qa object as a client reads it.
type report struct {
	Verdict string `json:"verdict"`
	By      string `json:"by"`
	Summary string `json:"summary"`
	Checks  []struct {
		Item   string `json:"item"`
		Status string `json:"status"`
		Reason string `json:"reason"`
		Frames []int  `json:"frames"`
	} `json:"checks"`
	CostUSD float64 `json:"costUsd"`
	Attempt int     `json:"attempt"`
	Retry   *struct {
		Status  string `json:"status"`
		Reason  string `json:"reason"`
		Version int    `json:"version"`
	} `json:"retry"`
}

func decodeReport(t *testing.T, what string, raw json.RawMessage) *report {
	t.Helper()
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var r report
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s: qa %s: %v", what, raw, err)
	}
	if !slices.Contains([]string{"pass", "warn", "fail", "not_checked"}, r.Verdict) || len(r.Checks) == 0 {
		t.Errorf("%s: qa %s has no valid verdict or no checks", what, raw)
	}
	for _, c := range r.Checks {
		if !qa.Status(c.Status).Valid() || c.Item == "" {
			t.Errorf("%s: check %+v", what, c)
		}
	}
	return &r
}

// checkpointQA returns the qa object of each checkpoint event, by stage,
// and fails when the nested checkpoint does not carry the same.
func checkpointQA(t *testing.T, evs []shoot.Event) map[string]json.RawMessage {
	t.Helper()
	out := map[string]json.RawMessage{}
	for _, ev := range evs {
		if ev.Type != shoot.EventCheckpoint {
			continue
		}
		var m struct {
			Stage      string          `json:"stage"`
			QA         json.RawMessage `json:"qa"`
			Checkpoint struct {
				QA json.RawMessage `json:"qa"`
			} `json:"checkpoint"`
		}
		if err := json.Unmarshal(ev.Data, &m); err != nil {
			t.Fatal(err)
		}
		if string(m.QA) != string(m.Checkpoint.QA) {
			t.Errorf("%s checkpoint: qa %s, nested %s", m.Stage, m.QA, m.Checkpoint.QA)
		}
		out[m.Stage] = m.QA
	}
	return out
}

// assetsAPI answers GET /api/sessions/{sid}/assets from the harness's
// database and bucket.
func (h *harness) assetsAPI(sid string) map[string][]struct {
	Index int             `json:"index"`
	QA    json.RawMessage `json:"qa"`
} {
	h.t.Helper()
	vars := map[string]string{"SHOOT_DATA_DIR": h.dir}
	cfg, err := config.FromEnv(func(k string) string { return vars[k] })
	if err != nil {
		h.t.Fatal(err)
	}
	if err := cfg.Finish(); err != nil {
		h.t.Fatal(err)
	}
	srv, err := httpapi.New(httpapi.Deps{Config: cfg, Store: h.store, Bucket: h.bucket})
	if err != nil {
		h.t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/api/sessions/" + sid + "/assets")
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Assets map[string][]struct {
			Index int             `json:"index"`
			QA    json.RawMessage `json:"qa"`
		} `json:"assets"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&body) != nil {
		h.t.Fatalf("GET assets: %s", resp.Status)
	}
	return body.Assets
}

// toFrames answers "continue" until the frames checkpoint and returns
// every event of the way.
func (h *harness) toFrames(sid string, evs []shoot.Event) []shoot.Event {
	h.t.Helper()
	all := evs
	for i := 0; i < 3 && checkpointOf(h.t, evs) != shoot.StageFrames; i++ {
		evs = h.reply(sid, "continue")
		all = append(all, evs...)
	}
	if cp := checkpointOf(h.t, evs); cp != shoot.StageFrames {
		h.t.Fatalf("checkpoint %q, want frames: %s", cp, types(evs))
	}
	return all
}

func (h *harness) qaCosts(sid string) (n int, usd float64) {
	h.t.Helper()
	costs, err := h.store.ListCosts(h.t.Context(), sid)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, c := range costs {
		if strings.HasPrefix(c.Ref, "qa-") {
			n++
			usd += c.USD
		}
	}
	return n, usd
}

// TestQAOnEveryPicture runs a shoot to the frames checkpoint with each
// director, with the check on and off. With it on, the hero, the contact
// sheet and every frame carry a qa object in the manifest and the assets
// answer, and each checkpoint event carries its stage's: measured offline
// with the rules director, by the (fake) model with Claude, whose verdict
// arrives intact and whose calls are in the cost ledger and the estimate.
// With it off there is no check, no qa object and no check cost.
func TestQAOnEveryPicture(t *testing.T) {
	t.Parallel()
	off := false
	for _, c := range []struct {
		name, by string
		claude   bool
		qaOff    bool
	}{
		{"rules", "offline", false, false},
		{"claude", "vision", true, false},
		{"rules-off", "", false, true},
		{"claude-off", "", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var api *claudetest.Server
			o := harnessOptions{}
			if c.claude {
				o.director = claudeWith(eyes, &api)
			}
			h := newHarness(t, o)
			opts := fast
			if c.qaOff {
				opts.QA = &off
			}
			sid, evs := h.start(opts, h.upload(3), h.upload(7))
			evs = h.toFrames(sid, evs)

			m, err := h.eng.Manifest(t.Context(), sid)
			if err != nil {
				t.Fatal(err)
			}
			byFile := map[string]*report{}
			for _, a := range m.Artifacts {
				byFile[a.File] = decodeReport(t, a.File, a.QA)
			}
			api2 := h.assetsAPI(sid)
			cps := checkpointQA(t, evs)
			if c.qaOff {
				for f, r := range byFile {
					if r != nil {
						t.Errorf("%s has a qa object with the check off", f)
					}
				}
				for st, raw := range cps {
					if len(raw) > 0 {
						t.Errorf("the %s checkpoint has qa %s with the check off", st, raw)
					}
				}
				if n, _ := h.qaCosts(sid); n != 0 {
					t.Errorf("%d check costs with the check off", n)
				}
				if api != nil {
					for _, r := range api.Requests() {
						if isCheck(r) {
							t.Fatal("a picture check was asked of the model with the check off")
						}
					}
				}
				if est, err := h.eng.Estimate(opts); err != nil || est.QAUSD != 0 {
					t.Errorf("estimate with the check off: %+v %v", est, err)
				}
				return
			}
			files := []string{"hero.png", "contact-sheet.png"}
			for n := 1; n <= 6; n++ {
				files = append(files, shoot.OutputName(shoot.AssetFrame, n))
			}
			for _, f := range files {
				if r := byFile[f]; r == nil || r.By != c.by {
					t.Errorf("manifest %s: qa %+v, want one by %s", f, r, c.by)
				}
			}
			for group, want := range map[string]int{"hero": 1, "contactSheet": 1, "frames": 6} {
				items := api2[group]
				if len(items) != want {
					t.Fatalf("assets %s: %d items", group, len(items))
				}
				for _, it := range items {
					if r := decodeReport(t, group, it.QA); r == nil || r.By != c.by {
						t.Errorf("assets %s %d: qa %s", group, it.Index, it.QA)
					}
				}
			}
			for _, st := range []string{shoot.StageHero, shoot.StageContactSheet, shoot.StageFrames} {
				if r := decodeReport(t, st+" checkpoint", cps[st]); r == nil || r.By != c.by {
					t.Errorf("%s checkpoint: qa %s", st, cps[st])
				}
			}
			frames := decodeReport(t, "frames checkpoint", cps[shoot.StageFrames])
			if !c.claude {
				// The offline check judges the subject of each of the six.
				subject := map[int]bool{}
				for _, ch := range frames.Checks {
					if ch.Item == "subject" {
						for _, f := range ch.Frames {
							subject[f] = true
						}
					}
				}
				if len(subject) != 6 {
					t.Errorf("the offline frames check judged the subject of frames %v, want all six", subject)
				}
				if n, _ := h.qaCosts(sid); n != 0 {
					t.Errorf("%d check costs from the offline check", n)
				}
				return
			}
			if frames.Summary != "bag missing in frames 4, 6" || frames.Verdict != "fail" {
				t.Errorf("frames checkpoint qa %+v, want the model's bag missing in frames 4, 6", frames)
			}
			if r := byFile["frames/frame-4.png"]; r == nil || r.Summary != "bag missing in frame 4" || r.Verdict != "fail" {
				t.Errorf("frame 4 qa %+v", r)
			}
			if r := byFile["frames/frame-1.png"]; r == nil || r.Verdict != "pass" {
				t.Errorf("frame 1 qa %+v, want pass", r)
			}
			checks := 0
			for _, r := range api.Requests() {
				if !isCheck(r) {
					continue
				}
				checks++
				if imgs := len(r.Images()); imgs != 3 && imgs != 8 {
					t.Errorf("a check sent %d images, want the two references and the picture, or the six frames", imgs)
				}
			}
			n, usd := h.qaCosts(sid)
			if checks != 3 || n != 3 || usd <= 0 {
				t.Errorf("%d checks asked, %d in the ledger costing $%.4f; want 3 priced", checks, n, usd)
			}
			if byFile["hero.png"].CostUSD <= 0 {
				t.Error("the hero's qa object has no cost")
			}
			est, err := h.eng.Estimate(opts)
			if err != nil || est.QAUSD <= 0 || est.TotalUSD < est.QAUSD {
				t.Errorf("estimate %+v %v: want the checks priced", est, err)
			}
		})
	}
}

// TestQAMalformedVerdict: the model answers the check with something that
// is not a verdict. The hero still reaches its checkpoint, its qa object
// says not_checked, and the call's cost is in the ledger.
func TestQAMalformedVerdict(t *testing.T) {
	t.Parallel()
	var api *claudetest.Server
	h := newHarness(t, harnessOptions{director: claudeWith(blind, &api)})
	sid, evs := h.start(fast, h.upload(3))
	if cp := checkpointOf(t, evs); cp != shoot.StageHero {
		t.Fatalf("checkpoint %q, want hero: %s", cp, types(evs))
	}
	r := decodeReport(t, "hero", checkpointQA(t, evs)[shoot.StageHero])
	if r == nil || r.Verdict != "not_checked" || r.By != "vision" || r.Checks[0].Status != "not_checked" {
		t.Fatalf("hero qa %+v, want not_checked by vision", r)
	}
	if n, usd := h.qaCosts(sid); n != 1 || usd <= 0 {
		t.Errorf("%d check costs ($%.4f), want the one call priced", n, usd)
	}
}

// flatHeroes is an image provider at $1 a picture whose every picture is
// flat grey: nothing of a red garment survives it.
type flatHeroes struct {
	pipeline.ImageGenerator
	mu      sync.Mutex
	prompts []string
}

func (f *flatHeroes) EstimateImage(shoot.ImageRequest) float64 { return 1 }

func (f *flatHeroes) SubmitImage(ctx context.Context, req shoot.ImageRequest) (string, error) {
	f.mu.Lock()
	f.prompts = append(f.prompts, req.Prompt)
	f.mu.Unlock()
	return f.ImageGenerator.SubmitImage(ctx, req)
}

func (f *flatHeroes) PollImage(ctx context.Context, req shoot.ImageRequest, h string) (shoot.TaskStatus, error) {
	st, err := f.ImageGenerator.PollImage(ctx, req, h)
	if err != nil || !st.Done || st.Result == nil {
		return st, err
	}
	img := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for i := range img.Pix {
		img.Pix[i] = 128
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return st, err
	}
	art := *st.Result
	art.Data, art.ContentType, art.CostUSD = buf.Bytes(), "image/png", 1
	st.Result = &art
	return st, nil
}

// localFlat is flatHeroes telling the engine it is the offline studio.
type localFlat struct{ *flatHeroes }

func (localFlat) Local() bool { return true }

func (f *flatHeroes) seen() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.prompts)
}

// uploadRed stores a red garment on a white backdrop as a reference.
func (h *harness) uploadRed() string {
	h.t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 240, 360))
	for y := range 360 {
		for x := range 240 {
			c := color.RGBA{245, 245, 245, 255}
			if x > 60 && x < 180 && y > 60 && y < 300 {
				c = color.RGBA{200, 20, 30, 255}
			}
			img.Set(x, y, c)
		}
	}
	return h.uploadImage(img, 99)
}

// TestQARetryBudget: a hero whose check fails is regenerated once with
// the verdict in its prompt, when the session's budget has room for it,
// and never more: the retry fails its check too and stays the last. With
// a budget that leaves no room there is no retry, and the qa object, the
// checkpoint event and its message say why.
func TestQARetryBudget(t *testing.T) {
	t.Parallel()
	on := true
	for _, c := range []struct {
		name    string
		budget  float64
		retries int
		local   bool   // the provider says it is the offline studio
		why     string // in the skipped retry's reason
	}{
		{"no room", 1.5, 0, false, "budget"},
		{"room for one", 2, 1, false, ""},
		{"room for many", 10, 1, false, ""},
		{"offline studio", 10, 0, true, "offline studio"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			flat := &flatHeroes{}
			flat.ImageGenerator = studio.NewImages(studio.Options{})
			var images pipeline.ImageGenerator = flat
			if c.local {
				images = localFlat{flat}
			}
			h := newHarness(t, harnessOptions{images: images, engine: func(o *pipeline.Options) { o.MaxCostUSD = c.budget }})
			opts := fast
			opts.QARetry = &on
			sid, evs := h.start(opts, h.uploadRed())
			if cp := checkpointOf(t, evs); cp != shoot.StageHero {
				t.Fatalf("checkpoint %q, want hero: %s", cp, types(evs))
			}
			all, err := h.store.ListAssets(t.Context(), sid)
			if err != nil {
				t.Fatal(err)
			}
			var heroes []*shoot.Asset
			for _, a := range all {
				if a.Type == shoot.AssetHero {
					heroes = append(heroes, a)
				}
			}
			if len(heroes) != 1+c.retries || h.calls.count(shoot.ImageHero) != 1+c.retries {
				t.Fatalf("%d hero versions, %d made; want %d", len(heroes), h.calls.count(shoot.ImageHero), 1+c.retries)
			}
			first := decodeReport(t, "hero v1", assetQA(t, heroes[0]))
			if first == nil || first.Verdict != "fail" || first.By != "offline" || first.Retry == nil {
				t.Fatalf("hero v1 qa %+v, want a failed offline check with a retry decision", first)
			}
			cp := decodeReport(t, "hero checkpoint", checkpointQA(t, evs)[shoot.StageHero])
			msg := checkpointMessage(t, evs)
			if c.retries == 0 {
				if first.Retry.Status != "skipped" || !strings.Contains(first.Retry.Reason, c.why) {
					t.Errorf("retry %+v, want skipped (%s)", first.Retry, c.why)
				}
				if cp == nil || cp.Retry == nil || cp.Retry.Status != "skipped" || !strings.Contains(msg, "No automatic retry") {
					t.Errorf("checkpoint qa %+v, message %q: want the skipped retry", cp, msg)
				}
				return
			}
			if first.Retry.Status != "retried" || first.Retry.Version != 2 {
				t.Errorf("v1 retry %+v, want retried as version 2", first.Retry)
			}
			second := decodeReport(t, "hero v2", assetQA(t, heroes[1]))
			if heroes[1].Version != 2 || second == nil || second.Attempt != 2 || second.Retry == nil || second.Retry.Status != "final" || second.Verdict != "fail" {
				t.Errorf("hero v2 (version %d) qa %+v, want the final attempt 2, failed again", heroes[1].Version, second)
			}
			if cp == nil || cp.Attempt != 2 {
				t.Errorf("checkpoint qa %+v, want the retry's", cp)
			}
			prompts := flat.seen()
			if len(prompts) != 2 || !strings.Contains(prompts[1], first.Summary) || strings.Contains(prompts[0], first.Summary) {
				t.Errorf("prompts %q: want the second to carry the verdict %q", prompts, first.Summary)
			}
			s, err := h.store.GetSession(t.Context(), sid)
			if err != nil || s.TotalCostUSD != 2 {
				t.Errorf("session cost %v (%v), want both pictures paid", s.TotalCostUSD, err)
			}
		})
	}
}

func assetQA(t *testing.T, a *shoot.Asset) json.RawMessage {
	t.Helper()
	var m shoot.AssetMeta
	if err := json.Unmarshal(a.Metadata, &m); err != nil {
		t.Fatal(err)
	}
	return m.QA
}

func checkpointMessage(t *testing.T, evs []shoot.Event) string {
	t.Helper()
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Type == shoot.EventCheckpoint {
			var m struct {
				Message string `json:"message"`
			}
			_ = json.Unmarshal(evs[i].Data, &m)
			return m.Message
		}
	}
	return ""
}
