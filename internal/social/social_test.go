package social_test

import (
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/social"
)

// TestPresetNames: every preset is found by name in any case, the x264
// speed presets share no name with them (so one flag can take both), and
// an unknown name is refused with the list.
func TestPresetNames(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"reels", "tiktok", "feed", "youtube"} {
		p, err := social.Parse(strings.ToUpper(n))
		if err != nil || p.Name != n {
			t.Errorf("Parse(%q) = %+v, %v", n, p, err)
		}
		if social.IsX264(n) {
			t.Errorf("%s is also an x264 preset", n)
		}
	}
	for _, n := range []string{"ultrafast", "medium", "veryslow", "placebo"} {
		if _, ok := social.Lookup(n); ok || !social.IsX264(n) {
			t.Errorf("%s: platform %t, x264 %t", n, ok, social.IsX264(n))
		}
	}
	if _, err := social.Parse("myspace"); err == nil || !strings.Contains(err.Error(), "reels, tiktok, feed, youtube") {
		t.Errorf("Parse(myspace) = %v", err)
	}
}

// TestPresetLimits: the bounds hold at their edges and refuse just past
// them; the YouTube cap follows the frame rate; the feed, whose videos are
// published as reels, takes the reels' length and 25 Mbps cap rather than
// the retired feed-video type's 60 s and 5 Mbps; the file name pattern
// takes the film's name.
func TestPresetLimits(t *testing.T) {
	t.Parallel()
	reels, _ := social.Lookup("reels")
	for fps, ok := range map[int]bool{22: false, 23: true, 60: true, 61: false} {
		if err := reels.CheckFPS(fps); (err == nil) != ok {
			t.Errorf("reels at %d fps: %v", fps, err)
		}
	}
	for s, ok := range map[float64]bool{2.99: false, 3: true, 900: true, 900.5: false} {
		if err := reels.CheckLength(s); (err == nil) != ok {
			t.Errorf("reels of %g s: %v", s, err)
		}
	}
	yt, _ := social.Lookup("youtube")
	if yt.CheckFPS(120) != nil || yt.CheckLength(3600) != nil {
		t.Error("youtube bounds a frame rate or a length it names no bound for")
	}
	if yt.Kbps(30) != 8000 || yt.Kbps(60) != 12000 {
		t.Errorf("youtube caps %d at 30 fps and %d at 60", yt.Kbps(30), yt.Kbps(60))
	}
	if tt, _ := social.Lookup("tiktok"); tt.Kbps(60) != 0 {
		t.Errorf("tiktok names no cap, got %d", tt.Kbps(60))
	}
	feed, _ := social.Lookup("feed")
	if feed.Kbps(30) != 25000 || feed.Kbps(60) != reels.Kbps(60) {
		t.Errorf("feed caps %d at 30 fps and %d at 60, want the reels' 25000", feed.Kbps(30), feed.Kbps(60))
	}
	for s, ok := range map[float64]bool{2.99: false, 3: true, 61: true, 900: true, 900.5: false} {
		if err := feed.CheckLength(s); (err == nil) != ok {
			t.Errorf("feed of %g s: %v", s, err)
		}
	}
	if got := reels.FileFor("look.mp4"); got != "look-reels-9x16.mp4" {
		t.Errorf("FileFor = %q", got)
	}
}
