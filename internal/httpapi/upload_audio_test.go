package httpapi_test

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/fashionshoot/shoot/internal/beatgen"
)

// audioFile renders a second of a tone with ffmpeg in the named container.
func audioFile(t *testing.T, ext string, codec ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Fatal("ffmpeg is needed to make audio test files: run scripts/setup.sh")
	}
	out := filepath.Join(t.TempDir(), "bed."+ext)
	args := append([]string{"-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=1"}, codec...)
	if msg, err := exec.Command("ffmpeg", append(args, out)...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// clickWAV is a generated click track as WAV bytes.
func clickWAV() []byte {
	return beatgen.WAV(beatgen.Generate(beatgen.Track{BPM: 120, Seconds: 4, Seed: 3}).Samples)
}

func bed(name string, data []byte) testFile {
	return testFile{field: "audio", name: name, contentType: "application/octet-stream", data: data}
}

var audioName = regexp.MustCompile(`^[0-9]{13}-[a-z0-9]+\.(wav|mp3|flac|ogg|m4a)$`)

// TestUploadAudioBed: the upload route's "audio" field takes WAV, MP3,
// FLAC, Ogg and M4A beds, known by their content whatever their name or
// declared type, stores them as uploads served back byte for byte, and
// lists them like pictures.
func TestUploadAudioBed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	cases := []struct {
		name, mime string
		data       []byte
	}{
		{"click.wav", "audio/wav", clickWAV()},
		{"tone.mp3", "audio/mpeg", audioFile(t, "mp3", "-c:a", "libmp3lame")},
		{"tone.flac", "audio/flac", audioFile(t, "flac")},
		{"tone.ogg", "audio/ogg", audioFile(t, "ogg", "-c:a", "libvorbis")},
		{"tone.m4a", "audio/mp4", audioFile(t, "m4a", "-c:a", "aac")},
		// A bed named like a picture is still a bed.
		{"cover.jpg", "audio/wav", clickWAV()},
	}
	for _, c := range cases {
		m := e.upload(t, http.StatusOK, bed(c.name, c.data))
		files := m["files"].([]any)
		if m["success"] != true || m["count"] != float64(1) || len(files) != 1 {
			t.Fatalf("%s: %v", c.name, m)
		}
		f := files[0].(map[string]any)
		if f["mimetype"] != c.mime || f["originalName"] != c.name || f["size"] != float64(len(c.data)) ||
			!audioName.MatchString(f["filename"].(string)) || f["url"] != "/uploads/"+f["filename"].(string) {
			t.Errorf("%s: file %v, want %s", c.name, f, c.mime)
			continue
		}
		resp, got := e.do(t, "GET", f["url"].(string), nil)
		if resp.StatusCode != http.StatusOK || !bytes.Equal(got, c.data) {
			t.Errorf("%s: GET %s = %d, %d bytes, want the %d uploaded", c.name, f["url"], resp.StatusCode, len(got), len(c.data))
		}
	}
}

// TestUploadAudioRefusals: what is not a bed is refused in the same 400
// shape as a bad picture, naming the file, and nothing of it is stored; a
// bed sent as a picture is no picture.
func TestUploadAudioRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	wav := clickWAV()
	big := append(bytes.Clone(wav[:44]), make([]byte, 10<<20)...)
	e.refuseUploads(t, []refusal{
		{"a picture", bed("look.mp3", pngBytes(t)), "must be a WAV, MP3, FLAC, Ogg or M4A"},
		{"text", bed("notes.wav", []byte("RIFF but not really a wave file")), "must be a WAV"},
		{"0xFF noise", bed("noise.mp3", bytes.Repeat([]byte{0xFF}, 64)), "must be a WAV"},
		{"empty", bed("empty.wav", nil), "must be a WAV"},
		{"over 10 MB", bed("long.wav", big), "File too large"},
		{"bed as picture", img("click.wav", "image/png", wav), "not a JPEG"},
	})
	// A bed and a picture in one request are both kept.
	m := e.upload(t, http.StatusOK, bed("click.wav", wav), img("look.png", "image/png", pngBytes(t)))
	if m["count"] != float64(2) {
		t.Errorf("a bed and a picture: %v", m)
	}
}

// TestAudioBedOwnership: options.audio names a bed its caller uploaded;
// another user's bed reads as unknown and a picture is not audio, both
// 400 before any work; the owner's own bed starts the shoot.
func TestAudioBedOwnership(t *testing.T) {
	t.Parallel()
	e := newAccessEnv(t, nil)
	alice, bob := e.token(t, "alice", false), e.token(t, "bob", false)
	send := func(tok string, f testFile) string {
		resp, m := e.uploadFilesAs(t, tok, f)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("upload: %d %v", resp.StatusCode, m)
		}
		return m["files"].([]any)[0].(map[string]any)["url"].(string)
	}
	audio := send(alice, bed("click.wav", clickWAV()))
	picture := send(alice, img("look.png", "image/png", pngBytes(t)))
	start := func(tok, ref string) (*http.Response, []byte) {
		return e.call(t, "POST", "/api/generate-stream", `{"prompt":"editorial","options":{"audio":"`+ref+`"}}`, "token", tok)
	}
	r, b := start(bob, audio)
	want(t, r, b, http.StatusBadRequest, "options.audio: unknown upload")
	r, b = start(alice, picture)
	want(t, r, b, http.StatusBadRequest, "is not audio")
	if n := e.queue.count(); n != 0 {
		t.Fatalf("queued %d jobs", n)
	}
	r, b = start(alice, audio)
	want(t, r, b, http.StatusOK, "")
	if n := e.queue.count(); n != 1 {
		t.Fatalf("queued %d jobs, want the shoot's first", n)
	}
}
