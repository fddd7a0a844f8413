package client_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/client"
	"github.com/fashionshoot/shoot/internal/beatgen"
	"github.com/fashionshoot/shoot/internal/httpapi"
	"github.com/fashionshoot/shoot/internal/httpapi/httpapitest"
)

// studio serves the real API handler on a real SQLite database and blob
// folder in a temporary directory, and returns a client of it.
func studio(t *testing.T) *client.Client {
	t.Helper()
	s := httpapitest.NewStorage(t, nil)
	_, ts := httpapitest.Serve(t, httpapi.Deps{Config: s.Config, Store: s.Store, Bucket: s.Bucket})
	return client.New(ts.URL)
}

// clickTrack is four seconds of a 120 BPM click track, as WAV bytes.
func clickTrack() []byte {
	return beatgen.WAV(beatgen.Generate(beatgen.Track{BPM: 120, Seconds: 4, Seed: 5}).Samples)
}

// TestUploadAudio runs UploadAudio against the studio's own handler: a
// WAV bed is stored as audio and served back byte for byte from the URL
// options.audio takes; in a batch with a file that is no bed, the bed is
// kept and the other refused by name; the same bed sent by Upload, as a
// picture, is refused (an *Error, 400), so the field the client picks is
// the one the studio reads.
func TestUploadAudio(t *testing.T) {
	t.Parallel()
	c := studio(t)
	ctx := context.Background()
	wav := clickTrack()

	up, err := c.UploadAudio(ctx, client.File{Name: "bed.wav", Data: wav})
	if err != nil {
		t.Fatal(err)
	}
	if !up.Success || up.Count != 1 || len(up.Files) != 1 || len(up.Errors) != 0 {
		t.Fatalf("UploadAudio = %+v", up)
	}
	f := up.Files[0]
	if f.MimeType != "audio/wav" || f.OriginalName != "bed.wav" || f.Size != int64(len(wav)) ||
		!strings.HasPrefix(f.URL, "/uploads/") || !strings.HasSuffix(f.URL, ".wav") {
		t.Errorf("stored file %+v", f)
	}
	var got bytes.Buffer
	if err := c.Download(ctx, f.URL, &got); err != nil || !bytes.Equal(got.Bytes(), wav) {
		t.Errorf("GET %s: %v, %d bytes, want the %d uploaded", f.URL, err, got.Len(), len(wav))
	}

	mixed, err := c.UploadAudio(ctx, client.File{Name: "notes.mp3", Data: []byte("not a sound")},
		client.File{Name: "again.wav", Data: wav})
	if err != nil {
		t.Fatal(err)
	}
	if mixed.Count != 1 || len(mixed.Files) != 1 || mixed.Files[0].OriginalName != "again.wav" ||
		len(mixed.Errors) != 1 || mixed.Errors[0].OriginalName != "notes.mp3" {
		t.Errorf("a bed and a text file: %+v", mixed)
	}

	_, err = c.Upload(ctx, client.File{Name: "bed.wav", Data: wav})
	var apiErr *client.Error
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusBadRequest {
		t.Errorf("a bed sent as a picture: %v, want a 400 *client.Error", err)
	}
}
