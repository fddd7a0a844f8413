package httpapi

import (
	"net/http"
	"strconv"

	"github.com/fashionshoot/shoot/internal/media"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// estimate answers GET /api/estimate with the price of a shoot whose
// options are given as query parameters (aspectRatio, resolution, loop,
// videoSeconds, easing, clipDuration, qa, and frames: how many of one's own
// frames the film is made from, which skips the hero and the sheet).
func (p *generation) estimate(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	o := shoot.Options{AspectRatio: q.Get("aspectRatio"), Resolution: q.Get("resolution"), Easing: q.Get("easing")}
	var err error
	if v := q.Get("loop"); v != "" {
		if o.Loop, err = strconv.ParseBool(v); err != nil {
			return shoot.Errorf(shoot.EINVALID, "loop must be true or false")
		}
	}
	if v := q.Get("videoSeconds"); v != "" {
		if o.VideoSeconds, err = strconv.Atoi(v); err != nil {
			return shoot.Errorf(shoot.EINVALID, "videoSeconds must be 5 or 10")
		}
	}
	if v := q.Get("clipDuration"); v != "" {
		if o.ClipDuration, err = strconv.ParseFloat(v, 64); err != nil {
			return shoot.Errorf(shoot.EINVALID, "clipDuration must be a number of seconds")
		}
	}
	if v := q.Get("qa"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return shoot.Errorf(shoot.EINVALID, "qa must be true or false")
		}
		o.QA = &on
	}
	if v := q.Get("frames"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < shoot.MinOwnFrames || n > shoot.MaxOwnFrames {
			return shoot.Errorf(shoot.EINVALID, "frames must be a number from %d to %d", shoot.MinOwnFrames, shoot.MaxOwnFrames)
		}
		// Only the count matters to the price; the references are not read.
		o.Frames = make([]string, n)
	}
	est, err := p.eng.Estimate(o)
	if err != nil {
		return err
	}
	return writeJSONStatus(w, http.StatusOK, map[string]any{"success": true, "estimate": est})
}

// presets answers GET /api/presets: every pose and background preset,
// built-in and user-supplied.
func (p *generation) presets(w http.ResponseWriter, r *http.Request) error {
	l := p.eng.Presets().Listing()
	return writeJSONStatus(w, http.StatusOK, map[string]any{"success": true, "poses": l.Poses, "backgrounds": l.Backgrounds})
}

// easings answers GET /api/easings: the names the stitch accepts, with
// their curves sampled for previews.
func (p *generation) easings(w http.ResponseWriter, r *http.Request) error {
	type item struct {
		Name   string    `json:"name"`
		Points []float64 `json:"points"`
	}
	var out []item
	for _, name := range media.Names() {
		f, err := media.Lookup(name)
		if err != nil {
			continue
		}
		pts := make([]float64, 21)
		for i := range pts {
			pts[i] = f(float64(i) / 20)
		}
		out = append(out, item{Name: name, Points: pts})
	}
	return writeJSONStatus(w, http.StatusOK, map[string]any{"success": true, "easings": out})
}
