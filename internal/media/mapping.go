package media

import "math"

// OutputFrames returns N = floor(clipDuration × fps), the number of output
// frames one clip becomes. A tiny tolerance keeps products such as
// 0.7 × 30 = 20.999… from losing a frame to floating-point error.
func OutputFrames(clipDuration float64, fps int) int {
	return int(math.Floor(clipDuration*float64(fps) + 1e-9))
}

// SourceTimes returns, for each of n output frames, the source time (in
// seconds) it shows: clamp(ease(i/(n−1)) × duration, 0, duration − 1/srcFPS).
// The upper clamp keeps every time on a frame that exists; the naive mapping
// (ease × duration) asks for a time past the last frame and loses it.
// Overshooting curves are clamped at both ends by the same rule.
func SourceTimes(ease Easing, n int, duration, srcFPS float64) []float64 {
	last := math.Max(0, duration-1/srcFPS)
	times := make([]float64, n)
	for i := range times {
		p := 0.0
		if n > 1 {
			p = float64(i) / float64(n-1)
		}
		times[i] = math.Min(math.Max(ease(p)*duration, 0), last)
	}
	return times
}

// sourceIndex is the index of the first source frame at or after t, the
// frame an input-side `ffmpeg -ss t` would decode first. Frames sit at k/fps
// from the first frame; the 1e-6 tolerance keeps an exact k/fps on frame k.
func sourceIndex(t, srcFPS float64) int {
	return max(0, int(math.Ceil(t*srcFPS-1e-6)))
}
