package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	liberrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"github.com/pb33f/libopenapi/datamodel/high/base"

	"github.com/fashionshoot/shoot/client"
	"github.com/fashionshoot/shoot/internal/beatgen"
	"github.com/fashionshoot/shoot/internal/httpapi"
)

// eventSchema is the document's Event schema, to validate every event a
// real stream carries.
func eventSchema(t *testing.T) *base.Schema {
	t.Helper()
	doc, err := libopenapi.NewDocument(httpapi.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	m, err := doc.BuildV3Model()
	if err != nil {
		t.Fatal(err)
	}
	s := m.Model.Components.Schemas.GetOrZero("Event")
	if s == nil {
		t.Fatal("no Event schema in the document")
	}
	return s.Schema()
}

// reasons joins the schema failures of a validation.
func reasons(errs []*liberrors.ValidationError) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(e.Reason)
		for _, s := range e.SchemaValidationErrors {
			b.WriteString("; " + s.KeywordLocation + ": " + s.Reason)
		}
	}
	return b.String()
}

// TestOfflineShootOverHTTP drives one whole offline shoot on `shoot serve`
// with the client package: upload, generate-stream, "continue" at each of
// the four checkpoints, the film. Two former tests ran this same shoot and
// now share it, each a subtest with its own checks:
//
//   - ClientRunsOfflineShoot: every event of every stream validates
//     against the document's Event schema; the client lists the assets and
//     downloads the film; an unknown session is a not_found error.
//   - HTTPShootAnsweringContinue: the first stream opens with session_init,
//     every exchange ends with complete, the checkpoints come in order, and
//     the film is served as video/mp4.
func TestOfflineShootOverHTTP(t *testing.T) {
	t.Parallel()
	studio := startStudio(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := client.New(studio.Base)
	up, err := c.Upload(ctx, client.File{Name: "model.png", Data: refPNG(1)}, client.File{Name: "coat.png", Data: refPNG(2)})
	if err != nil || len(up.Files) != 2 {
		t.Fatalf("upload: %+v, %v", up, err)
	}
	st, err := c.Generate(ctx, client.GenerateRequest{Prompt: "camel coat editorial", InputImages: []string{up.Files[0].URL, up.Files[1].URL},
		Options: client.Options{Resolution: "1K", ClipDuration: 0.5, FPS: 24}})
	if err != nil {
		t.Fatal(err)
	}
	// rounds holds each exchange's events, from generate-stream and then
	// from one continue-stream per answer.
	var rounds [][]client.Event
	var sid string
	for round := 0; ; round++ {
		var evs []client.Event
		for ev, err := range st.Events() {
			if err != nil {
				t.Fatal(err)
			}
			if ev.SessionID != "" {
				sid = ev.SessionID
			}
			evs = append(evs, ev)
		}
		rounds = append(rounds, evs)
		if len(evs) == 0 {
			t.Fatalf("round %d had no events", round)
		}
		last := evs[len(evs)-1]
		if last.Type != client.EventComplete {
			t.Fatalf("round %d ended with %s: %s", round, last.Type, last.Data)
		}
		if last.Stage == "complete" {
			break
		}
		if round == 4 {
			t.Fatalf("still not done after 4 answers")
		}
		if st, err = c.Continue(ctx, sid, "continue"); err != nil {
			t.Fatal(err)
		}
	}
	var stages []string
	for _, evs := range rounds {
		for _, ev := range evs {
			if ev.Type == client.EventCheckpoint {
				stages = append(stages, ev.Stage)
			}
		}
	}

	t.Run("ClientRunsOfflineShoot", func(t *testing.T) {
		schema := eventSchema(t)
		sv := schema_validation.NewSchemaValidator()
		for _, evs := range rounds {
			for _, ev := range evs {
				if ok, errs := sv.ValidateSchemaBytes(schema, ev.Data); !ok {
					t.Errorf("event %d (%s) does not match the Event schema: %s\n%s", ev.ID, ev.Type, reasons(errs), ev.Data)
				}
			}
		}
		if want := "hero contact-sheet frames clips complete"; strings.Join(stages, " ") != want {
			t.Errorf("checkpoints %v, want %s", stages, want)
		}
		assets, err := c.Assets(ctx, sid)
		if err != nil || len(assets.Final) != 1 || len(assets.Frames) != 6 || len(assets.Videos) != 5 {
			t.Fatalf("assets: %+v, %v", assets, err)
		}
		var film bytes.Buffer
		if err := c.Download(ctx, assets.Final[0].URL, &film); err != nil {
			t.Fatal(err)
		}
		if film.Len() < 1000 || !bytes.Contains(film.Bytes()[:64], []byte("ftyp")) {
			t.Errorf("the film is %d bytes and not an MP4", film.Len())
		}
		if _, err := c.Session(ctx, "session_0_missing"); err == nil {
			t.Error("an unknown session was found")
		} else if e, ok := err.(*client.Error); !ok || e.Status != 404 || e.Code != "not_found" {
			t.Errorf("unknown session: %#v", err)
		}
	})

	t.Run("HTTPShootAnsweringContinue", func(t *testing.T) {
		if first := rounds[0][0]; first.Type != client.EventSessionInit || first.SessionID == "" {
			t.Fatalf("first event %s", first.Data)
		}
		for i, evs := range rounds {
			if end := evs[len(evs)-1]; end.Type != client.EventComplete {
				t.Errorf("exchange %d ended with %s", i, end.Data)
			}
		}
		if got := strings.Join(stages, ","); got != "hero,contact-sheet,frames,clips,complete" {
			t.Fatalf("checkpoints = %s", got)
		}
		resp, err := http.Get(studio.Base + "/outputs/" + sid + "/final/fashion-video.mp4")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "video/mp4" || resp.ContentLength < 1000 {
			t.Fatalf("film: %d %s %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), resp.ContentLength)
		}
	})
}

// TestRunServerShootsOnRemoteStudio runs `shoot run --server URL --demo
// --yes` against `shoot serve` and checks the folder it writes.
func TestRunServerShootsOnRemoteStudio(t *testing.T) {
	t.Parallel()
	studio := startStudio(t, nil)
	out := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	code, stdout, stderr := runShoot(ctx, nil, "run", "--server", studio.Base, "--demo", "--yes", "--out", out)
	if code != 0 {
		t.Fatalf("shoot run --server: exit %d\n%s", code, stderr)
	}
	film := filepath.Join(out, "final", "fashion-video.mp4")
	if strings.TrimSpace(stdout) != film {
		t.Errorf("stdout %q, want %q", stdout, film)
	}
	for _, p := range []string{"hero.png", "contact-sheet.png", "frames/frame-6.png", "videos/video-5.mp4", "final/fashion-video.mp4", "manifest.json"} {
		if fi, err := os.Stat(filepath.Join(out, p)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", p, err)
		}
	}
	if code, _, stderr := runShoot(ctx, nil, "run", "--server", "ftp://x", "--demo", "--yes", "--out", out); code != 2 || !strings.Contains(stderr, "--server") {
		t.Errorf("a bad --server: exit %d, %q", code, stderr)
	}
}

// TestRunServerWithOwnFrames runs `shoot run --server URL --frame …`: the
// stills are uploaded in order and the remote studio makes the film from
// them.
func TestRunServerWithOwnFrames(t *testing.T) {
	t.Parallel()
	studio := startStudio(t, nil)
	dir, out := t.TempDir(), t.TempDir()
	args := append([]string{"run", "--server", studio.Base, "--yes", "--out", out}, stillFrameArgs(t, dir, 10)...)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	code, _, stderr := runShoot(ctx, nil, args...)
	if code != 0 {
		t.Fatalf("shoot run --server --frame: exit %d\n%s", code, stderr)
	}
	for _, p := range []string{"frames/frame-3.png", "videos/video-2.mp4", "final/fashion-video.mp4"} {
		if fi, err := os.Stat(filepath.Join(out, p)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "videos", "video-3.mp4")); err == nil {
		t.Error("three frames without --loop made a third clip")
	}
}

// TestRunServerWithAudioBed runs `shoot run --server URL --audio …` on
// three stills: the bed goes up through the audio upload, the remote
// film's one cut is put on its beat (the manifest's film entry has a beat
// grid and a loudness pass), and a
// file that is no bed stops the run before any shoot, naming the flag.
func TestRunServerWithAudioBed(t *testing.T) {
	t.Parallel()
	studio := startStudio(t, nil)
	dir, out := t.TempDir(), t.TempDir()
	bed := filepath.Join(dir, "bed.wav")
	if err := beatgen.WriteWAV(bed, beatgen.Generate(beatgen.Track{BPM: 120, Seconds: 6, Seed: 9}).Samples); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"run", "--server", studio.Base, "--yes", "--out", out, "--audio", bed}, stillFrameArgs(t, dir, 20)...)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	code, _, stderr := runShoot(ctx, nil, args...)
	if code != 0 {
		t.Fatalf("shoot run --server --audio: exit %d\n%s", code, stderr)
	}
	m := readManifest(t, out)
	if !strings.HasPrefix(m.Options.Audio, "uploads/") || !strings.HasSuffix(m.Options.Audio, ".wav") {
		t.Errorf("options.audio = %q, want the uploaded bed", m.Options.Audio)
	}
	cut := false
	for _, a := range m.Artifacts {
		if a.File == "final/fashion-video.mp4" {
			cut = a.Details.Beat != nil && a.Details.Loudness != nil
		}
	}
	if !cut {
		t.Errorf("the film has no beat grid or loudness pass: %+v", m.Artifacts)
	}

	notes := filepath.Join(dir, "notes.wav")
	if err := os.WriteFile(notes, []byte("not a sound"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := []string{"run", "--server", studio.Base, "--yes", "--out", t.TempDir(), "--audio", notes, "--frame", args[len(args)-1], "--frame", args[len(args)-3]}
	if code, _, stderr := runShoot(ctx, nil, bad...); code == 0 || !strings.Contains(stderr, "--audio") {
		t.Errorf("a bed that is no sound: exit %d, %q", code, stderr)
	}
}

// stillFrameArgs writes three distinct stills to dir (drawn from seeds
// seed+1…seed+3) and returns them as --frame flags.
func stillFrameArgs(t *testing.T, dir string, seed int) []string {
	t.Helper()
	var args []string
	for i := 1; i <= 3; i++ {
		p := filepath.Join(dir, "still-"+string(rune('0'+i))+".png")
		if err := os.WriteFile(p, refPNG(seed+i), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--frame", p)
	}
	return args
}
