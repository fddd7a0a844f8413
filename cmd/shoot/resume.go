package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/fashionshoot/shoot/internal/config"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// runner is what `shoot run` has open: the app and an engine whose queue
// works this shoot's jobs.
type runner struct {
	app *app
	eng *engine
}

// openRunner opens the data folder and starts the queue.
func openRunner(ctx context.Context, e *env, cfg *config.Config) (*runner, error) {
	a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
	if err != nil {
		return nil, err
	}
	eng, err := buildEngine(ctx, cfg, a.store, a.bucket, a.logger, runWorkers(cfg))
	if err != nil {
		a.close()
		return nil, err
	}
	if err := eng.queue.Start(ctx); err != nil {
		a.close()
		return nil, err
	}
	return &runner{app: a, eng: eng}, nil
}

// close stops the queue, then closes the app. Interrupted, running jobs
// get a moment and are then cancelled; the queue keeps them for a resume.
func (r *runner) close(ctx context.Context) {
	stop := context.WithoutCancel(ctx)
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		stop, cancel = context.WithTimeout(stop, 2*time.Second)
		defer cancel()
	}
	r.eng.queue.Stop(stop)
	r.app.close()
}

// checkResume refuses the flags that only make sense for a new shoot:
// a resumed shoot goes on with its own references, brief and options.
func (f *runFlags) checkResume(fs *pflag.FlagSet) error {
	for _, name := range []string{"ref", "frame", "brief", "demo", "aspect", "resolution", "loop", "easing", "clip-duration"} {
		if fs.Changed(name) {
			return usagef("--%s does not combine with --resume: the shoot goes on as it was started", name)
		}
	}
	switch {
	case f.dataDir == "":
		return usagef("--resume needs the --data-dir the shoot was started with")
	case f.out == "":
		return usagef("--out DIR is required")
	}
	return nil
}

// resumeShoot carries on an interrupted shoot: it replays the exchange the
// shoot is in, then goes on as a new run would.
func resumeShoot(ctx context.Context, e *env, cfg *config.Config, f *runFlags) (string, error) {
	r, err := openRunner(ctx, e, cfg)
	if err != nil {
		return "", err
	}
	defer r.close(ctx)
	s, err := r.app.store.GetSession(ctx, f.resume)
	if shoot.ErrorCode(err) == shoot.ENOTFOUND {
		return "", usagef("--resume: no shoot %q in %s", f.resume, cfg.DataDir)
	}
	if err != nil {
		return "", err
	}
	after, err := resumePoint(ctx, r.app.store, s)
	if err != nil {
		return s.ID, err
	}
	fmt.Fprintf(e.stderr, "Resuming shoot %s (%s)\n", s.ID, s.RunState)
	return s.ID, drive(ctx, e, r, s.ID, after, f)
}

// resumePoint is the event to follow the session from: the start of the
// running exchange, or of the last one when it has ended (at a checkpoint,
// the film or an error), so its end is shown again.
func resumePoint(ctx context.Context, st store.Store, s *shoot.Session) (int64, error) {
	var ends []int64
	after := int64(0)
	for {
		evs, err := st.EventsAfter(ctx, s.ID, after, 500)
		if err != nil {
			return 0, err
		}
		for _, ev := range evs {
			if ev.Terminal() {
				ends = append(ends, ev.Seq)
			}
			after = ev.Seq
		}
		if len(evs) < 500 {
			break
		}
	}
	if s.RunState != shoot.RunRunning {
		ends = ends[:max(0, len(ends)-1)]
	}
	if len(ends) == 0 {
		return 0, nil
	}
	return ends[len(ends)-1], nil
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
