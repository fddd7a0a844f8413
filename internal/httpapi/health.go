package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// healthResponse is the documented health shape plus the version and
// the active providers. It holds no secret: only whether keys are set.
type healthResponse struct {
	Status      string          `json:"status"`
	Agent       string          `json:"agent"`
	Timestamp   string          `json:"timestamp"`
	Environment string          `json:"environment"`
	Version     string          `json:"version"`
	Database    string          `json:"database"`
	Providers   healthProviders `json:"providers"`
	Config      healthConfig    `json:"config"`
}

type healthProviders struct {
	Image    string `json:"image"`
	Video    string `json:"video"`
	Director string `json:"director"`
}

type healthConfig struct {
	HasAnthropicKey bool `json:"hasAnthropicKey"`
	HasFalKey       bool `json:"hasFalKey"`
	HasKlingKeys    bool `json:"hasKlingKeys"`
}

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
	writeJSON(w, http.StatusOK, healthResponse{
		Status:      "ok",
		Agent:       "fashion-shoot-agent",
		Timestamp:   time.Now().UTC().Format(time.RFC3339),
		Environment: s.cfg.Environment,
		Version:     s.version,
		Database:    s.store.Dialect(),
		Providers:   healthProviders{Image: s.cfg.ImageProvider, Video: s.cfg.VideoProvider, Director: s.cfg.Director},
		Config: healthConfig{
			HasAnthropicKey: s.cfg.AnthropicAPIKey != "",
			HasFalKey:       s.cfg.FALKey != "",
			HasKlingKeys:    s.cfg.HasKlingKeys(),
		},
	})
	return nil
}
