// Package imaging holds the studio's still-image work: decoding and encoding,
// finding the cells of a contact sheet and cropping them into frames, and
// reshaping frames to an aspect ratio or to what a video provider accepts.
//
// The pipeline calls, in order: Decode, DetectGrid, Normalize, CropFrames,
// then Encode (or CropToAspect / FitForKling and EncodeForKling before a
// frame goes to a video model). Everything is pure Go except WebP output,
// which needs ffmpeg built with libwebp (Debian's is).
//
// # Grid detection
//
// The original cropper (ORIGINAL.md §4) looked for low-variance columns and
// rows on 17 sample lines. DetectGrid keeps the idea that a gutter is flat
// along its whole length and makes it robust:
//
//   - It reads every pixel of a luma copy, not 17 sample lines, so a
//     flat patch of picture that happens to sit on the sample lines cannot
//     pass for a gutter.
//   - It first learns the gutter colour: the level shared by flat columns
//     and flat rows (gutters run both ways; a studio floor only makes rows
//     flat), and a tolerance from the noise of those lines. A line is gutter
//     only if 97 % of its pixels are within that tolerance of that colour,
//     so white, black, grey and off-white gutters all work, and picture that
//     is flat but a different shade does not count.
//   - Runs touching the sheet's edge are margins, however thin; the inner
//     runs are candidates, and the cols-1 (rows-1) that cut the content into
//     the most equal cells are chosen by dynamic programming; cells may
//     differ by up to 15 %. In auto mode 1 and 2 gutters are both tried.
//   - If one axis is found and the other is not, the other is searched
//     again inside each band of cells, which copes with gutters that do not
//     line up from row to row. JPEG ringing that breaks a thin gutter is met
//     by a second pass with a wider tolerance.
//   - Each edge of each cell is then walked inwards over the cell's own
//     extent while the line is still gutter-coloured or a blend of gutter
//     and picture (it sits markedly closer to the gutter colour than the
//     picture four lines in), at most 20 lines, plus one line of safety:
//     frames hold no gutter, margin or anti-aliased transition pixels.
//   - Whatever fails, the sheet is divided equally (Method "equal") with a
//     warning; DetectGrid never panics on any image (see FuzzDetectGrid).
//
// Known limit: where picture of exactly the gutter colour runs along an
// entire cell edge, that edge is invisible; the walk then gives up at most
// 21 lines of it.
package imaging
