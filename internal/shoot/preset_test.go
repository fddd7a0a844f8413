package shoot

import (
	"slices"
	"strings"
	"testing"
)

// TestPresetOptions: options.preset adds its format to the delivered ones
// once, and refuses a frame rate or a film length its platform does not
// take, naming the field; an unknown preset is refused with the list.
func TestPresetOptions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		o       Options
		deliver []string
		err     string
	}{
		{"reels adds 9:16", Options{Preset: "reels"}, []string{"9:16"}, ""},
		{"already asked", Options{Preset: "reels", Deliver: []string{"4:5", "9x16"}}, []string{"4:5", "9x16"}, ""},
		{"feed adds 4:5", Options{Preset: "feed", Deliver: []string{"1:1"}}, []string{"1:1", "4:5"}, ""},
		{"youtube at 120 fps", Options{Preset: "youtube", FPS: 120}, []string{"16:9"}, ""},
		{"reels at 120 fps", Options{Preset: "reels", FPS: 120}, nil, "options.fps"},
		{"tiktok at 12 fps", Options{Preset: "tiktok", FPS: 12}, nil, "options.fps"},
		// Two own frames, one clip of 0.5 s: under Instagram's 3 s.
		{"reels too short", Options{Preset: "reels", ClipDuration: 0.5, Frames: []string{"a", "b"}}, nil, "options.clipDuration"},
		{"tiktok has no minimum", Options{Preset: "tiktok", ClipDuration: 0.5, Frames: []string{"a", "b"}}, []string{"9:16"}, ""},
		// 12 frames looped, 5 s each: 60 s, the longest film the options make.
		{"feed at the longest film", Options{Preset: "feed", ClipDuration: 5, Loop: true, Frames: make([]string, 12)}, []string{"4:5"}, ""},
		{"x264 name", Options{Preset: "veryfast"}, nil, "options.preset"},
		{"unknown", Options{Preset: "myspace"}, nil, "options.preset"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := slices.Clone(c.o.Deliver)
			err := c.o.Validate()
			if c.err != "" {
				if err == nil || ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), c.err) {
					t.Fatalf("Validate = %v, want EINVALID naming %s", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.o.WithDefaults().Deliver; !slices.Equal(got, c.deliver) {
				t.Errorf("deliver %v, want %v", got, c.deliver)
			}
			if !slices.Equal(c.o.Deliver, before) {
				t.Errorf("WithDefaults changed the caller's deliver: %v", c.o.Deliver)
			}
		})
	}
}
