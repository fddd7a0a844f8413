package httpapi

import "net/http"

// meResponse is GET /api/me: who the caller is, how access control is set
// up, and the caller's limits and what is used of them.
type meResponse struct {
	Success bool       `json:"success"`
	Auth    string     `json:"auth"`
	User    any        `json:"user"`
	Limits  userLimits `json:"limits"`
	Usage   userUsage  `json:"usage"`
}

// me answers GET /api/me. The web studio calls it first: a 401 means "show
// the sign-in form".
func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	u, err := user(r)
	if err != nil {
		return err
	}
	usage, err := s.usageOf(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, meResponse{Success: true, Auth: s.auth.Mode(), User: u,
		Limits: s.limitsOf(u), Usage: usage})
	return nil
}
