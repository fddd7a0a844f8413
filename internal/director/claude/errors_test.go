package claude

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/director/claude/claudetest"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// TestTransientErrorsRetried: 529, 429 with retry-after, an overload sent
// inside the stream and a dropped stream are all retried, and only the
// successful message is stored and announced.
func TestTransientErrorsRetried(t *testing.T) {
	t.Parallel()
	hero := claudetest.Reply(claudetest.Text("Here is the plan for a crisp studio hero, shot straight on."),
		claudetest.ToolUse("generate_hero", map[string]any{"aspectRatio": "4:5", "extra": "crisp collar"}))
	cases := map[string]claudetest.Response{
		"529 overloaded":      claudetest.Overloaded(),
		"429 retry-after":     claudetest.RateLimited("30"), // capped by MaxDelay, so the test does not wait
		"error event":         claudetest.StreamError(4, "overloaded_error", hero),
		"cut mid tool input":  claudetest.Cut(12, hero),
		"cut after text only": claudetest.Cut(5, hero),
	}
	for name, failure := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.api.Script(failure, hero, claudetest.Reply(claudetest.Text("Shooting.")))
			act, out := e.mustTurn(e.director(), start("white shirt"))
			if act.Names() != "GenerateHero" {
				t.Errorf("calls %q: the retried message must run its tool once", act.Names())
			}
			if n := len(e.api.Requests()); n != 3 {
				t.Errorf("%d requests, want 3 (failure, retry, follow-up)", n)
			}
			if msgs := out.messages(t); len(msgs) != 2 || !strings.HasPrefix(msgs[0], "Here is the plan") {
				t.Errorf("messages %q", msgs)
			}
			stored := e.stored()
			if len(stored) != 4 {
				t.Fatalf("stored %d messages, want 4", len(stored))
			}
			if strings.Count(string(stored[1].Content), "tool_use") != 1 {
				t.Errorf("assistant message %s", stored[1].Content)
			}
			e.checkAccepted()
		})
	}
}

// TestOverloadedTooLong gives up after the configured attempts with a
// transient error the engine may retry, storing nothing.
func TestOverloadedTooLong(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.api.Script(claudetest.Overloaded(), claudetest.Overloaded(), claudetest.Overloaded())
	_, _, err := e.turn(e.director(), start("a trench coat"))
	if shoot.ErrorCode(err) != shoot.EUNAVAILABLE || shoot.IsPermanent(err) {
		t.Fatalf("err = %v, want a transient EUNAVAILABLE", err)
	}
	if n := len(e.api.Requests()); n != 3 {
		t.Errorf("%d requests, want 3 attempts", n)
	}
	if n := len(e.stored()); n != 0 {
		t.Errorf("a failed turn stored %d messages", n)
	}
}

// TestInvalidToolInputCorrected: a call that breaks the schema never
// reaches the engine; the model gets an is_error result naming the field
// and its corrected call goes through.
func TestInvalidToolInputCorrected(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.api.Script(
		claudetest.Reply(claudetest.ToolUse("generate_hero", map[string]any{"aspectRatio": "7:3"})),
		claudetest.Reply(claudetest.ToolUse("generate_hero", map[string]any{"aspectRatio": "21:9"})),
		claudetest.Reply(claudetest.Text("Going wide at 21:9.")),
	)
	act, out := e.mustTurn(e.director(), start("panoramic beach look"))
	if act.Names() != "GenerateHero" || act.Calls[0].Arg.(pipeline.HeroParams).AspectRatio != "21:9" {
		t.Fatalf("calls %+v", act.Calls)
	}
	reqs := e.api.Requests()
	bad := reqs[1].Last().Blocks("tool_result")
	if len(bad) != 1 || !bad[0].IsError || !strings.Contains(bad[0].Content, `aspectRatio is "7:3"`) || !strings.Contains(bad[0].Content, "21:9") {
		t.Fatalf("error result %+v", bad)
	}
	good := reqs[2].Last().Blocks("tool_result")
	if len(good) != 1 || good[0].IsError {
		t.Errorf("corrected result %+v", good)
	}
	tools := out.tools()
	if len(tools) != 4 || !tools[1].IsError || tools[3].IsError {
		t.Errorf("tool events %+v", tools)
	}
	e.checkAccepted()
}

// TestRefusedAndFailedActions: the engine refusing a call (ECONFLICT) goes
// back to the model; an unexpected failure is answered, skips the rest,
// and is returned.
func TestRefusedAndFailedActions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.api.Script(
		claudetest.Reply(claudetest.ToolUse("approve", nil)),
		claudetest.Reply(claudetest.Text("Nothing to approve yet.")),
	)
	act := &fakeActions{Fail: map[string]error{"Approve": shoot.Errorf(shoot.ECONFLICT, "there is no checkpoint to approve yet")}}
	if err := e.director().Turn(t.Context(), pipeline.TurnInput{Kind: pipeline.TurnReply, Session: e.sess, Text: "go"}, act, &fakeEmitter{}); err != nil {
		t.Fatal(err)
	}
	if res := e.lastRequest().Last().Blocks("tool_result"); len(res) != 1 || !res[0].IsError || !strings.Contains(res[0].Content, "no checkpoint") {
		t.Errorf("refusal result %+v", res)
	}

	e.api.Script(claudetest.Reply(claudetest.ToolUse("generate_hero", nil), claudetest.ToolUse("set_options", map[string]any{"loop": true})))
	act = &fakeActions{Fail: map[string]error{"GenerateHero": shoot.Errorf(shoot.EUNAVAILABLE, "queue is down")}}
	err := e.director().Turn(t.Context(), pipeline.TurnInput{Kind: pipeline.TurnReply, Session: e.sess, Text: "redo"}, act, &fakeEmitter{})
	if shoot.ErrorCode(err) != shoot.EUNAVAILABLE {
		t.Fatalf("err = %v", err)
	}
	if act.Names() != "GenerateHero" {
		t.Errorf("calls after a failure: %q", act.Names())
	}
	msgs := e.stored()
	var results []map[string]any
	if err := json.Unmarshal(msgs[len(msgs)-1].Content, &results); err != nil || len(results) != 2 {
		t.Fatalf("stored results %s", msgs[len(msgs)-1].Content)
	}
}

// TestRetriedTurnResumes: the engine retrying a turn that failed after its
// tools ran does not send the opening twice or run the tools again.
func TestRetriedTurnResumes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	in := start("velvet evening gown")
	e.api.Script(claudetest.Reply(claudetest.ToolUse("generate_hero", nil)),
		claudetest.Overloaded(), claudetest.Overloaded(), claudetest.Overloaded())
	act1, _, err := e.turn(e.director(), in)
	if shoot.ErrorCode(err) != shoot.EUNAVAILABLE || act1.Names() != "GenerateHero" {
		t.Fatalf("first try: %v, calls %q", err, act1.Names())
	}
	e.api.Script(claudetest.Reply(claudetest.Text("The hero is under way.")))
	act2, _ := e.mustTurn(e.director(), in)
	if act2.Names() != "" {
		t.Errorf("the retry ran tools again: %q", act2.Names())
	}
	last := e.lastRequest()
	if len(last.Messages) != 3 || len(last.Last().Content) != 1 || len(last.Last().Blocks("tool_result")) != 1 {
		t.Errorf("the retry must continue after the tool result, not repeat the opening: %+v", last.Last().Content)
	}
	if n := len(e.stored()); n != 4 {
		t.Errorf("stored %d messages, want 4 (opening, call, result, answer)", n)
	}
	e.checkAccepted()

	// A finished turn is not resumed: the same words again are a new message.
	e.api.Script(claudetest.Reply(claudetest.Text("Still under way.")))
	e.mustTurn(e.director(), in)
	if n := len(e.lastRequest().Messages); n != 5 {
		t.Errorf("repeat after a finished turn sent %d messages, want 5", n)
	}
}

// TestMaxTurns stops a session at its budget of model calls.
func TestMaxTurns(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.opts.MaxTurns = 3
	e.api.Handle(func(claudetest.Request) claudetest.Response {
		return claudetest.Reply(claudetest.ToolUse("set_options", map[string]any{"loop": true}))
	})
	_, _, err := e.turn(e.director(), start("endless loop"))
	if shoot.ErrorCode(err) != shoot.ELIMIT || !shoot.IsPermanent(err) {
		t.Fatalf("err = %v, want ELIMIT", err)
	}
	if n := len(e.api.Requests()); n != 3 {
		t.Errorf("%d model calls, want 3", n)
	}
	_, _, err = e.turn(e.director(), replyAt(shoot.StageHero, "again"))
	if shoot.ErrorCode(err) != shoot.ELIMIT || len(e.api.Requests()) != 3 {
		t.Errorf("a session at its limit called the model again: %v", err)
	}
}

// TestUsageRecorded prices each response's tokens, cache included, under
// its message id.
func TestUsageRecorded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.opts.Prices = Prices{Input: 2, Output: 10, CacheWrite: 2.5, CacheRead: 0.1}
	r := claudetest.Reply(claudetest.Text("Hello."))
	r.ID = "msg_priced"
	r.Usage = claudetest.Usage{InputTokens: 1000, OutputTokens: 200, CacheCreationInputTokens: 4000, CacheReadInputTokens: 50000}
	e.api.Script(r)
	_, out := e.mustTurn(e.director(), start("hello"))
	if len(out.Usage) != 1 {
		t.Fatalf("usage %+v", out.Usage)
	}
	u := out.Usage[0]
	want := (1000*2 + 200*10 + 4000*2.5 + 50000*0.1) / 1e6
	if u.Ref != "msg_priced" || u.In != 55000 || u.Out != 200 || math.Abs(u.USD-want) > 1e-12 || u.Model != DefaultModel {
		t.Errorf("usage %+v, want usd %g", u, want)
	}
}

// TestPermanentAPIErrors maps refusals to safe errors that never show the key.
func TestPermanentAPIErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		resp claudetest.Response
		key  string
		code string
	}{
		{"wrong key", claudetest.Reply(claudetest.Text("unused")), "sk-ant-wrong-key-123", shoot.EUNAUTHORIZED},
		{"bad request", claudetest.Error(http.StatusBadRequest, "invalid_request_error", "max_tokens too large"), claudetest.TestKey, shoot.EINVALID},
		{"unknown model", claudetest.Error(http.StatusNotFound, "not_found_error", "model: claude-x"), claudetest.TestKey, shoot.EINVALID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.opts.APIKey = c.key
			e.api.Script(c.resp)
			_, _, err := e.turn(e.director(), start("x"))
			if shoot.ErrorCode(err) != c.code || !shoot.IsPermanent(err) {
				t.Fatalf("err = %v, want %s", err, c.code)
			}
			if strings.Contains(err.Error(), c.key) || strings.Contains(shoot.ErrorMessage(err), c.key) {
				t.Errorf("the key leaked: %v", err)
			}
			if n := len(e.api.Requests()); n != 1 {
				t.Errorf("%d requests: a permanent error must not be retried", n)
			}
		})
	}
}

// TestNoImageOver5MB: a reference over the limit is skipped when the turn
// is built, and one already in the history is replaced before sending.
func TestNoImageOver5MB(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	huge := shoot.Reference{Name: "raw.jpg", ContentType: "image/jpeg", Data: make([]byte, 4<<20)} // 5.3 MB in base64
	odd := shoot.Reference{Name: "x.tiff", ContentType: "image/tiff", Data: []byte{1, 2, 3}}
	e.api.Script(claudetest.Reply(claudetest.Text("One look is enough.")))
	e.mustTurn(e.director(), start("a red dress", huge, smallJPEG(t), odd))
	if imgs := e.lastRequest().Images(); len(imgs) != 1 || imgs[0].DataLen > claudetest.MaxImageBytes {
		t.Fatalf("images sent %+v", imgs)
	}

	big := strings.Repeat("A", claudetest.MaxImageBytes+4)
	e.seed(`[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"`+big+`"}},{"type":"text","text":"old"}]`, `[{"type":"text","text":"noted"}]`)
	e.api.Script(claudetest.Reply(claudetest.Text("ok")))
	e.mustTurn(e.director(), replyAt(shoot.StageHero, "continue"))
	for _, r := range e.api.Requests() {
		for _, img := range r.Images() {
			if img.DataLen > claudetest.MaxImageBytes {
				t.Fatalf("an image of %d bytes was sent", img.DataLen)
			}
		}
	}
	if !strings.Contains(e.lastRequest().Messages[2].Text(), "over the 5 MB limit") {
		t.Error("the oversized image was not replaced by a note")
	}
	e.checkAccepted()
}

// TestEventsNarrateTheStream checks the event order of a message that talks,
// then calls a tool: response hint, deltas, thinking hint, the whole text,
// then the tool's call and result.
func TestEventsNarrateTheStream(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	text := "A sharp navy suit calls for the studio-black backdrop and an editorial stance."
	e.api.Script(
		claudetest.Reply(claudetest.Text(text), claudetest.Text("Shooting now."),
			claudetest.ToolUse("generate_hero", map[string]any{"pose": "editorial-drama", "background": "studio-black"})),
		claudetest.Reply(claudetest.Text("Done soon.")),
	)
	_, out := e.mustTurn(e.director(), start("navy suit"))
	var kinds []string
	for _, ev := range out.Events {
		if len(kinds) == 0 || kinds[len(kinds)-1] != ev.Kind || ev.Kind != "delta" {
			kinds = append(kinds, ev.Kind)
		}
	}
	want := "hint delta hint message tool_call tool_result hint delta message"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("events\n got %s\nwant %s", got, want)
	}
	msgs := out.messages(t)
	if len(msgs) != 2 || msgs[0] != text+"\n\nShooting now." {
		t.Errorf("messages %q", msgs)
	}
	if out.Events[0].Text != "response" {
		t.Errorf("first hint %q", out.Events[0].Text)
	}
	var deltas int
	for _, ev := range out.Events {
		if ev.Kind == "delta" {
			deltas++
		}
	}
	if deltas < 5 {
		t.Errorf("only %d deltas: the text should stream in pieces", deltas)
	}
	tc := out.tools()[0]
	if tc.Name != "generate_hero" || !jsonEqual(t, tc.Input, json.RawMessage(`{"pose":"editorial-drama","background":"studio-black"}`)) {
		t.Errorf("tool call event %+v (%s)", tc, tc.Input)
	}
}

// TestNewChecksOptions refuses a director it could not run.
func TestNewChecksOptions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for name, o := range map[string]Options{
		"no key":   {Store: e.store},
		"no store": {APIKey: "k"},
		"bad url":  {APIKey: "k", Store: e.store, BaseURL: "ftp://example"},
	} {
		if _, err := New(o); shoot.ErrorCode(err) != shoot.EINVALID {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	d := e.director()
	if d.Name() != "claude" || d.Model() != DefaultModel {
		t.Errorf("name %q model %q", d.Name(), d.Model())
	}
	if _, _, err := e.turn(d, pipeline.TurnInput{Kind: "dance"}); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("unknown kind: %v", err)
	}
	if _, _, err := e.turn(d, pipeline.TurnInput{Kind: pipeline.TurnResult}); shoot.ErrorCode(err) != shoot.EINVALID {
		t.Errorf("result without result: %v", err)
	}
}

// TestTruncatedToolCallNotRun: a reply cut off at max_tokens has its tool
// calls answered with an error, never run with half an input.
func TestTruncatedToolCallNotRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cut := claudetest.Reply(claudetest.ToolUse("generate_hero", map[string]any{}))
	cut.StopReason = "max_tokens"
	e.api.Script(cut, claudetest.Reply(claudetest.Text("Let me try that again shorter.")))
	act, _ := e.mustTurn(e.director(), start("a long brief"))
	if act.Names() != "" {
		t.Errorf("a truncated call ran: %q", act.Names())
	}
	if res := e.lastRequest().Last().Blocks("tool_result"); len(res) != 1 || !res[0].IsError || !strings.Contains(res[0].Content, "max_tokens") {
		t.Errorf("result %+v", res)
	}
}
