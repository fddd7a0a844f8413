package media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/telemetry"
)

// frameBytes is the size of one raw yuv420p frame.
func frameBytes(w, h int) int { return w*h + 2*((w/2)*(h/2)) }

// decodeFilter normalises a clip to w×h yuv420p at its own frame rate. The
// fps filter makes frame k sit at k/fps even for variable-rate sources, which
// is what the index mapping assumes. A clip of another size is scaled to
// cover w×h with its aspect kept and centre-cropped, never padded.
func decodeFilter(info Info, w, h int) string {
	rate := info.FrameRate
	if rate == "" {
		rate = fmt.Sprint(info.FPS)
	}
	f := "fps=" + rate
	if info.Width != w || info.Height != h {
		cover := fmt.Sprintf("max(%d/iw,%d/ih)", w, h)
		f += fmt.Sprintf(",scale=w='ceil(iw*%s)':h='ceil(ih*%s)',crop=%d:%d", cover, cover, w, h)
	}
	return f + ",setsar=1,format=yuv420p"
}

// decodeArgs has ffmpeg write every frame of the clip's first video stream
// to stdout as raw yuv420p, in presentation order and without dropping or
// duplicating any (passthrough), so frame k of the pipe is source frame k.
func decodeArgs(p clipPlan, w, h int) []string {
	args := append([]string{"-nostdin", "-hide_banner", "-v", "error"}, localInput(p.path)...)
	return append(args, "-map", "0:v:0", "-vf", decodeFilter(p.info, w, h), "-fps_mode", "passthrough",
		"-f", "rawvideo", "-pix_fmt", "yuv420p", "pipe:1")
}

// decodeClip decodes clip i once and hands each of its output frames, in
// order, to emit. It returns how many source frames the decoder produced.
func decodeClip(ctx context.Context, i int, p clipPlan, w, h int, emit func([]byte) error) (int, error) {
	name := fmt.Sprintf("clip %d (%s)", i+1, p.path)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := command(ctx, ffmpegBin, decodeArgs(p, w, h)...)
	stderr := newTailBuffer()
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	widenPipe(stdout)
	endSpan := telemetry.StartProcess(ctx, ffmpegBin, "decode")
	if err := cmd.Start(); err != nil {
		endSpan(err)
		return 0, toolError(ctx, ffmpegBin, err, stderr)
	}
	check := func(decoded int) error { return checkDecodedCount(name, p.info, decoded) }
	decoded, selErr := selectFrames(stdout, frameBytes(w, h), p.indices, check, emit)
	if selErr != nil {
		cancel() // stop the decoder; its exit status no longer matters
	}
	waitErr := cmd.Wait()
	endSpan(waitErr)
	switch {
	case ctx.Err() != nil && selErr == nil:
		return decoded, ctx.Err()
	case selErr != nil:
		return decoded, selErr
	case waitErr != nil:
		return decoded, shoot.Wrap(toolError(ctx, ffmpegBin, waitErr, stderr), shoot.EINVALID, name+" could not be decoded")
	}
	return decoded, nil
}

// checkDecodedCount fails when the decoder produced clearly fewer frames
// than the header promised: the file is truncated or damaged. A small
// shortfall is normal (rounding of the stated duration) and is absorbed by
// holding the last frame.
func checkDecodedCount(name string, info Info, decoded int) error {
	want := info.Frames
	if want <= 0 {
		want = int(math.Round(info.Duration * info.FPS))
	}
	if decoded == 0 || decoded < want-max(2, want/50) {
		return shoot.Errorf(shoot.EINVALID,
			"%s decoded only %d of %d frames: the file is truncated or corrupt", name, decoded, want)
	}
	return nil
}

// selectFrames reads raw frames of size bytes from r and, for each entry of
// indices (the source frame each output frame shows), emits that frame. It
// keeps a decoded frame only while a later output frame still needs it, so
// a monotonic mapping holds one frame; a curve that swings back keeps the
// frames it will return to. If the source runs out, its last frame stands in
// for the missing ones, once check has accepted the number of frames read
// (so a truncated file fails before its gap is papered over). It returns
// the number of frames read.
func selectFrames(r io.Reader, size int, indices []int, check func(int) error, emit func([]byte) error) (int, error) {
	s := newSelector(size, indices)
	for {
		buf := s.buffer()
		if _, err := io.ReadFull(r, buf); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return s.decoded, fmt.Errorf("reading decoded frame %d: %w", s.decoded, err)
		}
		if err := s.add(buf, emit); err != nil {
			return s.decoded, err
		}
	}
	if err := check(s.decoded); err != nil {
		return s.decoded, err
	}
	return s.decoded, s.finish(emit)
}

// selector is the state of selectFrames.
type selector struct {
	size    int
	indices []int
	lastUse map[int]int    // source index → last output index showing it
	held    map[int][]byte // decoded frames still needed
	pool    [][]byte       // spare buffers
	last    []byte         // most recent frame, kept for a short source
	lastIdx int
	decoded int
	next    int // next output index to emit
	// allocated counts frame buffers ever made: the memory high-water mark.
	allocated int
}

func newSelector(size int, indices []int) *selector {
	s := &selector{size: size, indices: indices, lastUse: map[int]int{}, held: map[int][]byte{}, lastIdx: -1}
	for i, src := range indices {
		s.lastUse[src] = i
	}
	return s
}

// buffer returns a spare frame buffer.
func (s *selector) buffer() []byte {
	if n := len(s.pool); n > 0 {
		b := s.pool[n-1]
		s.pool = s.pool[:n-1]
		return b
	}
	s.allocated++
	return make([]byte, s.size)
}

// release returns buf to the pool unless it is still in use.
func (s *selector) release(idx int, buf []byte) {
	if _, held := s.held[idx]; !held && idx != s.lastIdx {
		s.pool = append(s.pool, buf)
	}
}

// add takes decoded frame number s.decoded and emits every output frame
// that can now be written.
func (s *selector) add(buf []byte, emit func([]byte) error) error {
	k := s.decoded
	s.decoded++
	prev, prevIdx := s.last, s.lastIdx
	s.last, s.lastIdx = buf, k
	if _, needed := s.lastUse[k]; needed {
		s.held[k] = buf
	}
	if prev != nil {
		s.release(prevIdx, prev)
	}
	for s.next < len(s.indices) && s.indices[s.next] <= k {
		src := s.indices[s.next]
		if err := emit(s.held[src]); err != nil {
			return err
		}
		if s.lastUse[src] == s.next {
			f := s.held[src]
			delete(s.held, src)
			s.release(src, f)
		}
		s.next++
	}
	if len(s.held) == 0 && len(s.pool) > 2 {
		s.pool = s.pool[:2] // drop buffers a swing-back curve needed earlier
	}
	return nil
}

// finish fills output frames whose source frame never arrived.
func (s *selector) finish(emit func([]byte) error) error {
	if s.next < len(s.indices) && s.last == nil {
		return errors.New("the decoder produced no frames")
	}
	for ; s.next < len(s.indices); s.next++ {
		if err := emit(s.last); err != nil {
			return err
		}
	}
	return nil
}
