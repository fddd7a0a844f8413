package client

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
)

// Health answers GET /api/health.
func (c *Client) Health(ctx context.Context) (*Health, error) {
	var h Health
	return &h, c.do(ctx, http.MethodGet, "/api/health", nil, &h)
}

// OpenAPI returns the studio's OpenAPI document (GET /api/openapi.json).
func (c *Client) OpenAPI(ctx context.Context) ([]byte, error) {
	var b bytes.Buffer
	err := c.Download(ctx, "/api/openapi.json", &b)
	return b.Bytes(), err
}

// File is one file to upload: a reference picture (Upload) or a music bed
// (UploadAudio).
type File struct {
	Name string
	Data []byte
}

// Upload stores reference pictures (POST /api/upload). Files the studio
// refused are listed in the result's Errors; when every file fails the
// answer is an *Error whose Files (and message) say why each one did.
func (c *Client) Upload(ctx context.Context, files ...File) (*UploadResult, error) {
	return c.upload(ctx, "images", files)
}

// UploadAudio stores music beds (WAV, MP3, FLAC, Ogg or M4A, known by
// their content) through the same route, in its "audio" field. A stored
// file's URL is what Options.Audio takes: the film is then cut on the
// bed's beats and the bed mixed under it. Refusals are reported as by
// Upload.
func (c *Client) UploadAudio(ctx context.Context, files ...File) (*UploadResult, error) {
	return c.upload(ctx, "audio", files)
}

// upload posts files as one multipart request, each in field.
func (c *Client) upload(ctx context.Context, field string, files []File) (*UploadResult, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range files {
		w, err := mw.CreateFormFile(field, f.Name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.Data); err != nil {
			return nil, err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, err
	}
	req, err := c.newRequest(ctx, http.MethodPost, "/api/upload", nil)
	if err != nil {
		return nil, err
	}
	req.Body, req.ContentLength = readCloser(body.Bytes()), int64(body.Len())
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.send(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var out UploadResult
	return &out, decode(resp, &out)
}

// Generate starts a shoot, or continues the session req.SessionID names,
// and returns its event stream (POST /api/generate-stream).
func (c *Client) Generate(ctx context.Context, req GenerateRequest) (*Stream, error) {
	return c.stream(ctx, http.MethodPost, "/api/generate-stream", req)
}

// Continue answers the checkpoint of session id ("continue", "regenerate
// frame 3", …) and returns the stream of what follows
// (POST /api/sessions/{id}/continue-stream).
func (c *Client) Continue(ctx context.Context, id, reply string) (*Stream, error) {
	return c.stream(ctx, http.MethodPost, "/api/sessions/"+escape(id)+"/continue-stream", map[string]string{"prompt": reply})
}

// Events streams session id's events after event number after, then live
// ones (GET /api/sessions/{id}/events).
func (c *Client) Events(ctx context.Context, id string, after int64) (*Stream, error) {
	return c.stream(ctx, http.MethodGet, "/api/sessions/"+escape(id)+"/events?lastEventId="+strconv.FormatInt(after, 10), nil)
}

func (c *Client) stream(ctx context.Context, method, path string, body any) (*Stream, error) {
	req, err := c.newRequest(ctx, method, path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.send(req)
	if err != nil {
		return nil, err
	}
	return newStream(resp)
}

// Sessions lists your sessions, newest first (GET /api/sessions); limit 0
// takes the studio's default.
func (c *Client) Sessions(ctx context.Context, limit int) ([]SessionSummary, error) {
	path := "/api/sessions"
	if limit > 0 {
		path += "?limit=" + strconv.Itoa(limit)
	}
	var out struct {
		Sessions []SessionSummary `json:"sessions"`
	}
	return out.Sessions, c.do(ctx, http.MethodGet, path, nil, &out)
}

// Session returns the whole session row (GET /api/sessions/{id}).
func (c *Client) Session(ctx context.Context, id string) (*Session, error) {
	var out struct {
		Session Session `json:"session"`
	}
	return &out.Session, c.do(ctx, http.MethodGet, "/api/sessions/"+escape(id), nil, &out)
}

// Pipeline returns where session id is and its latest checkpoint
// (GET /api/sessions/{id}/pipeline).
func (c *Client) Pipeline(ctx context.Context, id string) (*Pipeline, error) {
	var out struct {
		Pipeline Pipeline `json:"pipeline"`
	}
	return &out.Pipeline, c.do(ctx, http.MethodGet, "/api/sessions/"+escape(id)+"/pipeline", nil, &out)
}

// Assets returns the latest version of every artifact of session id
// (GET /api/sessions/{id}/assets).
func (c *Client) Assets(ctx context.Context, id string) (*Assets, error) {
	var out struct {
		Assets Assets `json:"assets"`
	}
	return &out.Assets, c.do(ctx, http.MethodGet, "/api/sessions/"+escape(id)+"/assets", nil, &out)
}

// Cancel stops session id's running work; what was made is kept
// (POST /api/sessions/{id}/cancel). It returns the run state.
func (c *Client) Cancel(ctx context.Context, id string) (string, error) {
	var out struct {
		RunState string `json:"runState"`
	}
	return out.RunState, c.do(ctx, http.MethodPost, "/api/sessions/"+escape(id)+"/cancel", nil, &out)
}

// Delete removes session id and its files (DELETE /api/sessions/{id}).
func (c *Client) Delete(ctx context.Context, id string) error {
	return c.do(ctx, http.MethodDelete, "/api/sessions/"+escape(id), nil, nil)
}

// Estimate prices a shoot with these options (GET /api/estimate).
func (c *Client) Estimate(ctx context.Context, o Options) (*Estimate, error) {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" && v != "0" && v != "false" {
			q.Set(k, v)
		}
	}
	set("aspectRatio", o.AspectRatio)
	set("resolution", o.Resolution)
	set("easing", o.Easing)
	set("loop", strconv.FormatBool(o.Loop))
	set("videoSeconds", strconv.Itoa(o.VideoSeconds))
	set("clipDuration", strconv.FormatFloat(o.ClipDuration, 'f', -1, 64))
	var out struct {
		Estimate Estimate `json:"estimate"`
	}
	path := "/api/estimate"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return &out.Estimate, c.do(ctx, http.MethodGet, path, nil, &out)
}

// ExportPath is the path of session id's zip of artifacts and manifest, for
// Download.
func ExportPath(id string) string { return fmt.Sprintf("/api/sessions/%s/export.zip", escape(id)) }
