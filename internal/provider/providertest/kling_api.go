package providertest

import (
	"net/http"
	"strconv"
	"strings"
)

// create handles POST /v1/videos/image2video.
func (k *Kling) create(w http.ResponseWriter, r *http.Request) {
	if !k.gate(w, r) {
		return
	}
	in, ok := decodeBody(r)
	if !ok {
		klingError(w, http.StatusBadRequest, 1200, "Invalid request parameters: body is not a JSON object")
		return
	}
	model, _ := in["model_name"].(string)
	if model == "" {
		model = "kling-v1"
	}
	msg := k.validate(model, in)
	if msg == "" && k.opts.Reject != nil {
		msg = k.opts.Reject(model, in)
	}
	if msg != "" {
		klingError(w, http.StatusBadRequest, 1201, msg)
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	ext, _ := in["external_task_id"].(string)
	if ext != "" && k.byExt[ext] != nil {
		k.n.duplicates++
		klingError(w, http.StatusBadRequest, 1201, "external_task_id already exists: "+ext)
		return
	}
	if k.opts.MaxConcurrent > 0 && k.n.active >= k.opts.MaxConcurrent {
		klingError(w, http.StatusTooManyRequests, 1303, "parallel task over resource pack limit")
		return
	}
	j := k.accept(model, ext, in)
	if hook, _ := in["callback_url"].(string); hook != "" {
		go k.runKlingCallback(j, hook)
	}
	writeJSON(w, http.StatusOK, k.envelope(j))
}

// accept records a paid task. Needs k.mu.
func (k *Kling) accept(model, ext string, in map[string]any) *job {
	k.seq++
	j := &job{id: strconv.FormatInt(k.seq, 10), extID: ext, endpoint: model, input: cloneInput(in), created: k.opts.Now()}
	j.changed = j.created
	if k.opts.Fail != nil {
		j.fail = k.opts.Fail(model, in)
	}
	k.tasks[j.id] = j
	if ext != "" {
		k.byExt[ext] = j
	}
	k.inputs = append(k.inputs, Submission{Endpoint: model, Input: cloneInput(in)})
	k.n.submissions[model]++
	k.n.active++
	k.n.highWater = max(k.n.highWater, k.n.active)
	return j
}

// query handles GET /v1/videos/image2video/{id}; id is a task_id or an
// external_task_id.
func (k *Kling) query(w http.ResponseWriter, r *http.Request) {
	if !k.gate(w, r) {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	j := k.find(r.PathValue("id"))
	if j == nil {
		klingError(w, http.StatusNotFound, 1203, "task not found")
		return
	}
	k.n.polls++
	j.asked++
	k.advance(j)
	writeJSON(w, http.StatusOK, k.envelope(j))
}

// advance moves j one poll forward, storing its video when it ends.
// Needs k.mu.
func (k *Kling) advance(j *job) {
	if k.opts.Timing.advance(j, k.opts.Now()) {
		k.n.active--
		if j.fail == "" {
			j.media = j.id + ".mp4"
			k.media[j.media] = k.opts.Video(j.endpoint, j.input)
		}
	}
}

// envelope is Kling's success body for a task.
func (k *Kling) envelope(j *job) map[string]any {
	data := map[string]any{
		"task_id":     j.id,
		"task_status": k.status(j),
		"task_info":   map[string]any{"external_task_id": j.extID},
		"created_at":  j.created.UnixMilli(),
		"updated_at":  j.changed.UnixMilli(),
	}
	switch {
	case j.state == jobDone && j.fail != "":
		data["task_status_msg"] = j.fail
	case j.state == jobDone:
		dur, _ := j.input["duration"].(string)
		data["task_status_msg"] = ""
		data["final_unit_deduction"] = "2.5"
		data["task_result"] = map[string]any{"videos": []any{map[string]any{
			"id": "v" + j.id, "url": k.URL + "/media/" + j.media, "duration": dur,
		}}}
	}
	return map[string]any{"code": 0, "message": "SUCCEED", "request_id": newUUID(), "data": data}
}

func (k *Kling) status(j *job) string {
	switch {
	case j.state == jobQueued:
		return "submitted"
	case j.state == jobWorking:
		return "processing"
	case j.fail != "":
		return "failed"
	}
	return "succeed"
}

// serveMedia serves a result video (a CDN URL: no auth, leaks counted).
func (k *Kling) serveMedia(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "" {
		k.mu.Lock()
		k.n.authLeaks++
		k.mu.Unlock()
	}
	k.mu.Lock()
	data, ok := k.media[strings.TrimSpace(r.PathValue("name"))]
	if ok {
		k.n.download++
	}
	k.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "video/mp4")
	w.Write(data)
}
