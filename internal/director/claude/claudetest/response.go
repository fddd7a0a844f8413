package claudetest

import (
	"encoding/json"
	"net/http"
)

// Block is one content block: of a scripted reply (text, tool_use or
// thinking), or of a recorded request (also tool_result and image).
type Block struct {
	Type string `json:"type"`
	// Text is the text of a text block.
	Text string `json:"text,omitempty"`
	// ID and Name identify a tool_use block; Input is its JSON input. A
	// scripted tool_use without an ID gets "toolu_fake_<n>".
	ID    string          `json:"id,omitempty"`
	Name  string          `json:"name,omitempty"`
	Input json.RawMessage `json:"input,omitempty"`
	// Thinking and Signature make a thinking block.
	Thinking  string `json:"thinking,omitempty"`
	Signature string `json:"signature,omitempty"`

	// Request-only fields, filled when a request is recorded.

	// ToolUseID, IsError and Content describe a tool_result block; Content is
	// its text (the text blocks joined, or the string content).
	ToolUseID string `json:"-"`
	IsError   bool   `json:"-"`
	Content   string `json:"-"`
	// MediaType and DataLen describe an image block: DataLen is the length
	// of its base64 data, the size the API limits to 5 MB.
	MediaType string `json:"-"`
	DataLen   int    `json:"-"`
	// Raw is the block exactly as the client sent it.
	Raw json.RawMessage `json:"-"`
}

// Text returns a text block.
func Text(s string) Block { return Block{Type: "text", Text: s} }

// ToolUse returns a tool_use block calling name with input, which is
// marshalled to JSON (nil means no input: {}) (a json.RawMessage or []byte is used as it is, so a
// test can send input that breaks the tool's schema).
func ToolUse(name string, input any) Block {
	var raw json.RawMessage
	switch v := input.(type) {
	case nil:
		raw = json.RawMessage(`{}`) // the API sends an empty object, never null
	case json.RawMessage:
		raw = v
	case []byte:
		raw = v
	case string:
		raw = json.RawMessage(v)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			panic("claudetest: tool input does not marshal: " + err.Error())
		}
		raw = b
	}
	return Block{Type: "tool_use", Name: name, Input: raw}
}

// Thinking returns a thinking block with no visible text, the way current
// models return it by default: only a signature the client must send back.
func Thinking(signature string) Block {
	return Block{Type: "thinking", Signature: signature}
}

// Usage is the token count of a scripted reply. Zero InputTokens are
// replaced by a count derived from the request size, zero OutputTokens by
// one derived from the reply.
type Usage struct {
	InputTokens              int64 `json:"input_tokens"`
	OutputTokens             int64 `json:"output_tokens"`
	CacheCreationInputTokens int64 `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int64 `json:"cache_read_input_tokens"`
}

// Response is one scripted answer of the fake: a message, an HTTP error, or
// a stream that fails part of the way through.
type Response struct {
	// ID is the message id; "" gives "msg_fake_<n>".
	ID     string
	Blocks []Block
	// StopReason defaults to "tool_use" when a tool_use block is present,
	// else "end_turn".
	StopReason string
	Usage      Usage

	// Status, when non-zero, answers with that HTTP status and an error body
	// of ErrorType and ErrorMessage instead of a message.
	Status       int
	ErrorType    string
	ErrorMessage string
	// RetryAfter, when set, is sent as the retry-after header of an error.
	RetryAfter string

	// CutAfter > 0 drops the connection after that many SSE events, the
	// way a network failure ends a stream part of the way through.
	CutAfter int
	// StreamErrorAfter > 0 sends an SSE error event of StreamErrorType
	// after that many events and ends the stream, as the API does when it
	// is overloaded mid-message.
	StreamErrorAfter int
	StreamErrorType  string
}

// Reply returns a message made of blocks.
func Reply(blocks ...Block) Response { return Response{Blocks: blocks} }

// Error returns an HTTP error answer with the API's error body.
func Error(status int, errorType, message string) Response {
	return Response{Status: status, ErrorType: errorType, ErrorMessage: message}
}

// Overloaded returns the API's 529 overloaded_error.
func Overloaded() Response { return Error(529, "overloaded_error", "Overloaded") }

// RateLimited returns a 429 rate_limit_error asking the client to wait
// retryAfter seconds.
func RateLimited(retryAfter string) Response {
	r := Error(http.StatusTooManyRequests, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit")
	r.RetryAfter = retryAfter
	return r
}

// Unauthorized returns the API's 401 authentication_error.
func Unauthorized() Response {
	return Error(http.StatusUnauthorized, "authentication_error", "invalid x-api-key")
}

// Cut returns r streamed only up to after events, then the connection drops.
func Cut(after int, r Response) Response {
	r.CutAfter = after
	return r
}

// StreamError returns r streamed up to after events, then an SSE error
// event of errorType (e.g. "overloaded_error").
func StreamError(after int, errorType string, r Response) Response {
	r.StreamErrorAfter, r.StreamErrorType = after, errorType
	return r
}

// stopReason is the reply's stop_reason.
func (r Response) stopReason() string {
	if r.StopReason != "" {
		return r.StopReason
	}
	for _, b := range r.Blocks {
		if b.Type == "tool_use" {
			return "tool_use"
		}
	}
	return "end_turn"
}

// errorBody is the API's JSON error envelope.
func errorBody(errorType, message, requestID string) []byte {
	b, _ := json.Marshal(map[string]any{
		"type":       "error",
		"error":      map[string]string{"type": errorType, "message": message},
		"request_id": requestID,
	})
	return b
}
