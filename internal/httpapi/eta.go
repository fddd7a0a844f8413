package httpapi

import (
	"net/http"
	"time"

	"github.com/fashionshoot/shoot/internal/pipeline"
)

// etaAnswer is GET /api/sessions/{id}/eta: where the session is, how long
// its running stage has taken and usually takes on this instance, and what
// it has cost against the estimate of its options.
type etaAnswer struct {
	Success   bool   `json:"success"`
	SessionID string `json:"sessionId"`
	// Stage is the stage running now ("" when none is).
	Stage     string     `json:"stage"`
	Running   bool       `json:"running"`
	StartedAt *time.Time `json:"startedAt"`
	Elapsed   float64    `json:"elapsedSeconds"`
	// Expected is the usual length of the running stage; Remaining is what
	// is left of it (0 once it takes longer than usual). Both are null
	// while this instance has never finished that stage.
	Expected  *float64                      `json:"expectedSeconds"`
	Remaining *float64                      `json:"remainingSeconds"`
	Stages    map[string]pipeline.StageTime `json:"stages"`
	CostUSD   float64                       `json:"costUsd"`
	Estimate  *float64                      `json:"estimateUsd"`
}

// etaRoute is the handler of the progress-and-time route of the studio
// (GET /api/sessions/{id}/eta, see routes.go).
func (s *Server) etaRoute(eng *pipeline.Engine) HandlerFunc {
	clock := pipeline.NewStageClock(s.store)
	return func(w http.ResponseWriter, r *http.Request) error {
		ss, err := s.session(r)
		if err != nil {
			return err
		}
		times, err := clock.Times(r.Context())
		if err != nil {
			return err
		}
		a := etaAnswer{Success: true, SessionID: ss.ID, Stages: times, CostUSD: ss.TotalCostUSD}
		if est, err := eng.Estimate(ss.Options); err == nil {
			a.Estimate = &est.TotalUSD
		}
		run, ok, err := clock.Current(r.Context(), ss)
		if err != nil {
			return err
		}
		if ok {
			a.Stage, a.Running, a.StartedAt = run.Stage, true, &run.Start
			a.Elapsed = time.Since(run.Start).Seconds()
			if t, known := times[run.Stage]; known {
				left := max(0, t.Seconds-a.Elapsed)
				a.Expected, a.Remaining = &t.Seconds, &left
			}
		}
		return writeJSONStatus(w, http.StatusOK, a)
	}
}
