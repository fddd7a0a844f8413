package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/client"
)

// TestUploadAllFailedSaysWhy runs Upload and UploadAudio against the
// studio's own handler with files that are all refused: the *Error names
// each file with its reason in its message, once.
func TestUploadAllFailedSaysWhy(t *testing.T) {
	t.Parallel()
	c := studio(t)
	ctx := context.Background()
	big := make([]byte, 10<<20+1)
	_, err := c.Upload(ctx, client.File{Name: "notes.txt", Data: []byte("hello")}, client.File{Name: "big.jpg", Data: big})
	var apiErr *client.Error
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest || apiErr.Code != "invalid" {
		t.Fatalf("Upload of two bad files: %v, want a 400 invalid *client.Error", err)
	}
	const why = "notes.txt: not a JPEG, PNG, WebP or GIF image; big.jpg: File too large: the limit is 10 MB"
	if msg := apiErr.Message; strings.Count(msg, why) != 1 || !strings.Contains(err.Error(), why) {
		t.Errorf("error %q, want it to say once %q", msg, why)
	}

	_, err = c.UploadAudio(ctx, client.File{Name: "look.mp3", Data: []byte("not a sound")})
	if !errors.As(err, &apiErr) || !strings.Contains(err.Error(), "look.mp3: ") || !strings.Contains(err.Error(), "must be a WAV") {
		t.Errorf("UploadAudio of a text file: %v", err)
	}
}

// TestUploadErrorNamesFilesTheMessageLeavesOut: a studio whose message
// gives no reasons still has its per-file errors shown by the client.
func TestUploadErrorNamesFilesTheMessageLeavesOut(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"success":false,"error":"All uploads failed","code":"invalid","count":0,"files":[],` +
			`"errors":[{"originalName":"look.gif","error":"not a picture."},{"originalName":"big.jpg","error":"too large"}]}`))
	}))
	defer ts.Close()
	_, err := client.New(ts.URL).Upload(context.Background(), client.File{Name: "look.gif", Data: []byte("x")})
	const want = "shoot api: 400 invalid: All uploads failed: look.gif: not a picture; big.jpg: too large"
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
}
