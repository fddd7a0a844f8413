package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/imaging"
	"github.com/fashionshoot/shoot/internal/media"
	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// runFlags are `shoot run`'s own flags.
type runFlags struct {
	refs   stringList
	frames stringList
	brief  string
	out    string
	yes    bool
	demo   bool
	opts   shoot.Options
}

func cmdRun(ctx context.Context, e *env, args []string) error {
	cfg, cfgErr := config.FromEnv(e.getenv)
	fs := newFlagSet(e, "run", "--ref FILE… --brief TEXT --out DIR [--yes] [--aspect R] [--loop] [--easing NAME]")
	var f runFlags
	fs.Var(&f.refs, "ref", "reference image: model, outfit or accessory (repeat for several)")
	fs.Var(&f.frames, "frame", "one of your own stills, in film order (repeat, 2 to 12): no hero or contact sheet, straight to the clips")
	fs.StringVar(&f.brief, "brief", "", "one-line direction, e.g. \"streetwear editorial, confident energy\"")
	fs.StringVar(&f.out, "out", "", "folder to write the shoot to (hero.png, frames/, videos/, final/, manifest.json)")
	fs.BoolVar(&f.yes, "yes", false, "approve every checkpoint without asking")
	fs.BoolVar(&f.demo, "demo", false, "shoot the bundled sample references (no --ref needed)")
	fs.StringVar(&f.opts.AspectRatio, "aspect", "", "aspect ratio of the hero and contact sheet (default 3:2)")
	fs.StringVar(&f.opts.Resolution, "resolution", "", "image resolution: 1K, 2K or 4K (default 2K)")
	fs.BoolVar(&f.opts.Loop, "loop", false, "add a sixth clip (frame 6 → 1) so the film loops seamlessly")
	fs.StringVar(&f.opts.Easing, "easing", "", "easing of the speed ramp (default dramaticSwoop; see shoot easings)")
	fs.Float64Var(&f.opts.ClipDuration, "clip-duration", 0, "seconds per clip in the film (default 1.5)")
	dataDir := fs.String("data-dir", "", "keep the session database and files here (default: a temporary folder)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if cfgErr != nil {
		return usagef("%v", cfgErr)
	}
	if err := f.check(); err != nil {
		return err
	}
	f.opts.AutoApprove = f.yes
	cleanup, err := runDataDir(cfg, *dataDir)
	if err != nil {
		return err
	}
	defer cleanup()
	if err := cfg.Finish(); err != nil {
		return usagef("%v", err)
	}
	return shootOnce(ctx, e, cfg, f)
}

func (f *runFlags) check() error {
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
	if err := o.Validate(); err != nil {
		return usagef("%s", shoot.ErrorMessage(err))
	}
	return nil
}

// runDataDir points cfg at the requested data folder, or a temporary one
// that is removed afterwards (the film and manifest live in --out).
func runDataDir(cfg *config.Config, dir string) (func(), error) {
	if dir != "" {
		cfg.DataDir = dir
		return func() {}, nil
	}
	tmp, err := os.MkdirTemp("", "shoot-run-")
	if err != nil {
		return nil, err
	}
	cfg.DataDir = tmp
	cfg.DatabaseURL, cfg.BlobURL = "", ""
	return func() { os.RemoveAll(tmp) }, nil
}

// shootOnce runs one whole shoot on an engine of its own.
func shootOnce(ctx context.Context, e *env, cfg *config.Config, f runFlags) error {
	a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
	if err != nil {
		return err
	}
	defer a.close()
	eng, err := buildEngine(ctx, cfg, a.store, a.bucket, a.logger, runWorkers(cfg))
	if err != nil {
		return err
	}
	if err := eng.queue.Start(ctx); err != nil {
		return err
	}
	defer eng.queue.Stop(context.WithoutCancel(ctx))
	refs, err := f.uploadRefs(ctx, a)
	if err != nil {
		return err
	}
	if f.opts.Frames, err = uploadFiles(ctx, a, "--frame", f.frames); err != nil {
		return err
	}
	sess, after, err := eng.Start(ctx, pipeline.StartRequest{Brief: f.brief, Inputs: refs, Options: f.opts})
	if err != nil {
		return err
	}
	img, vid, dir := eng.Providers()
	fmt.Fprintf(e.stderr, "Shoot %s — image %s, video %s, director %s\n", sess.ID, img, vid, dir)
	if est, err := eng.Estimate(f.opts); err == nil {
		fmt.Fprintf(e.stderr, "Estimated cost: $%.2f (%d images, %d clips)\n", est.TotalUSD, est.Images, est.Clips)
	}
	return drive(ctx, e, eng, a, sess.ID, after, f)
}

// runWorkers is how many jobs `shoot run` works at once: the configured
// number, but never fewer than every clip in flight plus the director's
// turn, or the clips the pipeline runs in parallel would queue for workers.
func runWorkers(cfg *config.Config) int {
	return max(cfg.Workers, cfg.ClipConcurrency+1)
}

// drive follows the session's exchanges, asking at each checkpoint, until
// the film exists (exit 0) or the shoot fails.
func drive(ctx context.Context, e *env, eng *engine, a *app, sid string, after int64, f runFlags) error {
	in := bufio.NewReader(e.stdin)
	view := newProgressView(e.stderr)
	view.local = func(msg string) string { return localPaths(msg, sid, f.out) }
	for {
		end, err := view.follow(ctx, eng.Events(), sid, after)
		if err != nil {
			return err
		}
		if end.Type == shoot.EventError {
			return fmt.Errorf("%s", end.Message)
		}
		if err := export(ctx, eng, a, sid, f.out); err != nil {
			return err
		}
		if end.Stage == shoot.StageComplete {
			fmt.Fprintf(e.stdout, "%s\n", filepath.Join(f.out, "final", "fashion-video.mp4"))
			return nil
		}
		answer, err := ask(e.stderr, in, end, f.out)
		if err != nil {
			return err
		}
		if _, after, err = eng.Continue(ctx, sid, answer); err != nil {
			return err
		}
	}
}

// ask shows the checkpoint's artifacts and reads the user's answer.
func ask(w io.Writer, in *bufio.Reader, end exchangeEnd, out string) (string, error) {
	fmt.Fprintf(w, "\n%s\n", end.Message)
	for _, k := range end.Artifacts {
		fmt.Fprintf(w, "  %s\n", filepath.Join(out, seedPath(k)))
	}
	fmt.Fprint(w, "Press Enter to approve, or type what to change: ")
	line, err := in.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		return "", errors.New("no answer on standard input (run with --yes to approve every checkpoint)")
	}
	if line = strings.TrimSpace(line); line == "" {
		line = "continue"
	}
	return line, nil
}

// localPaths rewrites the storage keys of session sid that text names
// (outputs/<sid>/final/fashion-video.v2.mp4) into the files `shoot run`
// exports them to under out (<out>/final/fashion-video.mp4): the newest
// version of each artifact is written without its version suffix.
func localPaths(text, sid, out string) string {
	prefix := regexp.QuoteMeta("outputs/" + sid + "/")
	re := regexp.MustCompile(prefix + `([A-Za-z0-9_./-]*?)(?:\.v[0-9]+)?(\.[A-Za-z0-9]+)\b`)
	return re.ReplaceAllStringFunc(text, func(key string) string {
		m := re.FindStringSubmatch(key)
		return filepath.Join(out, filepath.FromSlash(m[1]+m[2]))
	})
}

// seedPath turns a blob key outputs/<sid>/<path> into <path>.
func seedPath(key string) string {
	parts := strings.SplitN(key, "/", 3)
	if len(parts) == 3 {
		return parts[2]
	}
	return key
}

// export writes the newest artifacts in the seed's layout under out, plus
// manifest.json.
func export(ctx context.Context, eng *engine, a *app, sid, out string) error {
	m, err := eng.Manifest(ctx, sid)
	if err != nil {
		return err
	}
	for _, art := range m.Artifacts {
		data, err := a.bucket.ReadAll(ctx, art.Key)
		if err != nil {
			return fmt.Errorf("read %s: %w", art.Key, err)
		}
		p := filepath.Join(out, filepath.FromSlash(art.File))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	raw, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "manifest.json"), append(raw, '\n'), 0o644)
}
