package metrics

import (
	"context"
	"time"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// Provider operations, the "op" label.
const (
	opSubmit = "submit"
	opPoll   = "poll"
	opCancel = "cancel"
)

// observeCall records one provider call: its count by result and latency.
func (m *Metrics) observeCall(provider, kind, op string, start time.Time, err error) {
	result := "ok"
	if err != nil {
		result = shoot.ErrorCode(err)
	}
	m.calls.WithLabelValues(provider, kind, op, result).Inc()
	m.callDuration.WithLabelValues(provider, kind, op).Observe(time.Since(start).Seconds())
}

// observeResult adds a finished result's price to the spend counter.
func (m *Metrics) observeResult(provider, kind string, st shoot.TaskStatus) {
	if st.Done && st.Result != nil && st.Result.CostUSD > 0 {
		m.costUSD.WithLabelValues(provider, kind).Add(st.Result.CostUSD)
	}
}

// Images wraps an image generator so its calls are measured. The result
// still prices requests when g does (pipeline.Estimator).
func (m *Metrics) Images(g pipeline.ImageGenerator) pipeline.ImageGenerator {
	w := &images{ImageGenerator: g, m: m}
	if est, ok := g.(pipeline.Estimator); ok {
		return struct {
			*images
			pipeline.Estimator
		}{w, est}
	}
	return w
}

type images struct {
	pipeline.ImageGenerator
	m *Metrics
}

func (g *images) SubmitImage(ctx context.Context, req shoot.ImageRequest) (string, error) {
	start := time.Now()
	h, err := g.ImageGenerator.SubmitImage(ctx, req)
	g.m.observeCall(g.Name(), req.Kind, opSubmit, start, err)
	return h, err
}

func (g *images) PollImage(ctx context.Context, req shoot.ImageRequest, handle string) (shoot.TaskStatus, error) {
	start := time.Now()
	st, err := g.ImageGenerator.PollImage(ctx, req, handle)
	g.m.observeCall(g.Name(), req.Kind, opPoll, start, err)
	if err == nil {
		g.m.observeResult(g.Name(), req.Kind, st)
	}
	return st, err
}

// CallbackPath and CallbackID pass the wrapped provider's callbacks on
// (pipeline.Callbacks); "" when it makes none.
func (g *images) CallbackPath(token string) string { return callbackPath(g.ImageGenerator, token) }

func (g *images) CallbackID(handle string) string { return callbackID(g.ImageGenerator, handle) }

func (g *videos) CallbackPath(token string) string { return callbackPath(g.VideoGenerator, token) }

func (g *videos) CallbackID(handle string) string { return callbackID(g.VideoGenerator, handle) }

// Local passes on whether the wrapped provider is the offline studio
// (pipeline.Local): the engine paces its polls and skips pointless
// retries by it.
func (g *images) Local() bool { return pipeline.IsLocal(g.ImageGenerator) }

func (g *videos) Local() bool { return pipeline.IsLocal(g.VideoGenerator) }

func callbackPath(p any, token string) string {
	if c, ok := p.(pipeline.Callbacks); ok {
		return c.CallbackPath(token)
	}
	return ""
}

func callbackID(p any, handle string) string {
	if c, ok := p.(pipeline.Callbacks); ok {
		return c.CallbackID(handle)
	}
	return ""
}

func (g *images) CancelImage(ctx context.Context, handle string) error {
	start := time.Now()
	err := g.ImageGenerator.CancelImage(ctx, handle)
	g.m.observeCall(g.Name(), "image", opCancel, start, err)
	return err
}

// Videos wraps a video generator so its calls are measured. The result
// still prices requests when g does (pipeline.ClipEstimator).
func (m *Metrics) Videos(g pipeline.VideoGenerator) pipeline.VideoGenerator {
	w := &videos{VideoGenerator: g, m: m}
	if est, ok := g.(pipeline.ClipEstimator); ok {
		return struct {
			*videos
			pipeline.ClipEstimator
		}{w, est}
	}
	return w
}

// clipKind is the "kind" label of every video call.
const clipKind = "clip"

type videos struct {
	pipeline.VideoGenerator
	m *Metrics
}

func (g *videos) SubmitClip(ctx context.Context, req shoot.ClipRequest) (string, error) {
	start := time.Now()
	h, err := g.VideoGenerator.SubmitClip(ctx, req)
	g.m.observeCall(g.Name(), clipKind, opSubmit, start, err)
	return h, err
}

func (g *videos) PollClip(ctx context.Context, req shoot.ClipRequest, handle string) (shoot.TaskStatus, error) {
	start := time.Now()
	st, err := g.VideoGenerator.PollClip(ctx, req, handle)
	g.m.observeCall(g.Name(), clipKind, opPoll, start, err)
	if err == nil {
		g.m.observeResult(g.Name(), clipKind, st)
	}
	return st, err
}

func (g *videos) CancelClip(ctx context.Context, handle string) error {
	start := time.Now()
	err := g.VideoGenerator.CancelClip(ctx, handle)
	g.m.observeCall(g.Name(), clipKind, opCancel, start, err)
	return err
}
