package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/fashionshoot/shoot/client"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// health answers GET /api/health. It pings the database, so a load
// balancer sees 503 when the studio cannot work.
func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	if wantsDeep(r) {
		return s.deepHealth(w, r)
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.DB().PingContext(ctx); err != nil {
		return shoot.Wrap(err, shoot.EUNAVAILABLE, "Database unavailable.")
	}
	// The answer is the documented health shape plus the version and the
	// active providers. It holds no secret: only whether keys are set.
	h := client.Health{
		Status:      "ok",
		Agent:       "fashion-shoot-agent",
		Timestamp:   time.Now().UTC().Format(time.RFC3339),
		Environment: s.cfg.Environment,
		Version:     s.version,
		Database:    s.store.Dialect(),
	}
	h.Providers.Image, h.Providers.Video, h.Providers.Director = s.cfg.ImageProvider, s.cfg.VideoProvider, s.cfg.Director
	h.Config.HasAnthropicKey, h.Config.HasFalKey, h.Config.HasKlingKeys = s.cfg.AnthropicAPIKey != "", s.cfg.FALKey != "", s.cfg.HasKlingKeys()
	writeJSON(w, http.StatusOK, h)
	return nil
}
