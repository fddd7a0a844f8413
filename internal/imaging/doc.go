// Package imaging holds the studio's still-image work: decoding and encoding,
// finding the cells of a contact sheet and cropping them into frames, and
// reshaping frames to an aspect ratio or to what a video provider accepts.
//
// The pipeline calls, in order: Decode, DetectGrid, Equalize, Sizing.Frames,
// then Encode (or CropToAspect / FitForKling and EncodeForKling before a
// frame goes to a video model). Everything is pure Go except WebP output,
// which needs ffmpeg built with libwebp (Debian's is).
//
// # Grid detection
//
// A gutter is flat along its whole length; DetectGrid builds on that:
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
//   - A cell end holding a narrow stripe between two gutter runs (a
//     caption or frame number, sprockets on film, a keyline with a gap,
//     a title in the margin) starts after the stripe. A grid other than
//     the one asked for (3×3 when 2×3 was asked) is taken from the gutters
//     and reported (Grid.Mismatch), not forced.
//   - Furniture flush with every cell (a drop shadow, a keyline without a
//     gap) is found on evidence from all cells at once: lines flat and of
//     one level in nearly every cell are skipped.
//   - Each edge of each cell is then walked inwards over the cell's own
//     extent while the line is gutter (its mean within a few levels of the
//     clean gutter line beside it, so a dark wall against black gutters
//     stops the walk) or a blend of gutter and picture (pixel by pixel
//     between the two, at most three lines), plus one line of safety:
//     frames hold no gutter, margin or anti-aliased transition pixels.
//   - Where an axis has no gutters, each cut of the division is placed on
//     the strongest seam near the equal position, summed over the whole
//     line (2528 px in three is 843 + 843 + 842 in some order), or on a
//     gutter so thin its anti-aliased rings left no clean line.
//   - Grid.Confidence rates every cell; Equalize then makes the frames one
//     size, by a centred crop of a pixel or two or by resampling whole
//     cells, never by cutting good frames down to a bad neighbour.
//
// Known limit: where picture of exactly the gutter colour runs along an
// entire cell edge, that edge is invisible; the walk then gives up at most
// 21 lines of it and the cell's confidence drops.
package imaging
