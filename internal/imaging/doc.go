// Package imaging holds the studio's still-image work: decoding and encoding,
// finding the cells of a contact sheet and cropping them into frames, and
// reshaping frames to an aspect ratio or to what a video provider accepts.
//
// The pipeline calls, in order: Decode, DetectGrid, Normalize, CropFrames,
// then Encode (or CropToAspect / FitForKling and EncodeForKling before a
// frame goes to a video model). Everything is pure Go except WebP output,
// which needs ffmpeg built with libwebp.
package imaging
