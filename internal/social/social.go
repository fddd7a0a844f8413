// Package social holds the delivery presets of the platforms a brand posts
// to: which format a film takes there, the lengths and frame rates the
// platform takes, the bitrate it caps uploads at and the name the file gets.
//
// The figures are the platforms' own published upload limits; the URL of
// each is next to its preset. Where a platform publishes no figure (TikTok
// names no bitrate cap, YouTube no frame-rate range or length limit for the
// uploads a shoot makes) the field is zero and nothing is enforced.
package social

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fashionshoot/shoot/internal/reframe"
)

// Preset is one platform's delivery settings.
type Preset struct {
	// Name is the preset's flag value: reels, tiktok, feed or youtube.
	Name string `json:"name"`
	// Platform names it for people.
	Platform string `json:"platform"`
	// Format is the delivery format the platform shows full-screen.
	Format reframe.Format `json:"-"`
	// MinSeconds and MaxSeconds bound the film's length (0: no bound).
	MinSeconds float64 `json:"minSeconds,omitempty"`
	MaxSeconds float64 `json:"maxSeconds,omitempty"`
	// MinFPS and MaxFPS bound the frame rate (0: no bound).
	MinFPS int `json:"minFps,omitempty"`
	MaxFPS int `json:"maxFps,omitempty"`
	// MaxKbps caps the video bitrate of the delivered film in kbit/s at
	// the frame rate the film has (0: no cap); see Kbps.
	MaxKbps int `json:"maxKbps,omitempty"`
	// HighFPSKbps, when set, is the cap at 48 fps and above.
	HighFPSKbps int `json:"highFpsKbps,omitempty"`
	// FileName is the pattern of the file's name; FileFor fills it in.
	FileName string `json:"fileName"`
}

// Presets are the platforms, in the order help lists them.
var Presets = []Preset{
	// Instagram Reels, as the Instagram Graph API publishes them
	// ("Reel specifications": 23–60 FPS, VBR 25 Mbps maximum, 3 s to
	// 15 min, 9:16 recommended):
	// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media#reel-specifications
	{Name: "reels", Platform: "Instagram Reels", Format: reframe.Format{W: 9, H: 16}, MinSeconds: 3, MaxSeconds: 15 * 60,
		MinFPS: 23, MaxFPS: 60, MaxKbps: 25000, FileName: "{name}-reels-9x16.mp4"},
	// TikTok's Content Posting API ("Video restrictions": 23–60 FPS,
	// 360–4096 px a side, up to 10 minutes, no bitrate named; 9:16 is the
	// full-screen shape; no minimum length named):
	// https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide
	{Name: "tiktok", Platform: "TikTok", Format: reframe.Format{W: 9, H: 16}, MaxSeconds: 10 * 60,
		MinFPS: 23, MaxFPS: 60, FileName: "{name}-tiktok-9x16.mp4"},
	// An Instagram feed video. The Graph API retired its VIDEO media type
	// on 2023-11-09; a video for the feed is now published as a reel
	// (media_type REELS, shown in the feed as well), so the "Reel
	// specifications" bind it: 23–60 FPS, VBR 25 Mbps maximum, 3 s to
	// 15 min. 4:5 is the tallest picture the feed shows uncropped:
	// https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media#reel-specifications
	// https://developers.facebook.com/docs/graph-api/changelog/out-of-cycle-changes/june-28-2022
	{Name: "feed", Platform: "Instagram feed", Format: reframe.Format{W: 4, H: 5}, MinSeconds: 3, MaxSeconds: 15 * 60,
		MinFPS: 23, MaxFPS: 60, MaxKbps: 25000, FileName: "{name}-feed-4x5.mp4"},
	// YouTube's recommended upload encoding settings: 16:9, the frame rate
	// the film was made at, 8 Mbps for 1080p at 24–30 fps and 12 Mbps at
	// 48–60 fps (the caps here; YouTube asks for no limit but recommends
	// these):
	// https://support.google.com/youtube/answer/1722171
	{Name: "youtube", Platform: "YouTube", Format: reframe.Format{W: 16, H: 9},
		MaxKbps: 8000, HighFPSKbps: 12000, FileName: "{name}-youtube-16x9.mp4"},
}

// Names are the presets' names.
func Names() []string {
	out := make([]string, len(Presets))
	for i, p := range Presets {
		out[i] = p.Name
	}
	return out
}

// Lookup finds a preset by name (case-insensitive).
func Lookup(name string) (Preset, bool) {
	for _, p := range Presets {
		if strings.EqualFold(p.Name, strings.TrimSpace(name)) {
			return p, true
		}
	}
	return Preset{}, false
}

// Parse is Lookup with an error that lists the presets.
func Parse(name string) (Preset, error) {
	if p, ok := Lookup(name); ok {
		return p, nil
	}
	return Preset{}, fmt.Errorf("unknown preset %q (one of %s)", name, strings.Join(Names(), ", "))
}

// CheckFPS refuses a frame rate the platform does not take.
func (p Preset) CheckFPS(fps int) error {
	if (p.MinFPS > 0 && fps < p.MinFPS) || (p.MaxFPS > 0 && fps > p.MaxFPS) {
		return fmt.Errorf("%s takes %d to %d fps, not %d", p.Platform, p.MinFPS, p.MaxFPS, fps)
	}
	return nil
}

// CheckLength refuses a film the platform would not take for its length.
func (p Preset) CheckLength(seconds float64) error {
	if p.MinSeconds > 0 && seconds < p.MinSeconds {
		return fmt.Errorf("%s takes films of at least %s, not %.2f s", p.Platform, secs(p.MinSeconds), seconds)
	}
	if p.MaxSeconds > 0 && seconds > p.MaxSeconds {
		return fmt.Errorf("%s takes films of at most %s, not %.2f s", p.Platform, secs(p.MaxSeconds), seconds)
	}
	return nil
}

func secs(s float64) string { return fmt.Sprintf("%g s", s) }

// Kbps is the video bitrate cap for a film at fps frames a second, or 0.
func (p Preset) Kbps(fps int) int {
	if fps >= 48 && p.HighFPSKbps > 0 {
		return p.HighFPSKbps
	}
	return p.MaxKbps
}

// FileFor fills the file name pattern in: {name} is the film's own name
// without its extension ("fashion-video" gives fashion-video-reels-9x16.mp4).
func (p Preset) FileFor(name string) string {
	stem := strings.TrimSuffix(name, ".mp4")
	if stem == "" {
		stem = "fashion-video"
	}
	return strings.ReplaceAll(p.FileName, "{name}", stem)
}

// X264Presets are libx264's speed presets, which `shoot stitch --preset`
// took before the platforms did; the two sets share no name.
var X264Presets = []string{"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"}

// IsX264 reports whether name is a libx264 preset.
func IsX264(name string) bool { return slices.Contains(X264Presets, name) }
