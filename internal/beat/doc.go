// Package beat finds the pulse of an audio bed and plans film cuts on it.
//
// Decode turns any file ffmpeg reads into mono float samples. Analyze
// builds an onset-strength envelope (spectral flux of a log-compressed
// short-time spectrum), estimates the tempo from the envelope's
// autocorrelation scored as a comb over 60–180 BPM, looks for one tempo
// change, tracks the beats by dynamic programming and snaps each beat to
// the transient in the samples. Plan then picks, for a film of n segments
// and an asked length, the beat each hard cut lands on, so that every cut
// is within one frame of a beat and the total stays within ±10 % of the
// asked length.
//
// Nothing here touches the network; the only outside tool is ffmpeg.
package beat
