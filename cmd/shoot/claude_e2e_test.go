package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	_ "image/jpeg" // the model's references are JPEGs
	"image/png"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/director/claude/claudetest"
	"github.com/fashionshoot/shoot/internal/qa"
)

// These tests run `shoot serve` with SHOOT_DIRECTOR=claude against
// claudetest, a local fake of the Anthropic Messages API, through the
// official SDK inside the product. Images and clips come from the offline
// studio provider; the director's conversation is what is under test.

// claudeEnv points the Claude director at the fake.
func claudeEnv(api *claudetest.Server) map[string]string {
	return map[string]string{"SHOOT_DIRECTOR": "claude", "ANTHROPIC_API_KEY": claudetest.TestKey,
		"ANTHROPIC_BASE_URL": api.URL}
}

// Texts the fake model says, so tests can find them in requests.
const (
	modelOpening  = "A pale linen suit against warm concrete; I will start with the hero."
	modelStarted  = "It is under way; I will show you when it is ready."
	modelApproved = "Good, on to the next step."
)

// creativeDirector is the fake model: it calls generate_hero for a new
// shoot, approve when the user replies, corrects a refused generate_hero,
// acknowledges tool results, and comments on every finished stage.
// isCheck reports whether a request is a picture check (forced to the
// qa_verdict tool) rather than a director turn.
func isCheck(r claudetest.Request) bool {
	return r.ToolChoice == "tool" && len(r.Tools) == 1 && r.Tools[0] == qa.VerdictTool
}

func creativeDirector(r claudetest.Request) claudetest.Response {
	if isCheck(r) {
		return claudetest.Reply(claudetest.ToolUse(qa.VerdictTool, map[string]any{"items": []map[string]any{
			{"item": "garment", "status": "kept", "reason": "same suit"}}}))
	}
	last := r.Last()
	if results := last.Blocks("tool_result"); len(results) > 0 {
		if results[0].IsError {
			return claudetest.Reply(claudetest.Text("Let me fix that call."),
				claudetest.ToolUse("generate_hero", map[string]any{"extra": "soft window light"}))
		}
		return claudetest.Reply(claudetest.Text(modelStarted))
	}
	text := last.Text()
	switch {
	case strings.Contains(text, "[New shoot]"):
		return claudetest.Reply(claudetest.Text(modelOpening),
			claudetest.ToolUse("generate_hero", map[string]any{"extra": "soft window light"}))
	case strings.Contains(text, "[User reply"):
		return claudetest.Reply(claudetest.Text(modelApproved), claudetest.ToolUse("approve", nil))
	}
	return claudetest.Reply(claudetest.Text("That stage looks right to me. Shall we go on?"))
}

// startStudioIn is startStudio on a given data directory, so a test can
// stop a studio and start another on the same data.
func startStudioIn(t *testing.T, dir string, env map[string]string) *liveStudio {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &liveStudio{t: t, Dir: dir, stop: cancel, exited: make(chan int, 1), Log: &serveOutput{}}
	argv := []string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dir}
	go func() { s.exited <- run(ctx, argv, testGetenv(env), io.Discard, s.Log) }()
	s.Base = waitForURL(t, s.Log, s.exited)
	t.Cleanup(s.Stop)
	return s
}

// stopNow stops the studio before the test ends, gracefully as SIGINT
// would; the cleanup's Stop then returns at once.
func (s *liveStudio) stopNow() {
	s.Stop()
	s.exited <- 0
}

// noisyPNG is a w×h picture of random colours: PNG cannot compress it, so
// it is about 3·w·h bytes, the kind of upload that must never reach the
// model as it is.
func noisyPNG(w, h int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		v := rng.Uint32()
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(v), uint8(v>>8), uint8(v>>16), 255
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.NoCompression}
	_ = enc.Encode(&b, img)
	return b.Bytes()
}

// exchanges runs a shoot to its film: generate-stream, then "continue" at
// each checkpoint. It returns every exchange's events.
func (s *liveStudio) exchanges(refs []string) (string, [][]sseEvent) {
	s.t.Helper()
	evs := s.postStream("/api/generate-stream", map[string]any{"prompt": "linen suit, warm concrete, late sun",
		"inputImages": refs, "options": map[string]any{"resolution": "1K", "clipDuration": 0.5, "fps": 24}})
	sid := evs[0].Data["sessionId"].(string)
	all := [][]sseEvent{evs}
	for len(all) < 8 && lastOf(s.t, evs).Type() == "complete" && lastOf(s.t, evs).Data["stage"] != "complete" {
		evs = s.postStream("/api/sessions/"+sid+"/continue-stream", map[string]any{"prompt": "continue"})
		all = append(all, evs)
	}
	return sid, all
}

// systemEvents returns the system events of a subtype ("tool_call",
// "tool_result") as their data objects.
func systemEvents(evs []sseEvent, subtype string) []map[string]any {
	var out []map[string]any
	for _, e := range evs {
		if e.Type() == "system" && e.Data["subtype"] == subtype {
			data, _ := e.Data["data"].(map[string]any)
			out = append(out, data)
		}
	}
	return out
}

func countType(evs []sseEvent, typ string) int {
	n := 0
	for _, e := range evs {
		if e.Type() == typ {
			n++
		}
	}
	return n
}

// TestClaudeDirectorShoot makes a whole film with the Claude director: the
// fake model calls generate_hero, then approve at every checkpoint. The
// streams carry its words and tool calls, complete events carry the
// session's turns and cost, and the model only ever sees small JPEG copies
// of the references, even of a 9 MB upload.
func TestClaudeDirectorShoot(t *testing.T) {
	t.Parallel()
	api := claudetest.Start(t)
	api.Handle(creativeDirector)
	s := startStudio(t, claudeEnv(api))
	health := s.getJSON("/api/health")
	if d := health["providers"].(map[string]any)["director"]; d != "claude" {
		t.Fatalf("health shows director %v, want claude", d)
	}
	big := noisyPNG(1800, 1760)
	if len(big) < 9_000_000 {
		t.Fatalf("the large reference is only %d bytes", len(big))
	}
	sid, all := s.exchanges(s.upload(big, refPNG(1)))

	var stages []string
	var evs []sseEvent
	for i, ex := range all {
		end := lastOf(t, ex)
		if end.Type() != "complete" {
			t.Fatalf("exchange %d ended with %v", i, end.Data)
		}
		stats, _ := end.Data["sessionStats"].(map[string]any)
		if stats == nil || stats["totalTurns"].(float64) < 1 || stats["totalCostUsd"].(float64) <= 0 {
			t.Errorf("exchange %d: complete without session stats: %v", i, end.Data)
		}
		for _, e := range ex {
			if e.Type() == "checkpoint" {
				stages = append(stages, e.Data["stage"].(string))
			}
		}
		evs = append(evs, ex...)
	}
	if got := strings.Join(stages, ","); got != "hero,contact-sheet,frames,clips,complete" {
		t.Fatalf("checkpoints = %s", got)
	}
	checkNarration(t, evs)

	// One director turn per request that opened with a new message rather
	// than tool results: the count in sessionStats must match the model's.
	turns := 0
	for _, r := range api.Requests() {
		if len(r.Last().Blocks("tool_result")) == 0 && !isCheck(r) {
			turns++
		}
	}
	stats := lastOf(t, all[len(all)-1]).Data["sessionStats"].(map[string]any)
	if got := int(stats["totalTurns"].(float64)); got != turns {
		t.Errorf("sessionStats.totalTurns = %d, the model was asked for %d turns", got, turns)
	}
	var ledger float64
	for _, c := range s.costs(sid) {
		if c.Provider == "anthropic" && c.Unit == "token" {
			ledger += c.USD
		}
	}
	if total := stats["totalCostUsd"].(float64); ledger <= 0 || !sameUSD(total, ledger) {
		t.Errorf("sessionStats.totalCostUsd = %.6f, the ledger's Claude turns cost %.6f", total, ledger)
	}
	// The director's turns; the picture checks show the new pictures too.
	var turnReqs []claudetest.Request
	for _, r := range api.Requests() {
		if !isCheck(r) {
			turnReqs = append(turnReqs, r)
		}
	}
	checkModelImages(t, turnReqs, 2)
}

// checkNarration checks that the model's words and tool use reached the
// stream: text deltas, whole messages, and tool calls with their results.
func checkNarration(t *testing.T, evs []sseEvent) {
	t.Helper()
	var deltas strings.Builder
	for _, e := range evs {
		if e.Type() == "text_delta" {
			deltas.WriteString(e.Data["text"].(string))
		}
	}
	if !strings.Contains(deltas.String(), modelOpening) {
		t.Errorf("the text deltas do not spell out the model's words: %q", deltas.String())
	}
	messages := 0
	for _, e := range evs {
		if e.Type() == "assistant_message" && strings.TrimSpace(e.Data["content"].(string)) != "" {
			messages++
		}
	}
	if messages == 0 {
		t.Error("no assistant_message events")
	}
	calls := map[string]int{}
	for _, c := range systemEvents(evs, "tool_call") {
		calls[c["tool_name"].(string)]++
	}
	if calls["generate_hero"] != 1 || calls["approve"] != 4 {
		t.Errorf("tool calls on the stream = %v, want generate_hero once and approve 4 times", calls)
	}
	results := systemEvents(evs, "tool_result")
	if len(results) != 5 {
		t.Errorf("%d tool results on the stream, want 5", len(results))
	}
	for _, r := range results {
		if r["is_error"] == true {
			t.Errorf("tool %v failed: %v", r["tool_name"], r["summary"])
		}
	}
}

// checkModelImages checks every image the model was sent: under the API's
// 5 MB, a JPEG, at most 1568 px a side, and sent only once (want images in
// all), in the conversation's first message.
func checkModelImages(t *testing.T, reqs []claudetest.Request, want int) {
	t.Helper()
	seen := 0
	for _, r := range reqs {
		for _, b := range r.Images() {
			if b.DataLen > claudetest.MaxImageBytes {
				t.Fatalf("an image of %d bytes (base64) was sent to the model", b.DataLen)
			}
			seen++
		}
	}
	if len(reqs) == 0 || len(reqs[0].Images()) != want {
		t.Fatalf("the first request carried %d images, want %d", len(reqs[0].Images()), want)
	}
	for _, b := range reqs[0].Images() {
		var block struct {
			Source struct {
				Data string `json:"data"`
			} `json:"source"`
		}
		_ = json.Unmarshal(b.Raw, &block)
		data, err := base64.StdEncoding.DecodeString(block.Source.Data)
		if err != nil {
			t.Fatal(err)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil || b.MediaType != "image/jpeg" || format != "jpeg" || max(cfg.Width, cfg.Height) > 1568 {
			t.Errorf("model image: %s/%s %dx%d (%v), want a JPEG at most 1568 px a side", b.MediaType, format, cfg.Width, cfg.Height, err)
		}
	}
	// Later requests resend the stored conversation, images included, but
	// never add new copies.
	if seen != want*len(reqs) {
		t.Errorf("%d images over %d requests; every request should carry the same %d", seen, len(reqs), want)
	}
}

// heroExchange starts a shoot and returns its session id and the events up
// to the hero checkpoint.
func (s *liveStudio) heroExchange() (string, []sseEvent) {
	s.t.Helper()
	evs := s.postStream("/api/generate-stream", map[string]any{"prompt": "linen suit, warm concrete, late sun",
		"inputImages": s.upload(refPNG(5)), "options": map[string]any{"resolution": "1K"}})
	end := lastOf(s.t, evs)
	if end.Type() != "complete" || end.Data["stage"] != "hero" {
		s.t.Fatalf("the first exchange ended with %v, want the hero checkpoint", end.Data)
	}
	return evs[0].Data["sessionId"].(string), evs
}

// TestClaudeDirectorRestart stops the server in the middle of a session
// (at the hero checkpoint), starts a new one on the same data, and
// continues: the next request to the model carries the whole earlier
// conversation — the same system prompt, every earlier message unchanged,
// the model's last reply — and then the user's new message, with no
// summary or reconstruction in between.
func TestClaudeDirectorRestart(t *testing.T) {
	t.Parallel()
	api := claudetest.Start(t)
	api.Handle(creativeDirector)
	dir := t.TempDir()
	first := startStudioIn(t, dir, claudeEnv(api))
	sid, _ := first.heroExchange()
	before := api.Requests()
	first.stopNow()

	second := startStudioIn(t, dir, claudeEnv(api))
	evs := second.postStream("/api/sessions/"+sid+"/continue-stream", map[string]any{"prompt": "continue"})
	if end := lastOf(t, evs); end.Type() != "complete" || end.Data["stage"] != "contact-sheet" {
		t.Fatalf("after the restart the exchange ended with %v, want the contact-sheet checkpoint", end.Data)
	}
	after := api.Requests()[len(before)]
	last := before[len(before)-1]
	if after.System != last.System || !reflect.DeepEqual(after.Tools, last.Tools) {
		t.Error("the system prompt or tools changed across the restart")
	}
	n := len(last.Messages)
	if len(after.Messages) != n+2 {
		t.Fatalf("the request after the restart has %d messages, want the %d before it plus the model's reply and the user's", len(after.Messages), n)
	}
	for i, m := range last.Messages {
		if !sameMessage(m, after.Messages[i]) {
			t.Fatalf("message %d changed across the restart:\nbefore %s\nafter  %s", i, rawBlocks(m), rawBlocks(after.Messages[i]))
		}
	}
	if reply := after.Messages[n]; reply.Role != "assistant" || !strings.Contains(reply.Text(), "Shall we go on?") {
		t.Errorf("message %d is %s %q, want the model's comment on the hero", n, reply.Role, reply.Text())
	}
	if next := after.Messages[n+1]; next.Role != "user" || !strings.Contains(next.Text(), "User: continue") {
		t.Errorf("the last message is %s %q, want the user's reply", next.Role, next.Text())
	}
	if first := after.Messages[0].Text(); !strings.Contains(first, "linen suit, warm concrete") || len(after.Messages[0].Blocks("image")) != 1 {
		t.Errorf("the conversation no longer opens with the brief and the reference: %q", first)
	}
}

// sameMessage compares two recorded messages block by block, as JSON
// values (cache markers aside: where the cache breakpoint sits may move).
func sameMessage(a, b claudetest.Message) bool {
	if a.Role != b.Role || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !reflect.DeepEqual(blockValue(a.Content[i].Raw), blockValue(b.Content[i].Raw)) {
			return false
		}
	}
	return true
}

func blockValue(raw json.RawMessage) map[string]any {
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	delete(m, "cache_control")
	return m
}

func rawBlocks(m claudetest.Message) string {
	var parts []string
	for _, b := range m.Content {
		s := string(b.Raw)
		if len(s) > 200 {
			s = s[:200] + "…"
		}
		parts = append(parts, s)
	}
	return m.Role + ": " + strings.Join(parts, " | ")
}

// TestClaudeDirectorRetriesOverload: the API answers 529 overloaded, then
// drops a stream part of the way through a message, then works. The turn
// is retried with the same conversation (the partial message is not kept)
// and the shoot goes on without an error.
func TestClaudeDirectorRetriesOverload(t *testing.T) {
	t.Parallel()
	api := claudetest.Start(t)
	api.Script(claudetest.Overloaded(),
		claudetest.Cut(4, claudetest.Reply(claudetest.Text("A pale linen suit against warm concrete, and"))))
	api.Handle(creativeDirector)
	s := startStudio(t, claudeEnv(api))
	_, evs := s.heroExchange()
	if n := countType(evs, "error"); n != 0 {
		t.Errorf("%d error events; overload and a cut stream should be retried quietly", n)
	}
	reqs := api.Requests()
	if len(reqs) < 3 {
		t.Fatalf("%d requests, want the 529, the cut stream and the retry that worked", len(reqs))
	}
	for i := 1; i < 3; i++ {
		if len(reqs[i].Messages) != len(reqs[0].Messages) || !sameMessage(reqs[i].Last(), reqs[0].Last()) {
			t.Errorf("retry %d sent a different conversation", i)
		}
	}
	if calls := systemEvents(evs, "tool_call"); len(calls) != 1 || calls[0]["tool_name"] != "generate_hero" {
		t.Errorf("tool calls %v, want generate_hero once", calls)
	}
}

// TestClaudeDirectorCorrectsToolInput: the model calls generate_hero with
// a resolution the tool does not offer. The call is refused before it
// reaches the engine, the model gets the reason as an is_error tool
// result, corrects the call on its next turn, and the hero is made once.
func TestClaudeDirectorCorrectsToolInput(t *testing.T) {
	t.Parallel()
	api := claudetest.Start(t)
	api.Script(claudetest.Reply(claudetest.Text(modelOpening),
		claudetest.ToolUse("generate_hero", map[string]any{"resolution": "8K"})))
	api.Handle(creativeDirector)
	s := startStudio(t, claudeEnv(api))
	_, evs := s.heroExchange()

	results := systemEvents(evs, "tool_result")
	if len(results) != 2 || results[0]["is_error"] != true || results[1]["is_error"] != false {
		t.Fatalf("tool results on the stream = %v, want a refusal then a success", results)
	}
	reqs := api.Requests()
	refusal := reqs[1].Last().Blocks("tool_result")
	if len(refusal) != 1 || !refusal[0].IsError || !strings.Contains(refusal[0].Content, "resolution") {
		t.Fatalf("the model was told %+v, want an is_error result naming the resolution", refusal)
	}
	heroes := 0
	for _, e := range evs {
		if e.Type() == "status" && e.Data["stage"] == "hero" {
			heroes++
		}
	}
	if heroes != 1 {
		t.Errorf("the hero stage started %d times, want once", heroes)
	}
}
