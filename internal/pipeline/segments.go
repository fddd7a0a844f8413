package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"gocloud.dev/blob"

	"github.com/fashionshoot/shoot/internal/media"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// The film is made of one eased segment per clip, joined without
// re-encoding. A segment is cut as soon as its clip lands and kept in the
// bucket next to the session's outputs, keyed by everything its pictures
// depend on: the clip's content, the easing, the clip duration, the frame
// rate, the size and the encoder settings. A new film after one changed
// clip therefore cuts only that clip again.

// WorkSegment cuts the segment of clip N (version Version) ahead of the
// film, while the user looks at the clips. It is best effort: the film
// cuts whatever segment is missing.
const WorkSegment = "segment"

// cutParams are what a segment's pictures depend on besides its clip.
type cutParams struct {
	easing string
	dur    float64
	fps    int
	preset string
	crf    int
	// frames, when not 0, is the segment's length in frames instead of
	// dur (a film cut on the beat of its audio bed).
	frames int
}

func (e *Engine) cutParams(o shoot.Options) cutParams {
	o = o.WithDefaults()
	p := cutParams{easing: o.Easing, dur: o.ClipDuration, fps: o.FPS, preset: e.opts.StitchPreset, crf: media.DefaultCRF}
	if p.preset == "" {
		p.preset, p.crf = media.FilmPreset, media.FilmCRF
	}
	return p
}

// landedClip is a clip the film uses: its content hash, size and probe,
// and its copy in scratch space for ffmpeg once one is needed (path ""
// until then).
type landedClip struct {
	n    int
	key  string // the clip asset's bucket key
	path string
	hash string // sha256 of the clip's bytes
	size media.Size
	info media.Info // ffprobe's description, handed to the cut
}

// clipFact is what the film needs to know of a stored clip without
// reading it: its content hash, picture size and probe.
type clipFact struct {
	hash string
	size media.Size
	info media.Info
}

// clipFacts remembers the facts of clips this engine has landed, by asset
// key (a key names one version's bytes for good), so the film can find
// their segments without reading and probing every clip again.
type clipFacts struct {
	mu sync.Mutex
	m  map[string]clipFact
}

// maxClipFacts bounds clipFacts; past it the oldest half is dropped.
const maxClipFacts = 1024

func (f *clipFacts) get(key string) (clipFact, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.m[key]
	return c, ok
}

func (f *clipFacts) put(key string, c clipFact) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil || len(f.m) >= maxClipFacts {
		f.m = map[string]clipFact{}
	}
	f.m[key] = c
}

// segmentKey is the bucket key of a clip's segment at p and size.
func segmentKey(sid string, c landedClip, p cutParams, size media.Size) string {
	params := fmt.Sprint(p.dur, p.fps, size.W, size.H, p.preset, p.crf)
	if p.frames != 0 {
		params += fmt.Sprint(" frames ", p.frames)
	}
	return fmt.Sprintf("outputs/%s/segments/%s.mp4", sid, digest(c.hash, p.easing, params))
}

// landClip writes clip data (stored under key) to dir and learns its hash
// and size, probing only a clip this engine has not seen.
func (e *Engine) landClip(ctx context.Context, dir string, n int, key string, data []byte) (landedClip, error) {
	sum := sha256.Sum256(data)
	c := landedClip{n: n, key: key, hash: hex.EncodeToString(sum[:])}
	if err := c.write(dir, data); err != nil {
		return c, err
	}
	if f, ok := e.facts.get(key); ok && f.hash == c.hash {
		c.size, c.info = f.size, f.info
		return c, nil
	}
	info, err := media.ProbeClip(ctx, c.path)
	if err != nil {
		return c, shoot.Wrap(err, shoot.EINVALID, fmt.Sprintf("clip %d: %v", c.n, err))
	}
	c.size, c.info = media.Size{W: info.Width, H: info.Height}, info
	if key != "" {
		e.facts.put(key, clipFact{hash: c.hash, size: c.size, info: info})
	}
	return c, nil
}

// write copies the clip's bytes to dir for ffmpeg.
func (c *landedClip) write(dir string, data []byte) error {
	c.path = filepath.Join(dir, fmt.Sprintf("clip-%d.mp4", c.n))
	if err := os.WriteFile(c.path, data, 0o600); err != nil {
		return shoot.Wrap(err, shoot.EINTERNAL, "no scratch space for the film")
	}
	return nil
}

// cutSegment leaves the segment of c at dst: copied from the bucket when an
// earlier cut made it, else encoded and kept. It reports whether it had to
// encode.
func (e *Engine) cutSegment(ctx context.Context, sid string, c landedClip, p cutParams, size media.Size, dst string) (bool, error) {
	key := segmentKey(sid, c, p, size)
	if e.keptSegment(ctx, key, dst) {
		e.countCut(false)
		return false, nil
	}
	ease, err := media.Lookup(p.easing)
	if err != nil {
		return false, shoot.Errorf(shoot.EINVALID, "unknown easing %q", p.easing)
	}
	if c.path == "" {
		data, err := e.readBlob(ctx, c.key)
		if err != nil {
			return false, err
		}
		if err := c.write(filepath.Dir(dst), data); err != nil {
			return false, err
		}
	}
	// One cut at a time: libx264 already keeps every core busy, and cuts
	// side by side would make the newest clip's segment, the one the film
	// waits for, share the machine with older ones.
	select {
	case e.cutting <- struct{}{}:
		defer func() { <-e.cutting }()
	case <-ctx.Done():
		return false, ctx.Err()
	}
	// The same segment may have been cut while this one waited for the
	// slot: the film asks for the last clip's segment while the clip's own
	// cut is still running.
	if e.keptSegment(ctx, key, dst) {
		e.countCut(false)
		return false, nil
	}
	var frames []int
	if p.frames != 0 {
		frames = []int{p.frames}
	}
	// The clip was probed when it landed: its probe comes along.
	_, err = media.EncodeSegment(ctx, media.StitchOptions{Clips: []string{c.path}, Out: dst, ClipDuration: p.dur,
		FPS: p.fps, Easing: ease, Preset: p.preset, CRF: p.crf, Width: size.W, Height: size.H, ClipFrames: frames,
		Probes: []media.Info{c.info}})
	if err != nil {
		return true, shoot.Wrap(err, shoot.EINTERNAL, fmt.Sprintf("cutting clip %d failed: %v", c.n, err))
	}
	e.countCut(true)
	if err := e.upload(ctx, dst, key); err != nil {
		e.logger.Warn("keeping a segment failed", "session_id", sid, "clip", c.n, "err", err)
	}
	return true, nil
}

// keptSegment copies the segment an earlier cut kept under key to dst,
// and reports whether there was one.
func (e *Engine) keptSegment(ctx context.Context, key, dst string) bool {
	ok, err := e.bucket.Exists(ctx, key)
	return err == nil && ok && e.download(ctx, key, dst) == nil
}

// countCut tells Options.CountCuts of a segment encoded or reused.
func (e *Engine) countCut(encoded bool) {
	if e.opts.CountCuts != nil {
		e.opts.CountCuts(encoded)
	}
}

// prepareSegment cuts the segment of clip n, just landed, at the session's
// current film settings and the clip's own size (and, with an audio bed,
// at the length the beat gives it), so the film only has to join it.
// Failures are logged: the film cuts what is missing itself.
func (e *Engine) prepareSegment(ctx context.Context, s *shoot.Session, n int, key string, data []byte) {
	dir, err := os.MkdirTemp(e.opts.TempDir, "shoot-segment-")
	if err != nil {
		e.logger.Warn("no scratch space for a segment", "session_id", s.ID, "err", err)
		return
	}
	defer os.RemoveAll(dir)
	c, err := e.landClip(ctx, dir, n, key, data)
	if err == nil {
		size := media.CommonSize([]media.Size{c.size})
		p := e.cutParams(s.Options)
		p.frames = e.segmentFrames(ctx, s, n, dir)
		_, err = e.cutSegment(ctx, s.ID, c, p, size, filepath.Join(dir, "segment.mp4"))
	}
	if err != nil && ctx.Err() == nil {
		e.logger.Warn("cutting a segment ahead of the film failed", "session_id", s.ID, "clip", n, "err", err)
	}
}

// clipLanded starts the film's work on a clip that was just stored: with
// auto-approve the film follows at once, so the segment is cut right here;
// otherwise a segment job cuts it while the user looks at the clips.
func (e *Engine) clipLanded(ctx context.Context, w Work, s *shoot.Session, key string, data []byte) {
	if s.Options.AutoApprove {
		e.prepareSegment(ctx, s, w.N, key, data)
		return
	}
	sw := Work{Kind: WorkSegment, SessionID: w.SessionID, Gen: w.Gen, N: w.N, Version: w.Version}
	if err := e.enqueue(ctx, w.SessionID, sw); err != nil {
		e.logger.Warn("queueing a segment failed", "session_id", w.SessionID, "clip", w.N, "err", err)
	}
}

// doSegment is the segment job: it cuts the segment of the clip version it
// was queued for, unless that clip has been replaced since.
func (e *Engine) doSegment(ctx context.Context, w Work, s *shoot.Session) {
	l, err := e.latest(ctx, s.ID)
	if err != nil {
		return
	}
	a := l.get(shoot.AssetClip, w.N)
	if a == nil || a.Version != w.Version {
		return
	}
	data, err := e.readBlob(ctx, a.Key)
	if err != nil {
		e.logger.Warn("reading a clip for its segment failed", "session_id", s.ID, "clip", w.N, "err", err)
		return
	}
	e.prepareSegment(ctx, s, w.N, a.Key, data)
}

// download copies a bucket object to a local file.
func (e *Engine) download(ctx context.Context, key, dst string) error {
	r, err := e.bucket.NewReader(ctx, key, nil)
	if err != nil {
		return err
	}
	defer r.Close()
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// upload copies a local file to a bucket object.
func (e *Engine) upload(ctx context.Context, src, key string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := e.bucket.NewWriter(ctx, key, &blob.WriterOptions{ContentType: "video/mp4"})
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, f); err != nil {
		_ = w.Close()
		return err
	}
	return w.Close()
}
