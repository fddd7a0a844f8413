package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/provider/providertest"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store/sqlite"
)

// These tests run `shoot serve` against the local fakes of FAL and Kling
// (internal/provider/providertest) with the real clients, the real queue, SQLite,
// ffmpeg and the HTTP API: the paid path of a shoot, end to end, with no
// network beyond loopback.

// Prices of the fakes' default models in the clients' tables: nano-banana-pro
// at 1K, and a 5 s Kling 2.6 pro clip (direct or on FAL, both $0.07/s).
const (
	imageUSD = 0.15
	clipUSD  = 0.35
)

// fastOptions keep a shoot small: 1K images, half-second clips in the film
// at 24 fps, and every checkpoint approved so one stream runs to the film.
func fastOptions() map[string]any {
	return map[string]any{"resolution": "1K", "clipDuration": 0.5, "fps": 24, "autoApprove": true}
}

// playableClip renders a one-second w×h MP4 the stitch can decode, for the
// video fakes to return.
func playableClip(t *testing.T, w, h int) []byte {
	t.Helper()
	clip, err := providertest.PlayableMP4(t.Context(), w, h)
	if err != nil {
		t.Fatal(err)
	}
	return clip
}

// providerFakes are a FAL fake and a Kling fake serving real media.
type providerFakes struct {
	FAL   *providertest.FAL
	Kling *providertest.Kling
}

// startProviderFakes starts both fakes with the given options (media
// generators filled in) and closes them when the test ends.
func startProviderFakes(t *testing.T, fo providertest.FALOptions, ko providertest.KlingOptions) *providerFakes {
	t.Helper()
	clip := playableClip(t, 360, 240)
	video := func(string, map[string]any) []byte { return clip }
	fo.Image, fo.Video, ko.Video = providertest.SheetImage(960), video, video
	p := &providerFakes{FAL: providertest.NewFAL(fo), Kling: providertest.NewKling(ko)}
	t.Cleanup(p.FAL.Close)
	t.Cleanup(p.Kling.Close)
	return p
}

// env is a studio environment using FAL images and the video provider
// ("kling" or "fal"), plus extra KEY=VALUE pairs.
func (p *providerFakes) env(video string, extra ...string) map[string]string {
	env := map[string]string{
		"SHOOT_IMAGE_PROVIDER": "fal", "SHOOT_VIDEO_PROVIDER": video, "SHOOT_DIRECTOR": "rules",
		"FAL_KEY": p.FAL.Key(), "SHOOT_FAL_QUEUE_URL": p.FAL.URL, "SHOOT_FAL_REST_URL": p.FAL.URL,
		"KLING_ACCESS_KEY": p.Kling.AccessKey(), "KLING_SECRET_KEY": p.Kling.SecretKey(),
		"SHOOT_KLING_BASE_URL": p.Kling.URL,
	}
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	return env
}

// shoot starts a shoot with options and returns its session id and the
// events of its first exchange (with autoApprove, the whole shoot).
func (s *liveStudio) shoot(options map[string]any) (string, []sseEvent) {
	s.t.Helper()
	refs := s.upload(refPNG(3))
	evs := s.postStream("/api/generate-stream", map[string]any{"prompt": "linen suit on a rooftop", "inputImages": refs,
		"options": options})
	if len(evs) == 0 || evs[0].Type() != "session_init" {
		s.t.Fatalf("the stream did not open with session_init: %v", evs)
	}
	return evs[0].Data["sessionId"].(string), evs
}

// getJSON GETs an API path and decodes its JSON answer.
func (s *liveStudio) getJSON(path string) map[string]any {
	s.t.Helper()
	resp, err := http.Get(s.Base + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		s.t.Fatalf("GET %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET %s: %d %v", path, resp.StatusCode, m)
	}
	return m
}

// totalCost is the session's total_cost_usd as the API reports it.
func (s *liveStudio) totalCost(sid string) float64 {
	s.t.Helper()
	v, _ := s.getJSON("/api/sessions/" + sid)["session"].(map[string]any)["total_cost_usd"].(float64)
	return v
}

// costs reads the session's cost ledger from the studio's database.
func (s *liveStudio) costs(sid string) []*shoot.Cost {
	s.t.Helper()
	db, err := sqlite.Open(s.t.Context(), filepath.Join(s.Dir, "shoot.db"))
	if err != nil {
		s.t.Fatal(err)
	}
	defer db.Close()
	cs, err := db.ListCosts(s.t.Context(), sid)
	if err != nil {
		s.t.Fatal(err)
	}
	return cs
}

// requireFilm checks that the shoot ended with a playable film.
func (s *liveStudio) requireFilm(sid string, evs []sseEvent) {
	s.t.Helper()
	end := lastOf(s.t, evs)
	if end.Type() != "complete" || end.Data["stage"] != "complete" {
		s.t.Fatalf("the shoot ended with %v", end.Data)
	}
	resp, err := http.Get(s.Base + "/outputs/" + sid + "/final/fashion-video.mp4")
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "video/mp4" || resp.ContentLength < 1000 {
		s.t.Fatalf("film: %d %s %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), resp.ContentLength)
	}
}

// releaseKling finishes the held (Manual) Kling tasks whenever want of them
// are active at once, or once all total clips were submitted, so a full
// wave must build up before any clip may finish. It stops with the test.
func releaseKling(t *testing.T, k *providertest.Kling, want, total int) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	go func() {
		defer close(done)
		for {
			if k.Active() >= want || k.Submissions("") >= total {
				k.FinishAll()
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
}

// sameUSD compares dollar amounts to a tenth of a cent.
func sameUSD(a, b float64) bool { return math.Abs(a-b) < 0.001 }

// TestFakeProvidersShoot runs a whole shoot on FAL images and direct Kling
// clips: the clips run exactly SHOOT_CLIP_CONCURRENCY at a time, each is
// paid once, and the ledger, the session total and the estimate agree with
// the providers' prices.
func TestFakeProvidersShoot(t *testing.T) {
	t.Parallel()
	p := startProviderFakes(t, providertest.FALOptions{Timing: providertest.Timing{QueuePolls: 1}},
		providertest.KlingOptions{Timing: providertest.Timing{Manual: true}})
	releaseKling(t, p.Kling, 3, 5)
	s := startStudio(t, p.env("kling", "SHOOT_CLIP_CONCURRENCY=3"))
	start := time.Now()
	sid, evs := s.shoot(fastOptions())
	t.Logf("shoot took %s", time.Since(start))
	s.requireFilm(sid, evs)

	if got := p.Kling.ActiveHighWater(); got != 3 {
		t.Errorf("Kling tasks in flight at once = %d, want SHOOT_CLIP_CONCURRENCY = 3", got)
	}
	keys := map[string]bool{}
	for _, in := range p.Kling.Inputs() {
		keys[fmt.Sprint(in.Input["external_task_id"])] = true
	}
	if n := p.Kling.Submissions(""); n != 5 || len(keys) != 5 {
		t.Errorf("Kling submissions = %d with %d distinct keys, want 5 clips paid once each", n, len(keys))
	}
	if n := p.FAL.Submissions(""); n != 2 {
		t.Errorf("FAL submissions = %d, want hero and contact sheet", n)
	}
	// FAL requests are followed on the status stream, not polled.
	if polls, streams := p.FAL.Polls(), p.FAL.StatusStreams(); polls+streams > 2*2 || streams == 0 {
		t.Errorf("FAL status requests = %d polls + %d streams for 2 tasks, want ≤ 2 per task", polls, streams)
	}
	want := 2*imageUSD + 5*clipUSD
	if got := s.totalCost(sid); !sameUSD(got, want) {
		t.Errorf("total_cost_usd = %.4f, want %.4f", got, want)
	}
	var ledger float64
	for _, c := range s.costs(sid) {
		ledger += c.USD
	}
	if !sameUSD(ledger, want) {
		t.Errorf("cost ledger sums to %.4f, want %.4f", ledger, want)
	}
	est := s.getJSON("/api/estimate?resolution=1K")["estimate"].(map[string]any)
	if got := est["totalUsd"].(float64); !sameUSD(got, want) || est["images"] != 2.0 || est["clips"] != 5.0 {
		t.Errorf("estimate %v, the shoot cost %.4f for 2 images and 5 clips", est, want)
	}
	pr := s.getJSON("/api/health")["providers"].(map[string]any)
	if pr["image"] != "fal" || pr["video"] != "kling" {
		t.Errorf("health shows providers %v, want fal and kling", pr)
	}
}

// TestFakeProvidersTransientFaults fails 30 % of all requests to the fakes
// — submits, polls, uploads and downloads alike — with 500, 503, 429 and
// hangs, for both video providers: every shoot still ends with its film,
// and no request is paid twice.
func TestFakeProvidersTransientFaults(t *testing.T) {
	t.Parallel()
	for _, video := range []string{"kling", "fal"} {
		t.Run(video, func(t *testing.T) {
			t.Parallel()
			// A hang stalls a quarter second, then the fake gives up with a 504:
			// the clients' own timeouts are a minute, too long for a test.
			faults := providertest.Faults{Rate: 0.3, RetryAfter: time.Second, Hang: 250 * time.Millisecond, Seed: 7}
			p := startProviderFakes(t, providertest.FALOptions{Faults: faults},
				providertest.KlingOptions{Faults: faults})
			s := startStudio(t, p.env(video))
			sid, evs := s.shoot(fastOptions())
			s.requireFilm(sid, evs)

			clips := p.Kling.Submissions("")
			if video == "fal" {
				clips = p.FAL.Submissions(defaultFALVideo)
			}
			if clips != 5 || p.FAL.Submissions("") != 2+5*boolInt(video == "fal") {
				t.Errorf("paid requests: %d clips, %d on FAL; want each clip and image once", clips, p.FAL.Submissions(""))
			}
			for _, in := range p.FAL.Inputs() {
				if in.Endpoint == defaultFALVideo && (in.Input["start_image_url"] == nil || in.Input["end_image_url"] == nil) {
					t.Errorf("a FAL clip without both frames: %v", in.Input)
				}
			}
			if p.FAL.FaultsInjected() == 0 || (video == "kling" && p.Kling.FaultsInjected() == 0) {
				t.Errorf("no faults were injected (FAL %d, Kling %d)", p.FAL.FaultsInjected(), p.Kling.FaultsInjected())
			}
			if want := 2*imageUSD + 5*clipUSD; !sameUSD(s.totalCost(sid), want) {
				t.Errorf("total_cost_usd = %.4f, want %.4f", s.totalCost(sid), want)
			}
			if p.FAL.AuthLeaks()+p.Kling.AuthLeaks() != 0 {
				t.Errorf("credentials were sent to storage or media URLs")
			}
			t.Logf("faults injected: FAL %d, Kling %d", p.FAL.FaultsInjected(), p.Kling.FaultsInjected())
		})
	}
}

// defaultFALVideo is the FAL Kling endpoint the studio uses by default.
const defaultFALVideo = "fal-ai/kling-video/v2.6/pro/image-to-video"

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestFakeProvidersPermanentRefusal: a request the provider refuses with a
// 4xx validation error is not retried; the stream ends with an error event
// that carries the provider's own message.
func TestFakeProvidersPermanentRefusal(t *testing.T) {
	t.Parallel()
	const falMsg, klingMsg = "prompt was flagged by the content checker", "image_tail resolution is too small for this account"
	cases := []struct {
		name, stage, msg string
		fal              providertest.FALOptions
		kling            providertest.KlingOptions
		paid             func(p *providerFakes) int // accepted submissions of the refused request
	}{
		{name: "fal hero", stage: "hero", msg: falMsg,
			fal:  providertest.FALOptions{Reject: func(string, map[string]any) string { return falMsg }},
			paid: func(p *providerFakes) int { return p.FAL.Submissions("") }},
		{name: "kling clip 3", stage: "clips", msg: klingMsg,
			kling: providertest.KlingOptions{Reject: func(_ string, in map[string]any) string {
				if strings.Contains(fmt.Sprint(in["external_task_id"]), "-clip3-") {
					return klingMsg
				}
				return ""
			}},
			paid: func(p *providerFakes) int {
				n := 0
				for _, in := range p.Kling.Inputs() {
					if strings.Contains(fmt.Sprint(in.Input["external_task_id"]), "-clip3-") {
						n++
					}
				}
				return n
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := startProviderFakes(t, tc.fal, tc.kling)
			s := startStudio(t, p.env("kling"))
			_, evs := s.shoot(fastOptions())
			end := lastOf(t, evs)
			msg, _ := end.Data["message"].(string)
			if end.Type() != "error" || end.Data["stage"] != tc.stage || !strings.Contains(msg, tc.msg) {
				t.Fatalf("the stream ended with %v, want an error event of the %s stage quoting %q", end.Data, tc.stage, tc.msg)
			}
			if n := tc.paid(p); n != 0 {
				t.Errorf("%d refused requests were accepted", n)
			}
		})
	}
}

// TestFakeProvidersBudget: with SHOOT_MAX_COST_USD = $1.00 the hero and
// sheet ($0.30) and two clips ($0.70) fit, a third clip would not. Five
// clips start at once, yet only two are ever submitted, the stream says
// why, and the session never spends past its budget.
func TestFakeProvidersBudget(t *testing.T) {
	t.Parallel()
	p := startProviderFakes(t, providertest.FALOptions{}, providertest.KlingOptions{Timing: providertest.Timing{WorkPolls: 1}})
	s := startStudio(t, p.env("kling", "SHOOT_MAX_COST_USD=1.00"))
	sid, evs := s.shoot(fastOptions())
	end := lastOf(t, evs)
	msg, _ := end.Data["message"].(string)
	if end.Type() != "error" || !strings.Contains(msg, "budget of $1.00") {
		t.Fatalf("the stream ended with %v, want a budget error", end.Data)
	}
	// The two clips within budget were under way when the third was
	// refused; they finish and are paid for.
	settle(t, func() bool { return len(s.costs(sid)) >= 4 })
	if n := p.Kling.Submissions(""); n != 2 {
		t.Errorf("Kling submissions = %d, want the 2 clips the budget allows", n)
	}
	if got := s.totalCost(sid); got > 1.00+1e-9 || !sameUSD(got, 2*imageUSD+2*clipUSD) {
		t.Errorf("total_cost_usd = %.4f, want $1.00 and never more", got)
	}
}

// settle waits until cond holds: for work that goes on after a stream
// ended (clips already paid for finish even when the stage failed). It
// fails the test if that never happens.
func settle(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("the studio did not settle within a minute")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestFakeProvidersKillDuringPolling kills a real `shoot serve` process
// with SIGKILL while its five clips are being generated, starts a new one on
// the same data directory, and checks that it re-attaches to the tasks it
// had paid for: the film is made and Kling counts one submission per clip.
func TestFakeProvidersKillDuringPolling(t *testing.T) {
	t.Parallel()
	bin := buildShoot(t)
	p := startProviderFakes(t, providertest.FALOptions{}, providertest.KlingOptions{Timing: providertest.Timing{Manual: true}})
	dir := t.TempDir()
	first, base := startServeProc(t, bin, dir, p.env("kling"))
	sid := startShootAsync(t, base)
	// Kill once every task is recorded, as the engine records it before it
	// polls: from then on a restart must re-attach, not submit again.
	settle(t, func() bool { return p.Kling.Submissions("") == 5 && recordedTasks(t, dir, p.Kling.Inputs()) == 5 })
	first.kill()
	if p.Kling.Active() != 5 {
		t.Fatalf("%d Kling tasks in progress at the kill, want all 5", p.Kling.Active())
	}

	_, base = startServeProc(t, bin, dir, p.env("kling"))
	p.Kling.FinishAll()
	settle(t, func() bool { return sessionStage(base, sid) == "complete" })
	resp, err := http.Get(base + "/outputs/" + sid + "/final/fashion-video.mp4")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("film after the restart: %d", resp.StatusCode)
	}
	if n := p.Kling.Submissions(""); n != 5 {
		t.Errorf("Kling submissions = %d after a kill and restart, want 5 (one per clip)", n)
	}
	if n := p.Kling.Duplicates(); n != 0 {
		t.Errorf("%d clips were submitted again after the restart (refused by Kling as duplicates)", n)
	}
	if n := p.FAL.Submissions(""); n != 2 {
		t.Errorf("FAL submissions = %d, want 2", n)
	}
	if ledger := (&liveStudio{t: t, Dir: dir}).costs(sid); len(ledger) != 7 {
		t.Errorf("cost ledger has %d entries, want 7 (2 images, 5 clips)", len(ledger))
	}
}

// startServeProc runs the built binary's `serve` on dir with only env and
// returns the process and its base URL.
func startServeProc(t *testing.T, bin, dir string, env map[string]string) (*proc, string) {
	t.Helper()
	var kv []string
	for k, v := range env {
		kv = append(kv, k+"="+v)
	}
	p := startProc(t, bin, "serve", kv, "serve", "--addr", "127.0.0.1:0", "--data-dir", dir)
	p.waitLog(t, "shoot is serving")
	return p, servedURL.FindStringSubmatch(p.out.String())[1]
}

// sessionStage is the session's pipeline stage ("" while the server cannot
// answer).
func sessionStage(base, sid string) string {
	resp, err := http.Get(base + "/api/sessions/" + sid)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var m struct {
		Session struct {
			PipelineStage string `json:"pipeline_stage"`
		} `json:"session"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return m.Session.PipelineStage
}

// recordedTasks counts the submissions whose task the studio in dir has
// stored.
func recordedTasks(t *testing.T, dir string, subs []providertest.Submission) int {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(dir, "shoot.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	n := 0
	for _, sub := range subs {
		if _, err := db.GetProviderTask(t.Context(), fmt.Sprint(sub.Input["external_task_id"])); err == nil {
			n++
		}
	}
	return n
}
