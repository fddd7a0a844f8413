package claudetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
)

func client(s *Server, key string) anthropic.Client {
	return anthropic.NewClient(option.WithoutEnvironmentDefaults(), option.WithAPIKey(key),
		option.WithBaseURL(s.URL), option.WithMaxRetries(0))
}

func params(msgs ...anthropic.MessageParam) anthropic.MessageNewParams {
	if len(msgs) == 0 {
		msgs = []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("hi"))}
	}
	tool := anthropic.ToolParam{Name: "generate_hero", InputSchema: anthropic.ToolInputSchemaParam{Properties: map[string]any{}}}
	return anthropic.MessageNewParams{Model: "claude-test", MaxTokens: 100, Messages: msgs,
		Tools: []anthropic.ToolUnionParam{{OfTool: &tool}}}
}

// stream runs one streamed request and accumulates it the SDK's way.
func stream(t *testing.T, c anthropic.Client, p anthropic.MessageNewParams) (anthropic.Message, []string, error) {
	t.Helper()
	s := c.Messages.NewStreaming(context.Background(), p)
	defer s.Close()
	var acc anthropic.Message
	var types []string
	for s.Next() {
		ev := s.Current()
		types = append(types, ev.Type)
		if err := acc.Accumulate(ev); err != nil {
			return acc, types, err
		}
	}
	return acc, types, s.Err()
}

// TestStreamThroughSDK: a scripted reply streams as the real API does and
// the official SDK rebuilds it exactly.
func TestStreamThroughSDK(t *testing.T) {
	t.Parallel()
	s := Start(t)
	input := map[string]any{"prompt": "ünïcode — and \"quotes\"", "n": 3}
	s.Script(Response{ID: "msg_1", Blocks: []Block{Thinking("sig"), Text("Two words, then a few more words here."), ToolUse("generate_hero", input)},
		Usage: Usage{InputTokens: 11, OutputTokens: 22, CacheReadInputTokens: 33}})
	m, types, err := stream(t, client(s, TestKey), params())
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != "msg_1" || m.StopReason != "tool_use" || len(m.Content) != 3 {
		t.Fatalf("message %+v", m)
	}
	if m.Content[0].Signature != "sig" || m.Content[1].Text != "Two words, then a few more words here." {
		t.Errorf("blocks %+v", m.Content)
	}
	var got map[string]any
	if err := json.Unmarshal(m.Content[2].Input, &got); err != nil || got["prompt"] != input["prompt"] || m.Content[2].Name != "generate_hero" {
		t.Errorf("tool input %s (%v)", m.Content[2].Input, err)
	}
	if m.Usage.InputTokens != 11 || m.Usage.OutputTokens != 22 || m.Usage.CacheReadInputTokens != 33 {
		t.Errorf("usage %+v", m.Usage)
	}
	joined := strings.Join(types, " ")
	for _, want := range []string{"message_start content_block_start", "content_block_delta", "content_block_stop", "message_delta message_stop"} {
		if !strings.Contains(joined, want) {
			t.Errorf("events %s lack %q", joined, want)
		}
	}
	if n := strings.Count(joined, "content_block_delta"); n < 8 {
		t.Errorf("only %d deltas; text and tool input should arrive in pieces", n)
	}
	r := s.Requests()[0]
	if r.Model != "claude-test" || !r.Stream || r.Last().Text() != "hi" || r.Header.Get("anthropic-version") == "" {
		t.Errorf("recorded request %+v", r)
	}
}

// TestDeltaFramesSplitAcrossWrites: each delta event reaches the network
// in two writes with a flush between, cutting its JSON in half.
func TestDeltaFramesSplitAcrossWrites(t *testing.T) {
	t.Parallel()
	w := &chunkRecorder{ResponseRecorder: httptest.NewRecorder()}
	m := newMessage(Reply(ToolUse("t", map[string]string{"a": "b"})), Request{Model: "m"}, 1)
	streamMessage(w, m, Response{})
	var split int
	for _, c := range w.chunks {
		if strings.HasPrefix(c, "event: content_block_delta") {
			split++
			if strings.HasSuffix(c, "\n\n") {
				t.Errorf("delta chunk %q is a whole event", c)
			}
		}
	}
	if strings.Join(w.chunks, "") != w.Body.String() {
		t.Error("the chunks do not add up to the body")
	}
	if split == 0 {
		t.Fatalf("no delta chunk among %q", w.chunks)
	}
	if !strings.Contains(w.Body.String(), `"partial_json"`) || !strings.HasPrefix(w.Body.String(), "event: message_start\ndata: ") {
		t.Errorf("body %q", w.Body.String())
	}
}

// chunkRecorder keeps what was written between flushes.
type chunkRecorder struct {
	*httptest.ResponseRecorder
	chunks []string
	cur    bytes.Buffer
}

func (c *chunkRecorder) Write(p []byte) (int, error) {
	c.cur.Write(p)
	return c.ResponseRecorder.Write(p)
}

func (c *chunkRecorder) Flush() {
	c.chunks = append(c.chunks, c.cur.String())
	c.cur.Reset()
	c.ResponseRecorder.Flush()
}

// TestFailuresThroughSDK: HTTP errors, an error event and a dropped
// connection reach the SDK as the real ones do.
func TestFailuresThroughSDK(t *testing.T) {
	t.Parallel()
	s := Start(t)
	c := client(s, TestKey)
	long := Reply(Text("one two three four five six seven eight nine ten eleven twelve"))
	s.Script(Overloaded(), RateLimited("7"), StreamError(3, "overloaded_error", long), Cut(4, long))

	for _, want := range []struct {
		status int
		typ    string
	}{{529, "overloaded_error"}, {429, "rate_limit_error"}, {200, "overloaded_error"}} {
		_, _, err := stream(t, c, params())
		var apiErr *anthropic.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode != want.status || string(apiErr.Type()) != want.typ {
			t.Fatalf("err = %v, want %d %s", err, want.status, want.typ)
		}
		if want.status == 429 && apiErr.Response.Header.Get("retry-after") != "7" {
			t.Errorf("retry-after %q", apiErr.Response.Header.Get("retry-after"))
		}
	}
	_, types, err := stream(t, c, params())
	if err == nil || len(types) != 3 {
		t.Errorf("cut stream: %d events, err %v; want 3 events and a read error", len(types), err)
	}

	_, _, err = stream(t, client(s, "sk-wrong"), params())
	var apiErr *anthropic.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 || string(apiErr.Type()) != "authentication_error" {
		t.Errorf("wrong key: %v", err)
	}
}

// TestRejectsInvalidConversations: what the API refuses, the fake refuses,
// so a client bug shows up in tests.
func TestRejectsInvalidConversations(t *testing.T) {
	t.Parallel()
	use := anthropic.NewAssistantMessage(anthropic.NewToolUseBlock("toolu_1", map[string]any{}, "generate_hero"))
	cases := map[string][]anthropic.MessageParam{
		"without tool_result blocks": {anthropic.NewUserMessage(anthropic.NewTextBlock("a")), use, anthropic.NewUserMessage(anthropic.NewTextBlock("b"))},
		"unexpected tool_use_id":     {anthropic.NewUserMessage(anthropic.NewToolResultBlock("toolu_9", "x", false))},
		"prefill":                    {anthropic.NewUserMessage(anthropic.NewTextBlock("a")), anthropic.NewAssistantMessage(anthropic.NewTextBlock("b"))},
		"exceeds 5 MB maximum": {anthropic.NewUserMessage(anthropic.NewImageBlockBase64("image/jpeg", strings.Repeat("A", MaxImageBytes+1)),
			anthropic.NewTextBlock("look"))},
	}
	for name, msgs := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := Start(t)
			s.Script(Reply(Text("unused")))
			_, _, err := stream(t, client(s, TestKey), params(msgs...))
			var apiErr *anthropic.Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || string(apiErr.Type()) != "invalid_request_error" {
				t.Fatalf("err = %v, want 400", err)
			}
			if r := s.Requests(); len(r) != 1 || !strings.Contains(r[0].Rejection, name) || s.Pending() != 1 {
				t.Errorf("rejection not recorded or a reply was used: %+v", r)
			}
		})
	}

	s := Start(t)
	s.Script(Reply(Text("fine")))
	ok := []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("a")), use,
		anthropic.NewUserMessage(anthropic.NewToolResultBlock("toolu_1", "started", false), anthropic.NewTextBlock("and"))}
	if _, _, err := stream(t, client(s, TestKey), params(ok...)); err != nil {
		t.Errorf("a valid tool exchange was refused: %v", err)
	}
	noTools := params(ok...)
	noTools.Tools = nil
	if _, _, err := stream(t, client(s, TestKey), noTools); err == nil || !strings.Contains(err.Error(), "must define tools") {
		t.Errorf("tool blocks without tools: %v", err)
	}
}

// TestPlainHTTP covers the non-streaming answer and the raw protocol
// checks: path, version header, x-api-key.
func TestPlainHTTP(t *testing.T) {
	t.Parallel()
	s := Start(t)
	s.Handle(func(r Request) Response { return Reply(Text("echo: " + r.Last().Text())) })
	c := client(s, TestKey)
	m, err := c.Messages.New(context.Background(), params())
	if err != nil || len(m.Content) != 1 || m.Content[0].Text != "echo: hi" || m.StopReason != "end_turn" {
		t.Fatalf("message %+v, err %v", m, err)
	}

	post := func(path string, header map[string]string) int {
		req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(`{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`))
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
		return res.StatusCode
	}
	good := map[string]string{"x-api-key": TestKey, "anthropic-version": "2023-06-01"}
	if code := post("/v1/messages", good); code != 200 {
		t.Errorf("x-api-key request: %d", code)
	}
	if code := post("/v1/other", good); code != 404 {
		t.Errorf("unknown path: %d", code)
	}
	if code := post("/v1/messages", map[string]string{"x-api-key": TestKey}); code != 400 {
		t.Errorf("missing version: %d", code)
	}
	if code := post("/v1/messages", map[string]string{"x-api-key": "nope", "anthropic-version": "2023-06-01"}); code != 401 {
		t.Errorf("bad key: %d", code)
	}
}
