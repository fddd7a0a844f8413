package providertest

import (
	"fmt"
	"net/http"
	"strings"
)

// submit handles POST /{endpoint id}: validate, enqueue, return the URLs.
func (f *FAL) submit(w http.ResponseWriter, r *http.Request) {
	if !f.gate(w, r) {
		return
	}
	endpoint := strings.Trim(r.URL.Path, "/")
	owner, rest, ok := strings.Cut(endpoint, "/")
	if !ok || owner == "" || rest == "" {
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": fmt.Sprintf("Application %q not found", endpoint)})
		return
	}
	input, ok := decodeBody(r)
	if !ok {
		writeJSON(w, http.StatusUnprocessableEntity, detailList(fieldError{loc: []any{"body"}, msg: "Input should be a valid dictionary", typ: "dict_type"}))
		return
	}
	f.mu.Lock()
	errs := f.validate(endpoint, input)
	f.mu.Unlock()
	if len(errs) == 0 && f.opts.Reject != nil {
		if msg := f.opts.Reject(endpoint, input); msg != "" {
			errs = append(errs, fieldError{loc: []any{"body"}, msg: msg, typ: "value_error"})
		}
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusUnprocessableEntity, detailList(errs...))
		return
	}
	hook := r.URL.Query().Get("fal_webhook")
	if hook != "" && !validCallbackURL(hook) {
		writeJSON(w, http.StatusUnprocessableEntity, detailList(fieldError{loc: []any{"query", "fal_webhook"}, msg: "Input should be a valid URL", typ: "url_parsing"}))
		return
	}
	j := f.enqueue(endpoint, owner+"/"+strings.SplitN(rest, "/", 2)[0], input)
	if hook != "" {
		go f.runFALWebhook(j, hook)
	}
	body := f.urls(j)
	body["status"] = "IN_QUEUE"
	body["queue_position"] = 0
	writeJSON(w, http.StatusOK, body)
}

// enqueue records an accepted submission.
func (f *FAL) enqueue(endpoint, app string, input map[string]any) *job {
	j := &job{id: newUUID(), endpoint: endpoint, app: app, input: cloneInput(input), created: f.now()}
	j.changed = j.created
	if f.opts.Fail != nil {
		j.fail = f.opts.Fail(endpoint, input)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jobs[j.id] = j
	f.inputs = append(f.inputs, Submission{Endpoint: endpoint, Input: cloneInput(input)})
	f.n.submissions[endpoint]++
	f.n.active++
	f.n.highWater = max(f.n.highWater, f.n.active)
	return j
}

// urls are the queue URLs of j, rooted at owner/app as FAL roots them.
func (f *FAL) urls(j *job) map[string]any {
	base := f.URL + "/" + j.app + "/requests/" + j.id
	return map[string]any{
		"request_id":   j.id,
		"response_url": base,
		"status_url":   base + "/status",
		"cancel_url":   base + "/cancel",
	}
}

// lookup finds the job of a queue URL, answering 404 when the id is unknown
// or the URL is not rooted at the job's owner/app.
func (f *FAL) lookup(w http.ResponseWriter, r *http.Request) *job {
	j := f.jobs[r.PathValue("id")]
	if j == nil || j.app != r.PathValue("owner")+"/"+r.PathValue("app") {
		writeJSON(w, http.StatusNotFound, map[string]any{"detail": "Request not found"})
		return nil
	}
	return j
}

// withJob wraps a handler of one job's queue URL: it passes the gate, holds
// the fake's lock and finds the job (404 when there is none) before calling
// handle.
func (f *FAL) withJob(handle func(http.ResponseWriter, *http.Request, *job)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !f.gate(w, r) {
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if j := f.lookup(w, r); j != nil {
			handle(w, r, j)
		}
	}
}

// status handles GET status_url: 202 while queued or in progress, 200 done.
func (f *FAL) status(w http.ResponseWriter, r *http.Request, j *job) {
	f.n.polls++
	j.asked++
	body, done := f.statusBody(j, r.URL.Query().Get("logs") == "1")
	code := http.StatusAccepted
	if done {
		code = http.StatusOK
		body["metrics"] = map[string]any{"inference_time": 1.5}
	}
	writeJSON(w, code, body)
}

// statusBody advances j like one poll (the caller holds f.mu) and returns
// its status object, with its logs when logs is set, and whether it is done.
func (f *FAL) statusBody(j *job, logs bool) (map[string]any, bool) {
	if f.opts.Timing.advance(j, f.now()) {
		f.finish(j)
	}
	body := f.urls(j)
	body["logs"] = nil
	if logs {
		body["logs"] = append([]falLog{}, j.logs...)
	}
	done := false
	switch j.state {
	case jobQueued:
		body["status"], body["queue_position"] = "IN_QUEUE", f.position(j)
	case jobWorking:
		body["status"] = "IN_PROGRESS"
	default:
		done, body["status"] = true, "COMPLETED"
		if msg := j.failure(); msg != "" {
			body["error"], body["error_type"] = msg, j.errorType()
		}
	}
	return body, done
}

// finish stores the result file of a job that just completed.
func (f *FAL) finish(j *job) {
	f.n.active--
	if j.fail != "" {
		return
	}
	if isVideoEndpoint(j.endpoint) {
		j.media = j.id + ".mp4"
		f.media[j.media] = falMedia{"video/mp4", f.opts.Video(j.endpoint, j.input)}
		return
	}
	// The result's type is what the generator made, as a CDN would sniff it.
	data := f.opts.Image(j.endpoint, j.input)
	ct := http.DetectContentType(data)
	ext := map[string]string{"image/jpeg": ".jpeg", "image/webp": ".webp", "image/gif": ".gif"}[ct]
	if ext == "" {
		ext = ".png"
	}
	j.media = j.id + ext
	f.media[j.media] = falMedia{ct, data}
}

func (j *job) failure() string {
	if j.state == jobCancelled {
		return "Request was cancelled by the user"
	}
	return j.fail
}

func (j *job) errorType() string {
	if j.state == jobCancelled {
		return "request_cancelled"
	}
	return "generation_error"
}

// position is the job's place among queued jobs.
func (f *FAL) position(j *job) int {
	n := 0
	for _, o := range f.jobs {
		if o.state == jobQueued && o.created.Before(j.created) {
			n++
		}
	}
	return n
}

// result handles GET response_url: the model's output once completed.
func (f *FAL) result(w http.ResponseWriter, _ *http.Request, j *job) {
	switch {
	case j.active():
		writeJSON(w, http.StatusBadRequest, map[string]any{"detail": "Request is still in progress"})
	case j.failure() != "":
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": j.failure()})
	case isVideoEndpoint(j.endpoint):
		writeJSON(w, http.StatusOK, map[string]any{"video": f.fileInfo(j)})
	default:
		writeJSON(w, http.StatusOK, map[string]any{"images": []any{f.fileInfo(j)}, "description": ""})
	}
}

func (f *FAL) fileInfo(j *job) map[string]any {
	m := f.media[j.media]
	return map[string]any{
		"url":          f.URL + "/media/" + j.media,
		"content_type": m.contentType,
		"file_name":    j.media,
		"file_size":    len(m.data),
	}
}

// cancel handles PUT cancel_url.
func (f *FAL) cancel(w http.ResponseWriter, r *http.Request) {
	if !f.gate(w, r) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	j := f.jobs[r.PathValue("id")]
	if j == nil || j.app != r.PathValue("owner")+"/"+r.PathValue("app") {
		writeJSON(w, http.StatusNotFound, map[string]any{"status": "NOT_FOUND"})
		return
	}
	if !j.active() {
		writeJSON(w, http.StatusBadRequest, map[string]any{"status": "ALREADY_COMPLETED"})
		return
	}
	j.state = jobCancelled
	f.n.active--
	f.n.cancels++
	writeJSON(w, http.StatusAccepted, map[string]any{"status": "CANCELLATION_REQUESTED"})
}

func isVideoEndpoint(endpoint string) bool { return strings.Contains(endpoint, "video") }
