package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/imaging"
	"github.com/fashionshoot/shoot/internal/media"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/social"
)

// runFlags are `shoot run`'s own flags.
type runFlags struct {
	refs    []string
	frames  []string
	audio   string
	brief   string
	out     string
	yes     bool
	demo    bool
	json    bool
	dataDir string
	resume  string
	opts    shoot.Options
}

// runReport is what `shoot run --json` prints once the film exists.
type runReport struct {
	SessionID string `json:"sessionId"`
	Out       string `json:"out"`
	Film      string `json:"film"`
	Manifest  string `json:"manifest"`
}

// newRunCmd is `shoot run`: a whole shoot from the terminal, asking at
// each checkpoint (or not, with --yes). Ctrl-C stops it without cancelling
// the shoot; --resume carries it on.
func newRunCmd(e *env) *cobra.Command {
	cfg, cfgErr := config.FromEnv(e.getenv)
	f := &runFlags{}
	cmd := &cobra.Command{Use: "run --ref FILE… --brief TEXT --out DIR", Short: "run a whole shoot from the terminal", Args: noArgs}
	fs := cmd.Flags()
	fs.StringArrayVar(&f.refs, "ref", nil, "reference image `FILE`: model, outfit or accessory (repeat for several)")
	fs.StringArrayVar(&f.frames, "frame", nil, "one of your own stills, in film order (repeat, 2 to 12): no hero or contact sheet, straight to the clips")
	fs.StringVar(&f.audio, "audio", "", "an audio bed `FILE` (WAV, MP3, FLAC, Ogg or M4A) under the film: cut on its beat, normalised to −14 LUFS")
	fs.StringSliceVar(&f.opts.Deliver, "deliver", nil, "also make the film in these formats, e.g. 9:16,4:5,1:1,16:9 (written to final/9x16/ … under --out)")
	fs.StringVar(&f.opts.Preset, "preset", "", "post to this platform: reels, tiktok, feed or youtube; adds its format, checks its frame-rate and length limits, caps its bitrate and names the file (e.g. final/9x16/fashion-video-reels-9x16.mp4)")
	fs.StringVar(&f.brief, "brief", "", "one-line direction, e.g. \"streetwear editorial, confident energy\"")
	fs.StringVar(&f.out, "out", "", "folder `DIR` to write the shoot to (hero.png, frames/, videos/, final/, manifest.json)")
	fs.BoolVar(&f.yes, "yes", false, "approve every checkpoint without asking")
	fs.BoolVar(&f.demo, "demo", false, "shoot the bundled sample references (no --ref needed)")
	fs.StringVar(&f.opts.AspectRatio, "aspect", "", "aspect ratio of the hero and contact sheet (default 3:2)")
	fs.StringVar(&f.opts.Resolution, "resolution", "", "image resolution: 1K, 2K or 4K (default 2K)")
	fs.BoolVar(&f.opts.Loop, "loop", false, "add a sixth clip (frame 6 → 1) so the film loops seamlessly")
	fs.StringVar(&f.opts.Easing, "easing", "", "easing of the speed ramp (default dramaticSwoop; see shoot easings)")
	fs.Float64Var(&f.opts.ClipDuration, "clip-duration", 0, "seconds per clip in the film (default 1.5)")
	fs.StringVar(&f.dataDir, "data-dir", "", "keep the session database and files in `DIR` (default: a temporary folder)")
	fs.StringVar(&f.resume, "resume", "", "carry on the interrupted shoot `SESSION` (with the --data-dir it was started with)")
	bindJSON(fs, &f.json, "the session, the film and the manifest")
	server := fs.String("server", "", "run the shoot on the studio at this `URL` instead of here (token from SHOOT_TOKEN)")
	completeWords(cmd, "aspect", shoot.ImageAspectRatios...)
	completeWords(cmd, "resolution", shoot.Resolutions...)
	completeWords(cmd, "easing", media.Names()...)
	completeWords(cmd, "preset", social.Names()...)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *server != "" {
			return runRemoteChecked(cmd.Context(), e, *server, f, fs)
		}
		if cfgErr != nil {
			return usagef("%v", cfgErr)
		}
		if err := f.check(fs); err != nil {
			return err
		}
		f.opts.AutoApprove = f.yes
		return runOrResume(cmd.Context(), e, cfg, f)
	}
	return cmd
}

// runOrResume runs (or resumes) the shoot in its data folder. Interrupted,
// it keeps the folder, even a temporary one, and says how to carry on.
func runOrResume(ctx context.Context, e *env, cfg *config.Config, f *runFlags) error {
	temp, err := runDataDir(cfg, f.dataDir)
	if err != nil {
		return err
	}
	if err := cfg.Finish(); err != nil {
		removeTemp(temp, cfg.DataDir)
		return usagef("%v", err)
	}
	var sid string
	if f.resume != "" {
		sid, err = resumeShoot(ctx, e, cfg, f)
	} else {
		sid, err = shootOnce(ctx, e, cfg, f)
	}
	if ctx.Err() != nil && sid != "" {
		return &resumeHint{hint: fmt.Sprintf("carry on with: shoot run --resume %s --data-dir %s --out %s",
			sid, shellQuote(cfg.DataDir), shellQuote(f.out))}
	}
	removeTemp(temp, cfg.DataDir)
	return err
}

func removeTemp(temp bool, dir string) {
	if temp {
		os.RemoveAll(dir)
	}
}

func (f *runFlags) check(fs *pflag.FlagSet) error {
	if f.resume != "" {
		return f.checkResume(fs)
	}
	if f.audio != "" {
		if st, err := os.Stat(f.audio); err != nil || st.IsDir() {
			return usagef("--audio %s: not a readable file", f.audio)
		}
	}
	if f.demo {
		if f.brief == "" {
			f.brief = demoBrief
		}
		if f.out == "" {
			f.out = "demo-shoot"
		}
	}
	if len(f.frames) > 0 {
		return f.checkFrames()
	}
	switch {
	case f.out == "":
		return usagef("--out DIR is required")
	case strings.TrimSpace(f.brief) == "":
		return usagef("--brief TEXT is required")
	case len(f.refs) == 0 && !f.demo:
		return usagef("at least one --ref FILE is required (or use --demo)")
	}
	return f.checkOptions()
}

// checkFrames checks a shoot from the user's own stills before any work:
// the count, and that every file is a picture the studio can read.
func (f *runFlags) checkFrames() error {
	switch n := len(f.frames); {
	case f.out == "":
		return usagef("--out DIR is required")
	case f.demo:
		return usagef("--frame and --demo do not go together")
	case n < shoot.MinOwnFrames || n > shoot.MaxOwnFrames:
		return usagef("--frame takes %d to %d stills in film order, not %d", shoot.MinOwnFrames, shoot.MaxOwnFrames, n)
	}
	for _, p := range f.frames {
		data, err := os.ReadFile(p)
		if err != nil {
			return usagef("--frame %s: %v", p, err)
		}
		if _, _, _, err := imaging.Sniff(data); err != nil {
			return usagef("--frame %s: %s", p, shoot.ErrorMessage(err))
		}
		if _, _, err := imaging.Decode(bytes.NewReader(data)); err != nil {
			return usagef("--frame %s: the picture cannot be decoded (%v)", p, err)
		}
	}
	return f.checkOptions()
}

// checkOptions rejects bad option flags as usage errors (exit 2) that name
// the flag, before anything is opened or written.
func (f *runFlags) checkOptions() error {
	o := f.opts
	switch {
	case o.AspectRatio != "" && !slices.Contains(shoot.ImageAspectRatios, o.AspectRatio):
		return usagef("--aspect must be one of %s", strings.Join(shoot.ImageAspectRatios, ", "))
	case o.Resolution != "" && !slices.Contains(shoot.Resolutions, o.Resolution):
		return usagef("--resolution must be one of %s", strings.Join(shoot.Resolutions, ", "))
	case o.Easing != "" && !slices.Contains(media.Names(), o.Easing):
		return usagef("--easing: unknown easing %q (see shoot easings)", o.Easing)
	case (shoot.Options{ClipDuration: o.ClipDuration}).Validate() != nil:
		return usagef("--clip-duration must be between 0.5 and 5 seconds")
	}
	if err := checkPlatform(o.Preset); err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return usagef("%s", shoot.ErrorMessage(err))
	}
	return nil
}

// runDataDir points cfg at the requested data folder, or a temporary one
// (temp is then true: the film and manifest live in --out).
func runDataDir(cfg *config.Config, dir string) (temp bool, err error) {
	if dir != "" {
		cfg.DataDir = dir
		return false, nil
	}
	tmp, err := os.MkdirTemp("", "shoot-run-")
	if err != nil {
		return false, err
	}
	cfg.DataDir = tmp
	cfg.DatabaseURL, cfg.BlobURL = "", ""
	return true, nil
}

// shootOnce runs one whole shoot on an engine of its own and returns its
// session id (once there is one).
func shootOnce(ctx context.Context, e *env, cfg *config.Config, f *runFlags) (string, error) {
	r, err := openRunner(ctx, e, cfg)
	if err != nil {
		return "", err
	}
	defer r.close(ctx)
	refs, err := f.uploadRefs(ctx, r.app)
	if err != nil {
		return "", err
	}
	if f.opts.Frames, err = uploadFiles(ctx, r.app, "--frame", f.frames); err != nil {
		return "", err
	}
	if f.audio != "" {
		data, err := os.ReadFile(f.audio)
		if err != nil {
			return "", fmt.Errorf("--audio %s: %w", f.audio, err)
		}
		u, err := pipeline.StoreAudio(ctx, r.app.store, r.app.bucket, filepath.Base(f.audio), data, "")
		if err != nil {
			return "", fmt.Errorf("--audio %s: %v", f.audio, err)
		}
		f.opts.Audio = u.Key
	}
	sess, after, err := r.eng.Start(ctx, pipeline.StartRequest{Brief: f.brief, Inputs: refs, Options: f.opts})
	if err != nil {
		return "", err
	}
	img, vid, dir := r.eng.Providers()
	fmt.Fprintf(e.stderr, "Shoot %s — image %s, video %s, director %s\n", sess.ID, img, vid, dir)
	if est, err := r.eng.Estimate(f.opts); err == nil {
		fmt.Fprintf(e.stderr, "Estimated cost: $%.2f (%d images, %d clips)\n", est.TotalUSD, est.Images, est.Clips)
	}
	return sess.ID, drive(ctx, e, r, sess.ID, after, f)
}

// runWorkers is how many jobs `shoot run` works at once: the configured
// number, but never fewer than every clip in flight plus the director's
// turn, or the clips the pipeline runs in parallel would queue for workers.
func runWorkers(cfg *config.Config) int {
	return max(cfg.Workers, cfg.ClipConcurrency+1)
}

// drive follows the session's exchanges, asking at each checkpoint, until
// the film exists (exit 0) or the shoot fails.
func drive(ctx context.Context, e *env, r *runner, sid string, after int64, f *runFlags) error {
	in := bufio.NewReader(e.stdin)
	view := newProgressView(e.stderr, e.tty)
	view.local = func(msg string) string { return localPaths(msg, sid, f.out) }
	for {
		end, err := view.follow(ctx, r.eng.Events(), sid, after)
		if err != nil {
			return err
		}
		if end.Type == shoot.EventError {
			return fmt.Errorf("%s", end.Message)
		}
		if err := export(ctx, r.eng, r.app, sid, f.out); err != nil {
			return err
		}
		if end.Stage == shoot.StageComplete {
			if err := r.presetFile(ctx, sid, f.out); err != nil {
				return err
			}
			return reportFilm(e, sid, f)
		}
		answer := "continue"
		if !f.yes {
			if answer, err = ask(ctx, e.stderr, in, end, f.out); err != nil {
				return err
			}
		}
		if _, after, err = r.eng.Continue(ctx, sid, answer); err != nil {
			return err
		}
	}
}

// reportFilm prints where the film is: its path, or with --json a summary.
func reportFilm(e *env, sid string, f *runFlags) error {
	film := filepath.Join(f.out, "final", "fashion-video.mp4")
	if f.json {
		return writeJSON(e.stdout, runReport{SessionID: sid, Out: f.out, Film: film, Manifest: filepath.Join(f.out, "manifest.json")})
	}
	fmt.Fprintln(e.stdout, film)
	return nil
}

// ask shows the checkpoint's artifacts and reads the user's answer; Ctrl-C
// while it waits ends the wait.
func ask(ctx context.Context, w io.Writer, in *bufio.Reader, end exchangeEnd, out string) (string, error) {
	fmt.Fprintf(w, "\n%s\n", end.Message)
	for _, k := range end.Artifacts {
		fmt.Fprintf(w, "  %s\n", filepath.Join(out, outputPath(k)))
	}
	fmt.Fprint(w, "Press Enter to approve, or type what to change: ")
	type answer struct {
		line string
		err  error
	}
	got := make(chan answer, 1)
	go func() {
		line, err := in.ReadString('\n')
		got <- answer{line, err}
	}()
	var a answer
	select {
	case a = <-got:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	if a.err != nil && (a.line == "" || !errors.Is(a.err, io.EOF)) {
		return "", errors.New("no answer on standard input (run with --yes to approve every checkpoint)")
	}
	if line := strings.TrimSpace(a.line); line != "" {
		return line, nil
	}
	return "continue", nil
}

// checkPlatform refuses a --preset of `shoot run` that names no platform;
// an x264 speed preset is named apart, as `shoot run` encodes at the
// studio's own speed.
func checkPlatform(name string) error {
	if name == "" {
		return nil
	}
	if _, ok := social.Lookup(name); ok {
		return nil
	}
	if social.IsX264(name) {
		return usagef("--preset %s is an x264 speed preset; shoot run takes a platform: %s", name, strings.Join(social.Names(), ", "))
	}
	return usagef("--preset: unknown preset %q (one of %s)", name, strings.Join(social.Names(), ", "))
}

// presetFile gives the film of the session's platform preset, once
// exported, its platform's file name too (a hard link, or a copy where
// links cannot be made): final/9x16/fashion-video-reels-9x16.mp4 next to
// final/9x16/fashion-video.mp4.
func (r *runner) presetFile(ctx context.Context, sid, out string) error {
	s, err := r.app.store.GetSession(ctx, sid)
	if err != nil {
		return err
	}
	p, ok := social.Lookup(s.Options.Preset)
	if !ok {
		return nil
	}
	_, err = linkPresetFile(filepath.Join(out, "final", p.Format.Dir(), "fashion-video.mp4"), p)
	return err
}

// linkPresetFile puts film, the preset's format, under the preset's file
// name in the same folder and returns that path.
func linkPresetFile(film string, p social.Preset) (string, error) {
	dst := filepath.Join(filepath.Dir(film), p.FileFor(filepath.Base(film)))
	if dst == film {
		return dst, nil
	}
	os.Remove(dst)
	if err := os.Link(film, dst); err == nil {
		return dst, nil
	}
	data, err := os.ReadFile(film)
	if err != nil {
		return "", fmt.Errorf("the %s film: %w", p.Platform, err)
	}
	return dst, os.WriteFile(dst, data, 0o644)
}
