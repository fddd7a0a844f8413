package httpapi

import (
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/provider/fal"
	"github.com/fashionshoot/shoot/internal/provider/kling"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// Provider callbacks: the routes FAL and Kling call when a task ends (see
// internal/pipeline/callback.go). They carry no user credentials; FAL's are
// signed (Ed25519, keys from FAL's JWKS), Kling's carry the task's secret
// token in the path. A callback only marks its task and wakes the worker
// waiting on it, which then asks the provider for the result; so a refused,
// unknown or repeated callback changes nothing. Refusals are 4xx and
// logged; a repeat is 200, because providers retry until they get a 2xx.

// providerCallbackPrefix is where the callback routes live.
const providerCallbackPrefix = "/api/providers/"

// maxCallbackBody bounds a callback body (FAL's carries the model output).
const maxCallbackBody = 1 << 20

// isProviderCallback reports whether a route pattern is a provider callback.
func isProviderCallback(pattern string) bool {
	_, p, _ := strings.Cut(pattern, " ")
	return strings.HasPrefix(p, providerCallbackPrefix)
}

// callbacks serves the provider callback routes.
type callbacks struct {
	eng      *pipeline.Engine
	verifier *fal.WebhookVerifier
	logger   *slog.Logger
}

// newCallbacks returns the handlers of the provider callback routes
// (listed in routes.go).
func newCallbacks(s *Server, eng *pipeline.Engine) *callbacks {
	return &callbacks{eng: eng, logger: s.logger, verifier: &fal.WebhookVerifier{JWKSURL: s.cfg.FALJWKSURL}}
}

// fal handles a FAL webhook: the signature first, then the request id.
func (c *callbacks) fal(w http.ResponseWriter, r *http.Request) error {
	hook, err := c.verifier.Verify(r.Context(), r.Header, r.Body)
	if err != nil {
		c.logger.Warn("provider callback refused", "provider", "fal", "reason", shoot.ErrorMessage(err),
			"request_id", clipped(r.Header.Get(fal.HeaderWebhookRequestID)), "remote", r.RemoteAddr)
		return err
	}
	return c.deliver(w, r, pipeline.CallbackNotice{Provider: "fal", RemoteID: hook.RequestID, Token: r.URL.Query().Get(fal.WebhookTaskParam),
		Signed: true, Ended: true, OK: hook.OK()})
}

// kling handles a Kling callback: the token of the path names the task,
// and the body must be about that task.
func (c *callbacks) kling(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return jsonError(err, maxCallbackBody)
	}
	cb, err := kling.ParseCallback(body)
	if err != nil {
		c.logger.Warn("provider callback refused", "provider", "kling", "reason", shoot.ErrorMessage(err), "remote", r.RemoteAddr)
		return err
	}
	ended, ok := cb.Ended()
	return c.deliver(w, r, pipeline.CallbackNotice{Provider: "kling", RemoteID: cb.TaskID, Token: r.PathValue("token"),
		ExternalID: cb.ExternalTaskID, Ended: ended, OK: ok})
}

// deliver hands an authentic callback to the engine and answers it.
func (c *callbacks) deliver(w http.ResponseWriter, r *http.Request, n pipeline.CallbackNotice) error {
	answer, err := c.eng.ProviderCallback(r.Context(), n)
	if err != nil {
		level := slog.LevelWarn
		if shoot.ErrorCode(err) == shoot.EINTERNAL || shoot.ErrorCode(err) == shoot.EUNAVAILABLE {
			level = slog.LevelError
		}
		c.logger.Log(r.Context(), level, "provider callback refused", "provider", n.Provider, "reason", shoot.ErrorMessage(err),
			"task_id", clipped(n.RemoteID), "remote", r.RemoteAddr)
		return err
	}
	level := slog.LevelInfo
	if answer == pipeline.CallbackDuplicate {
		level = slog.LevelWarn
	}
	c.logger.Log(r.Context(), level, "provider callback "+answer, "provider", n.Provider, "task_id", clipped(n.RemoteID))
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "status": answer})
	return nil
}

// clipped keeps a caller-chosen value short in the log.
func clipped(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
