package providertest_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fashionshoot/shoot/internal/provider/providertest"
)

func bearer(t *testing.T, ak, sk string, now time.Time) string {
	t.Helper()
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Issuer:    ak,
		ExpiresAt: jwt.NewNumericDate(now.Add(30 * time.Minute)),
		NotBefore: jwt.NewNumericDate(now.Add(-5 * time.Second)),
	}).SignedString([]byte(sk))
	if err != nil {
		t.Fatal(err)
	}
	return "Bearer " + tok
}

func frame(w, h int) string { return base64.StdEncoding.EncodeToString(providertest.PNG(w, h)) }

func TestKlingAuthCodes(t *testing.T) {
	t.Parallel()
	k := providertest.NewKling(providertest.KlingOptions{})
	defer k.Close()
	url := k.URL + "/v1/videos/image2video/123"
	now := time.Now()
	hs384, _ := jwt.NewWithClaims(jwt.SigningMethodHS384, jwt.RegisteredClaims{Issuer: k.AccessKey(), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)), NotBefore: jwt.NewNumericDate(now)}).SignedString([]byte(k.SecretKey()))
	cases := map[string]float64{
		"":                 1001,
		"Bearer not.a.jwt": 1002,
		bearer(t, k.AccessKey(), "wrong-secret", now):                1002,
		bearer(t, "another-ak", k.SecretKey(), now):                  1000,
		bearer(t, k.AccessKey(), k.SecretKey(), now.Add(-time.Hour)): 1004,
		bearer(t, k.AccessKey(), k.SecretKey(), now.Add(time.Hour)):  1003,
		"Bearer " + hs384: 1002,
	}
	for auth, want := range cases {
		code, body := do(t, "GET", url, auth, nil)
		if code != 401 || body["code"] != want || body["request_id"] == nil {
			t.Errorf("auth %.30q: %d %v, want 401 code %v", auth, code, body, want)
		}
	}
	if code, body := do(t, "GET", url, bearer(t, k.AccessKey(), k.SecretKey(), now), nil); code != 404 || body["code"] != 1203.0 {
		t.Fatalf("valid token, unknown task: %d %v", code, body)
	}
}

func TestKlingCreateValidation(t *testing.T) {
	t.Parallel()
	k := providertest.NewKling(providertest.KlingOptions{})
	defer k.Close()
	auth := bearer(t, k.AccessKey(), k.SecretKey(), time.Now())
	ok := func() map[string]any {
		return map[string]any{"model_name": "kling-v2-6", "mode": "pro", "duration": "5", "image": frame(400, 300), "image_tail": frame(400, 300)}
	}
	cases := []struct {
		name string
		mut  func(map[string]any)
		want string
	}{
		{"missing image", func(m map[string]any) { delete(m, "image") }, "image is required"},
		{"data prefix", func(m map[string]any) { m["image"] = "data:image/png;base64," + frame(400, 300) }, "must not carry a prefix"},
		{"camera with tail", func(m map[string]any) { m["camera_control"] = map[string]any{"type": "simple"} }, "camera_control"},
		{"numeric duration", func(m map[string]any) { m["duration"] = 5 }, "duration value is invalid"},
		{"small frame", func(m map[string]any) { m["image_tail"] = frame(200, 300) }, "below 300px"},
		{"wide frame", func(m map[string]any) { m["image"] = frame(1000, 300) }, "outside 1:2.5"},
		{"unknown model", func(m map[string]any) { m["model_name"] = "kling-v0" }, "model_name is invalid"},
		{"long prompt", func(m map[string]any) { m["prompt"] = strings.Repeat("x", 2501) }, "at most 2500"},
	}
	for _, tc := range cases {
		in := ok()
		tc.mut(in)
		code, body := do(t, "POST", k.URL+"/v1/videos/image2video", auth, in)
		if code != 400 || body["code"] != 1201.0 || !strings.Contains(body["message"].(string), tc.want) {
			t.Errorf("%s: %d %v", tc.name, code, body)
		}
	}
	if k.Submissions("") != 0 {
		t.Fatal("invalid creates were accepted")
	}
}

func TestKlingTaskLifecycleAndIdempotency(t *testing.T) {
	t.Parallel()
	k := providertest.NewKling(providertest.KlingOptions{Timing: providertest.Timing{QueuePolls: 1, WorkPolls: 1}, MaxConcurrent: 1})
	defer k.Close()
	auth := bearer(t, k.AccessKey(), k.SecretKey(), time.Now())
	in := map[string]any{"model_name": "kling-v2-6", "mode": "pro", "duration": "10", "image": frame(400, 300), "external_task_id": "ext-1"}
	code, body := do(t, "POST", k.URL+"/v1/videos/image2video", auth, in)
	data, _ := body["data"].(map[string]any)
	if code != 200 || body["code"] != 0.0 || data["task_status"] != "submitted" {
		t.Fatalf("create: %d %v", code, body)
	}
	if code, body := do(t, "POST", k.URL+"/v1/videos/image2video", auth, in); code != 400 || !strings.Contains(body["message"].(string), "already exists") {
		t.Fatalf("duplicate: %d %v", code, body)
	}
	in["external_task_id"] = "ext-2"
	if code, body := do(t, "POST", k.URL+"/v1/videos/image2video", auth, in); code != 429 || body["code"] != 1303.0 {
		t.Fatalf("over concurrency: %d %v", code, body)
	}
	var last map[string]any
	for _, want := range []string{"submitted", "processing", "succeed"} {
		_, body := do(t, "GET", k.URL+"/v1/videos/image2video/ext-1", auth, nil) // by external_task_id
		last, _ = body["data"].(map[string]any)
		if last["task_status"] != want {
			t.Fatalf("status %v, want %s", last["task_status"], want)
		}
	}
	videos := last["task_result"].(map[string]any)["videos"].([]any)
	v := videos[0].(map[string]any)
	if v["duration"] != "10" || !strings.HasPrefix(v["url"].(string), k.URL+"/media/") {
		t.Fatalf("result %v", v)
	}
	if k.Submissions("kling-v2-6") != 1 || k.Duplicates() != 1 || k.ActiveHighWater() != 1 || k.Active() != 0 {
		t.Fatalf("counters subs=%d dups=%d hw=%d", k.Submissions(""), k.Duplicates(), k.ActiveHighWater())
	}
	if code, _ := do(t, "GET", v["url"].(string), "", nil); code != 200 || k.Downloads() != 1 {
		t.Fatalf("downloads %d", k.Downloads())
	}
}
