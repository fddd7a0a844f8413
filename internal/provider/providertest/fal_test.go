package providertest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fashionshoot/shoot/internal/provider/providertest"
)

// do sends a raw request and decodes a JSON answer (nil if not JSON).
func do(t *testing.T, method, url, auth string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func TestFALAuthBodies(t *testing.T) {
	t.Parallel()
	f := providertest.NewFAL(providertest.FALOptions{})
	defer f.Close()
	url := f.URL + "/fal-ai/nano-banana-pro"
	in := map[string]any{"prompt": "x"}
	for auth, want := range map[string]string{
		"":                  "Invalid Key Authorization header format",
		"Bearer " + f.Key(): "Invalid Key Authorization header format",
		"Key nocolon":       "Invalid Key Authorization header format",
		"Key someone:else":  "No user found for Key ID and Secret",
	} {
		code, body := do(t, "POST", url, auth, in)
		if code != 401 || !strings.Contains(body["detail"].(string), want) {
			t.Errorf("auth %q: %d %v", auth, code, body)
		}
	}
	if code, _ := do(t, "POST", url, "Key "+f.Key(), in); code != 200 {
		t.Fatalf("right key: %d", code)
	}
}

func TestFALQueueProtocol(t *testing.T) {
	t.Parallel()
	f := providertest.NewFAL(providertest.FALOptions{Timing: providertest.Timing{QueuePolls: 1, WorkPolls: 1}})
	defer f.Close()
	key := "Key " + f.Key()
	code, sub := do(t, "POST", f.URL+"/fal-ai/nano-banana-pro/edit", key, map[string]any{"prompt": "x", "image_urls": []string{"https://elsewhere.example/a.png"}})
	if code != 422 || !strings.Contains(toJSON(sub), `"loc":["body","image_urls",0]`) {
		t.Fatalf("un-uploaded image: %d %v", code, sub)
	}
	code, sub = do(t, "POST", f.URL+"/fal-ai/nano-banana-pro", key, map[string]any{"prompt": "x", "aspect_ratio": "3:2"})
	if code != 200 || sub["status"] != "IN_QUEUE" {
		t.Fatalf("submit: %d %v", code, sub)
	}
	id := sub["request_id"].(string)
	if sub["status_url"] != f.URL+"/fal-ai/nano-banana-pro/requests/"+id+"/status" {
		t.Fatalf("status_url %v", sub["status_url"])
	}
	if code, _ := do(t, "GET", sub["response_url"].(string), key, nil); code != 400 {
		t.Fatalf("result before completion: %d", code)
	}
	want := []struct {
		code   int
		status string
		logs   int
	}{{202, "IN_QUEUE", 0}, {202, "IN_PROGRESS", 1}, {200, "COMPLETED", 1}}
	for i, w := range want {
		code, st := do(t, "GET", sub["status_url"].(string)+"?logs=1", key, nil)
		logs, _ := st["logs"].([]any)
		if code != w.code || st["status"] != w.status || len(logs) != w.logs {
			t.Fatalf("poll %d: %d %v", i, code, st)
		}
	}
	if code, st := do(t, "GET", sub["status_url"].(string), key, nil); code != 200 || st["logs"] != nil {
		t.Fatalf("logs without logs=1: %v", st)
	}
	code, res := do(t, "GET", sub["response_url"].(string), key, nil)
	images, _ := res["images"].([]any)
	if code != 200 || len(images) != 1 {
		t.Fatalf("result: %d %v", code, res)
	}
	// A URL composed from the endpoint path is not FAL's URL.
	if code, _ := do(t, "GET", f.URL+"/fal-ai/nano-banana-pro/edit/requests/"+id+"/status", key, nil); code != 404 {
		t.Fatalf("composed URL answered %d", code)
	}
	code, c := do(t, "PUT", sub["cancel_url"].(string), key, nil)
	if code != 400 || c["status"] != "ALREADY_COMPLETED" {
		t.Fatalf("cancel finished: %d %v", code, c)
	}
	if f.Polls() != 4 || f.Submissions("fal-ai/nano-banana-pro") != 1 || f.ActiveHighWater() != 1 || f.Active() != 0 {
		t.Fatalf("counters polls=%d subs=%d hw=%d", f.Polls(), f.Submissions(""), f.ActiveHighWater())
	}
}

func TestFALStorageSignedUpload(t *testing.T) {
	t.Parallel()
	f := providertest.NewFAL(providertest.FALOptions{})
	defer f.Close()
	code, init := do(t, "POST", f.URL+"/storage/upload/initiate?storage_type=fal-cdn-v3", "Key "+f.Key(), map[string]any{"content_type": "image/png", "file_name": "a.png"})
	if code != 200 || init["upload_url"] == nil || init["file_url"] == nil {
		t.Fatalf("initiate: %d %v", code, init)
	}
	put := func(ct string) int {
		req, _ := http.NewRequest("PUT", init["upload_url"].(string), bytes.NewReader(providertest.PNG(4, 4)))
		req.Header.Set("Content-Type", ct)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if put("image/jpeg") != 403 || put("image/png") != 200 || f.Uploads() != 1 {
		t.Fatalf("signed PUT checks the content type; uploads=%d", f.Uploads())
	}
	resp, err := http.Get(init["file_url"].(string))
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("file_url: %v %v", resp, err)
	}
	resp.Body.Close()
}

func TestFALManualCancelAndFaults(t *testing.T) {
	t.Parallel()
	f := providertest.NewFAL(providertest.FALOptions{Timing: providertest.Timing{Manual: true}})
	defer f.Close()
	key := "Key " + f.Key()
	_, a := do(t, "POST", f.URL+"/fal-ai/nano-banana-pro", key, map[string]any{"prompt": "a"})
	_, b := do(t, "POST", f.URL+"/fal-ai/nano-banana-pro", key, map[string]any{"prompt": "b"})
	for range 3 {
		if _, st := do(t, "GET", a["status_url"].(string), key, nil); st["status"] == "COMPLETED" {
			t.Fatal("a manual job finished on its own")
		}
	}
	f.Finish(a["request_id"].(string))
	if _, st := do(t, "GET", a["status_url"].(string), key, nil); st["status"] != "COMPLETED" {
		t.Fatalf("finished job: %v", st)
	}
	if code, c := do(t, "PUT", b["cancel_url"].(string), key, nil); code != 202 || c["status"] != "CANCELLATION_REQUESTED" {
		t.Fatalf("cancel: %d %v", code, c)
	}
	if _, st := do(t, "GET", b["status_url"].(string), key, nil); st["status"] != "COMPLETED" || st["error_type"] != "request_cancelled" {
		t.Fatalf("cancelled job: %v", st)
	}
	f.SetFaults(providertest.Faults{Rate: 1, Kinds: []providertest.Fault{providertest.FaultRateLimited}, RetryAfter: 3 * time.Second})
	req, _ := http.NewRequest("GET", a["status_url"].(string), nil)
	req.Header.Set("Authorization", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" {
		t.Fatalf("injected 429: %v %v", resp, err)
	}
	resp.Body.Close()
	if f.FaultsInjected() != 1 {
		t.Fatalf("faults counted %d", f.FaultsInjected())
	}
}

func TestFaultRateIsRoughlyHonoured(t *testing.T) {
	t.Parallel()
	f := providertest.NewFAL(providertest.FALOptions{Faults: providertest.Faults{Rate: 0.3, Kinds: []providertest.Fault{providertest.FaultServerError}, Seed: 9}})
	defer f.Close()
	failed := 0
	for range 400 {
		if code, _ := do(t, "GET", f.URL+"/media/none.png", "", nil); code == 500 {
			failed++
		}
	}
	if failed < 80 || failed > 160 || failed != f.FaultsInjected() {
		t.Fatalf("%d of 400 failed (%d counted), want about 120", failed, f.FaultsInjected())
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
