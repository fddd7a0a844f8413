package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/fashionshoot/shoot/client"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// runRemote is `shoot run --server URL`: the same shoot as a local run,
// made by a remote studio through its HTTP API (the client package). The
// token, when the studio asks for one, comes from SHOOT_TOKEN. After each
// exchange the session's export is unpacked into --out, so the folder has
// the local run's layout.
func runRemote(ctx context.Context, e *env, server string, f runFlags) error {
	c := client.New(server, client.WithToken(e.getenv("SHOOT_TOKEN")))
	refs, err := remoteRefs(ctx, c, f)
	if err != nil {
		return err
	}
	frames, err := uploadPaths(ctx, c, "--frame", f.frames)
	if err != nil {
		return err
	}
	audio, err := remoteAudio(ctx, c, f.audio)
	if err != nil {
		return err
	}
	opts := client.Options{AspectRatio: f.opts.AspectRatio, Resolution: f.opts.Resolution, Loop: f.opts.Loop,
		Easing: f.opts.Easing, ClipDuration: f.opts.ClipDuration, AutoApprove: f.yes, Frames: frames, Deliver: f.opts.Deliver,
		Preset: f.opts.Preset, Audio: audio}
	if est, err := c.Estimate(ctx, opts); err == nil {
		fmt.Fprintf(e.stderr, "Estimated cost: $%.2f (%d images, %d clips)\n", est.TotalUSD, est.Images, est.Clips)
	}
	st, err := c.Generate(ctx, client.GenerateRequest{Prompt: f.brief, InputImages: refs, Options: opts})
	if err != nil {
		return err
	}
	view := newProgressView(e.stderr, e.tty)
	in := bufio.NewReader(e.stdin)
	for {
		end, sid, err := followRemote(view, st)
		if err != nil {
			return err
		}
		if end.Type == shoot.EventError {
			return fmt.Errorf("%s", end.Message)
		}
		if err := unpackExport(ctx, c, sid, f.out); err != nil {
			return err
		}
		if end.Stage == shoot.StageComplete {
			fmt.Fprintf(e.stdout, "%s\n", filepath.Join(f.out, "final", "fashion-video.mp4"))
			return nil
		}
		answer, err := ask(ctx, e.stderr, in, end, f.out)
		if err != nil {
			return err
		}
		if st, err = c.Continue(ctx, sid, answer); err != nil {
			return err
		}
	}
}

// remoteRefs uploads the --ref files (or the bundled demo pictures) and
// returns their references.
func remoteRefs(ctx context.Context, c *client.Client, f runFlags) ([]string, error) {
	var files []client.File
	if f.demo && len(f.refs) == 0 {
		entries, err := demoRefs.ReadDir("demo")
		if err != nil {
			return nil, err
		}
		for _, d := range entries {
			data, err := demoRefs.ReadFile("demo/" + d.Name())
			if err != nil {
				return nil, err
			}
			files = append(files, client.File{Name: d.Name(), Data: data})
		}
	}
	for _, p := range f.refs {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("--ref %s: %w", p, err)
		}
		files = append(files, client.File{Name: filepath.Base(p), Data: data})
	}
	return upload(ctx, c, "--ref", files)
}

// remoteAudio uploads the --audio bed, if any, and returns its reference.
func remoteAudio(ctx context.Context, c *client.Client, p string) (string, error) {
	if p == "" {
		return "", nil
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return "", fmt.Errorf("--audio %s: %w", p, err)
	}
	up, err := c.UploadAudio(ctx, client.File{Name: filepath.Base(p), Data: data})
	if err != nil {
		return "", fmt.Errorf("--audio %s: %w", p, err)
	}
	if len(up.Errors) > 0 {
		return "", fmt.Errorf("--audio %s: %s", p, up.Errors[0].Error)
	}
	if len(up.Files) != 1 {
		return "", fmt.Errorf("--audio %s: the studio stored %d files", p, len(up.Files))
	}
	return up.Files[0].URL, nil
}

// uploadPaths uploads the files at paths (the flag's values) in order.
func uploadPaths(ctx context.Context, c *client.Client, flag string, paths []string) ([]string, error) {
	files := make([]client.File, 0, len(paths))
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", flag, p, err)
		}
		files = append(files, client.File{Name: filepath.Base(p), Data: data})
	}
	return upload(ctx, c, flag, files)
}

// upload stores files on the studio and returns their references, in
// order; any refused file stops the run, naming it.
func upload(ctx context.Context, c *client.Client, flag string, files []client.File) ([]string, error) {
	var refs []string
	for len(files) > 0 {
		batch := files[:min(len(files), uploadBatch)]
		files = files[len(batch):]
		up, err := c.Upload(ctx, batch...)
		if err != nil {
			return nil, err
		}
		if len(up.Errors) > 0 {
			return nil, fmt.Errorf("%s %s: %s", flag, up.Errors[0].OriginalName, up.Errors[0].Error)
		}
		for _, u := range up.Files {
			refs = append(refs, u.URL)
		}
	}
	return refs, nil
}

// uploadBatch is how many files one upload request may carry.
const uploadBatch = 10

// followRemote renders one exchange's events and returns how it ended and
// the session it belongs to.
func followRemote(view *progressView, st *client.Stream) (exchangeEnd, string, error) {
	var end exchangeEnd
	sid := ""
	for ev, err := range st.Events() {
		if err != nil {
			return end, sid, err
		}
		var m map[string]any
		if json.Unmarshal(ev.Data, &m) != nil {
			continue
		}
		if ev.SessionID != "" {
			sid = ev.SessionID
		}
		view.render(ev.Type, m)
		if ev.Terminal() {
			return view.endOf(ev.Type, m), sid, nil
		}
	}
	return end, sid, errors.New("the studio ended the stream before the exchange was over")
}

// unpackExport downloads the session's export and writes its files under
// out, refusing any name that would leave out.
func unpackExport(ctx context.Context, c *client.Client, sid, out string) error {
	var buf bytes.Buffer
	if err := c.Download(ctx, client.ExportPath(sid), &buf); err != nil {
		return err
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return fmt.Errorf("export of %s: %w", sid, err)
	}
	for _, zf := range zr.File {
		name := path.Clean(zf.Name)
		if !zf.FileInfo().Mode().IsRegular() || path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			return fmt.Errorf("export of %s: unsafe entry %q", sid, zf.Name)
		}
		if err := writeZipFile(zf, filepath.Join(out, filepath.FromSlash(name))); err != nil {
			return err
		}
	}
	return nil
}

func writeZipFile(zf *zip.File, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	r, err := zf.Open()
	if err != nil {
		return err
	}
	defer r.Close()
	w, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// runRemoteChecked checks the command line as a local run does, then runs
// the shoot on the remote studio.
func runRemoteChecked(ctx context.Context, e *env, server string, f *runFlags, fs *pflag.FlagSet) error {
	switch {
	case !strings.HasPrefix(server, "http://") && !strings.HasPrefix(server, "https://"):
		return usagef("--server must be an http:// or https:// URL")
	case f.resume != "" || f.json || f.dataDir != "":
		return usagef("--server does not go with --resume, --json or --data-dir")
	}
	if err := f.check(fs); err != nil {
		return err
	}
	return runRemote(ctx, e, server, *f)
}
