package media

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

// rawFrames is n frames of size bytes where every byte of frame k is k.
func rawFrames(n, size int) []byte {
	var b bytes.Buffer
	for k := range n {
		b.Write(bytes.Repeat([]byte{byte(k)}, size))
	}
	return b.Bytes()
}

func TestSelectFrames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		frames     int
		indices    []int
		want       []int
		maxBuffers int
	}{
		{"monotonic with repeats", 10, []int{0, 0, 1, 3, 3, 3, 6, 9, 9}, []int{0, 0, 1, 3, 3, 3, 6, 9, 9}, 3},
		{"every frame", 6, []int{0, 1, 2, 3, 4, 5}, []int{0, 1, 2, 3, 4, 5}, 3},
		{"swings back", 10, []int{0, 5, 2, 7, 7, 3, 9}, []int{0, 5, 2, 7, 7, 3, 9}, 6},
		{"source shorter than mapping", 4, []int{0, 2, 5, 7}, []int{0, 2, 3, 3}, 3},
		{"skips most frames", 100, []int{0, 50, 99}, []int{0, 50, 99}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			const size = 5
			var got []int
			emit := func(f []byte) error {
				if len(f) != size || f[0] != f[size-1] {
					t.Fatalf("emitted a malformed frame %v", f)
				}
				got = append(got, int(f[0]))
				return nil
			}
			s := newSelector(size, tt.indices)
			r := bytes.NewReader(rawFrames(tt.frames, size))
			for {
				buf := s.buffer()
				if _, err := io.ReadFull(r, buf); err != nil {
					break
				}
				if err := s.add(buf, emit); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.finish(emit); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("emitted %v, want %v", got, tt.want)
			}
			if s.decoded != tt.frames {
				t.Errorf("decoded %d, want %d", s.decoded, tt.frames)
			}
			if s.allocated > tt.maxBuffers {
				t.Errorf("allocated %d frame buffers, want at most %d", s.allocated, tt.maxBuffers)
			}
		})
	}
}

func TestSelectFramesErrors(t *testing.T) {
	t.Parallel()
	emit := func([]byte) error { return nil }
	accept := func(int) error { return nil }
	if _, err := selectFrames(bytes.NewReader(rawFrames(2, 4)[:6]), 4, []int{0, 1}, accept, emit); err == nil ||
		!errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("partial frame: err = %v, want unexpected EOF", err)
	}
	if _, err := selectFrames(bytes.NewReader(nil), 4, []int{0}, accept, emit); err == nil ||
		!strings.Contains(err.Error(), "no frames") {
		t.Errorf("empty decoder output: err = %v, want 'no frames'", err)
	}
	boom := errors.New("boom")
	n, err := selectFrames(bytes.NewReader(rawFrames(5, 4)), 4, []int{0, 1, 2}, accept, func([]byte) error { return boom })
	if !errors.Is(err, boom) || n != 1 {
		t.Errorf("emit error: n=%d err=%v, want it returned after the first frame", n, err)
	}
	// A failed count check stops before the missing frames are filled in.
	emitted := 0
	short := errors.New("short")
	_, err = selectFrames(bytes.NewReader(rawFrames(2, 4)), 4, []int{0, 1, 5, 9}, func(int) error { return short },
		func([]byte) error { emitted++; return nil })
	if !errors.Is(err, short) || emitted != 2 {
		t.Errorf("check error: err=%v after %d frames, want it before filling (2 frames)", err, emitted)
	}
}

func TestCheckDecodedCount(t *testing.T) {
	t.Parallel()
	tests := []struct {
		info    Info
		decoded int
		ok      bool
	}{
		{Info{Frames: 121, Duration: 5.041667, FPS: 24}, 121, true},
		{Info{Frames: 121, Duration: 5.041667, FPS: 24}, 119, true}, // rounding slack
		{Info{Frames: 121, Duration: 5.041667, FPS: 24}, 60, false},
		{Info{Duration: 2, FPS: 24}, 48, true}, // no header count: from duration
		{Info{Duration: 2, FPS: 24}, 11, false},
		{Info{Frames: 1, Duration: 0.04, FPS: 24}, 0, false},
	}
	for _, tt := range tests {
		err := checkDecodedCount("clip 1 (x.mp4)", tt.info, tt.decoded)
		if (err == nil) != tt.ok {
			t.Errorf("%+v decoded %d: err = %v, want ok=%v", tt.info, tt.decoded, err, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "clip 1 (x.mp4)") {
			t.Errorf("error %q does not name the clip", err)
		}
	}
}

func TestDecodeFilter(t *testing.T) {
	t.Parallel()
	same := decodeFilter(Info{Width: 320, Height: 240, FrameRate: "24/1"}, 320, 240)
	if same != "fps=24/1,setsar=1,format=yuv420p" {
		t.Errorf("same-size filter = %q", same)
	}
	other := decodeFilter(Info{Width: 240, Height: 240, FPS: 25}, 320, 240)
	for _, part := range []string{"fps=25", "scale=", "max(320/iw,240/ih)", "crop=320:240"} {
		if !strings.Contains(other, part) {
			t.Errorf("resize filter %q lacks %q", other, part)
		}
	}
	if strings.Contains(other, "pad") {
		t.Errorf("resize filter %q pads; it must crop", other)
	}
}
