// Package media adapts ffmpeg and ffprobe for the pipeline: probing clips,
// the easing curves of the speed ramp, and the eased stitch that turns the
// generated clips into the final film: in one pass (Stitch), or as one
// segment per clip (EncodeSegment) joined without re-encoding
// (JoinSegments), which makes the same film.
//
// Every ffmpeg child runs under the caller's context, its exit status is
// always checked, and the tail of its stderr becomes part of the error.
package media
