// Package claude is the creative director backed by Claude through the
// Anthropic Messages API: a system prompt in the studio's words, typed tools
// that start stage jobs, streamed replies turned into session events, and a
// conversation kept in the database so a session carries on with its whole
// context after a restart.
//
// The model never waits on a job. A tool call asks the engine to start a
// stage and answers "started"; when the stage finishes, the engine runs a
// result turn and its outcome reaches the model as the next user message.
package claude

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/anthropics/anthropic-sdk-go/v2/packages/param"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
	"github.com/fashionshoot/shoot/internal/telemetry"
)

// Defaults.
const (
	// DefaultModel is the current Sonnet: fast, and strong at tool use.
	DefaultModel = "claude-sonnet-5-5"
	// DefaultMaxTurns bounds the model calls of one session (SHOOT_MAX_TURNS).
	DefaultMaxTurns = 100
	// DefaultMaxTokens bounds one reply. Replies are a few sentences, but
	// current models think before answering and thinking counts here.
	DefaultMaxTokens = 8192
	// DefaultRequestTimeout bounds one model call, stream included.
	DefaultRequestTimeout = 10 * time.Minute
)

// Options configure the director.
type Options struct {
	// APIKey is the Anthropic API key (ANTHROPIC_API_KEY). Required.
	APIKey string
	// BaseURL overrides the API's address (ANTHROPIC_BASE_URL); tests point
	// it at claudetest. "" means the SDK's default.
	BaseURL string
	// Model is the model id (SHOOT_CLAUDE_MODEL); "" means DefaultModel.
	Model string
	// MaxTurns is the most model calls one session may make; 0 means
	// DefaultMaxTurns.
	MaxTurns int
	// MaxTokens bounds one reply; 0 means DefaultMaxTokens.
	MaxTokens int64
	// Effort, when set ("low", "medium", "high", …), asks the model for that
	// effort level; "" leaves the model's default. Not every model takes it.
	Effort string
	// Store keeps the conversation. Required.
	Store store.Store
	// Logger receives retries and skipped images; nil discards them.
	Logger *slog.Logger
	// HTTPClient makes the API calls; nil means a client without a global
	// timeout (each call has RequestTimeout instead, as streams are long).
	HTTPClient *http.Client
	// RequestTimeout bounds one model call; 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// Prices price the model's tokens for the cost ledger; zero means
	// PricesFor(Model) (and a warning if the model is not in that table).
	Prices Prices
	// Retry bounds retries of transient API failures.
	Retry Retry
	// Library lists the pose and background presets offered to the model;
	// nil leaves those fields free text (the engine still checks them).
	Library *prompt.Library
	// Easings are the easing names the stitcher knows (media.Names()); nil
	// leaves the field free text.
	Easings []string
}

// Director is the Claude director. It keeps no per-session state: each
// turn reads the conversation from the store.
type Director struct {
	client     anthropic.Client
	store      store.Store
	logger     *slog.Logger
	key        string
	model      string
	maxTurns   int
	maxTokens  int64
	effort     string
	timeout    time.Duration
	prices     Prices
	retry      Retry
	system     string
	tools      map[string]tool
	toolParams []anthropic.ToolUnionParam
}

// New checks the options and returns a director.
func New(o Options) (*Director, error) {
	if o.APIKey == "" {
		return nil, shoot.Errorf(shoot.EINVALID, "the Claude director needs an Anthropic API key (ANTHROPIC_API_KEY)")
	}
	if o.Store == nil {
		return nil, shoot.Errorf(shoot.EINVALID, "the Claude director needs a store")
	}
	if o.BaseURL != "" {
		if u, err := url.Parse(o.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, shoot.Errorf(shoot.EINVALID, "ANTHROPIC_BASE_URL must be an http(s) URL")
		}
	}
	d := &Director{store: o.Store, logger: o.Logger, key: o.APIKey, model: firstNonEmpty(o.Model, DefaultModel),
		maxTurns: o.MaxTurns, maxTokens: o.MaxTokens, effort: o.Effort, timeout: o.RequestTimeout,
		prices: o.Prices, retry: o.Retry.withDefaults()}
	d.fillDefaults()
	d.client = anthropic.NewClient(clientOptions(o)...)
	d.buildTools(o)
	return d, nil
}

func (d *Director) fillDefaults() {
	if d.logger == nil {
		d.logger = slog.New(slog.DiscardHandler)
	}
	if d.maxTurns <= 0 {
		d.maxTurns = DefaultMaxTurns
	}
	if d.maxTokens <= 0 {
		d.maxTokens = DefaultMaxTokens
	}
	if d.timeout <= 0 {
		d.timeout = DefaultRequestTimeout
	}
	if d.prices == (Prices{}) {
		p, ok := PricesFor(d.model)
		if !ok {
			d.logger.Warn("no list price known for the Claude model; its cost is recorded as 0", "model", d.model)
		}
		d.prices = p
	}
}

// clientOptions configures the SDK from the options alone: the
// environment is not read behind the configuration's back, and the SDK's
// own retries are off (see Retry).
func clientOptions(o Options) []option.RequestOption {
	opts := []option.RequestOption{option.WithoutEnvironmentDefaults(), option.WithAPIKey(o.APIKey), option.WithMaxRetries(0)}
	if o.BaseURL != "" {
		opts = append(opts, option.WithBaseURL(o.BaseURL))
	}
	// Every model call carries the trace (W3C traceparent) and gets a
	// client span.
	return append(opts, option.WithHTTPClient(telemetry.Client(o.HTTPClient)))
}

// buildTools prepares the tool table and its API form once: the tool list
// is part of every request's cached prefix, so it must not change.
func (d *Director) buildTools(o Options) {
	var poses, backgrounds []prompt.Preset
	var poseIDs, backgroundIDs []string
	if o.Library != nil {
		poses, backgrounds = o.Library.Poses(), o.Library.Backgrounds()
		poseIDs, backgroundIDs = ids(poses), ids(backgrounds)
	}
	d.system = systemPrompt(poses, backgrounds, o.Easings)
	d.tools = map[string]tool{}
	for _, t := range catalog(poseIDs, backgroundIDs, o.Easings) {
		d.tools[t.name] = t
		raw, _ := json.Marshal(map[string]any{"name": t.name, "description": t.description, "input_schema": t.input})
		d.toolParams = append(d.toolParams, param.Override[anthropic.ToolUnionParam](json.RawMessage(raw)))
	}
}

func ids(list []prompt.Preset) []string {
	out := make([]string, len(list))
	for i, p := range list {
		out[i] = p.ID
	}
	return out
}

// Name returns "claude".
func (d *Director) Name() string { return "claude" }

// Model returns the model id in use.
func (d *Director) Model() string { return d.model }

// Turn runs one turn: it adds the turn's message to the session's
// conversation and lets the model reply, running the tools it calls, until
// it answers with text alone. Refused tool calls go back to the model as
// errors to correct. A transient API failure returns EUNAVAILABLE (the
// engine may retry the turn, which then resumes where it stopped); a
// session over its turn budget returns ELIMIT.
func (d *Director) Turn(ctx context.Context, in pipeline.TurnInput, act pipeline.Actions, out pipeline.Emitter) error {
	if in.Session == nil {
		return shoot.Errorf(shoot.EINVALID, "director turn without a session")
	}
	c, err := d.begin(ctx, in)
	if err != nil {
		return err
	}
	held := false
	for {
		if c.assistants() >= d.maxTurns {
			return shoot.Errorf(shoot.ELIMIT, "this shoot reached its limit of %d director turns (SHOOT_MAX_TURNS)", d.maxTurns)
		}
		done, nowHeld, err := d.step(ctx, c, act, out, held)
		if done || err != nil || held {
			// After a hold the model had one call without tools to say
			// what it wanted; whatever it answered, the turn is over.
			return err
		}
		held = nowHeld
	}
}

// begin loads the conversation and queues the turn's opening message,
// unless this turn is a retry of one that stopped part-way.
func (d *Director) begin(ctx context.Context, in pipeline.TurnInput) (*conversation, error) {
	c, err := d.load(ctx, in.Session.ID)
	if err != nil {
		return nil, err
	}
	open, err := d.opening(in, !c.hasImages())
	if err != nil {
		return nil, err
	}
	resume := c.resumes(open)
	if err := c.answerInterrupted(ctx); err != nil {
		return nil, err
	}
	if resume {
		d.logger.Info("resuming an interrupted director turn", "session_id", in.Session.ID, "turn", in.Kind)
		return c, nil
	}
	c.pending = append(c.pending, entry{Role: roleUser, Content: open})
	return c, nil
}

// step makes one model call and runs the tools it asks for. done is true
// when the model answered without calling a tool; held is true when the
// engine refused a call because the user has not answered the checkpoint
// (pipeline.ErrHeld). A step after a hold offers no tools (tool_choice
// none), and runs none even if a model calls them anyway.
func (d *Director) step(ctx context.Context, c *conversation, act pipeline.Actions, out pipeline.Emitter, afterHold bool) (done, held bool, err error) {
	r, err := d.call(ctx, c.sid, c.messages(), out, afterHold)
	if err != nil {
		return false, false, err
	}
	if err := c.commit(ctx, r.content); err != nil {
		return false, false, err
	}
	if len(r.uses) == 0 {
		return true, false, nil
	}
	skip := ""
	if afterHold {
		skip = notNowHeld
	} else if r.stop == "max_tokens" {
		skip = notRunTruncated
	}
	results, held, runErr := d.runTools(ctx, r.uses, skip, act, out)
	if err := c.save(ctx, roleUser, results); err != nil {
		return false, false, err
	}
	return false, held, runErr
}
