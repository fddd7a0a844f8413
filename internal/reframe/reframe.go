// Package reframe plans how a film made in one aspect ratio is shown in
// another: the output formats a brand posts (9:16, 4:5, 1:1, 16:9), where
// the subject is in each frame (from the studio's layers when known, else
// a saliency detector that needs no network), and a crop window that
// follows the subject with bounded acceleration and never leaves the
// picture, so a narrower format never shows bars.
package reframe

import (
	"fmt"
	"strconv"
	"strings"
)

// Format is an output aspect ratio, W:H.
type Format struct{ W, H int }

// Formats are the ratios a film can be delivered in.
var Formats = []Format{{9, 16}, {4, 5}, {1, 1}, {16, 9}}

// ParseFormat reads "9:16" (or "9x16").
func ParseFormat(s string) (Format, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		a, b, ok = strings.Cut(strings.TrimSpace(s), "x")
	}
	w, errW := strconv.Atoi(a)
	h, errH := strconv.Atoi(b)
	f := Format{w, h}
	if !ok || errW != nil || errH != nil || !f.known() {
		return Format{}, fmt.Errorf("unknown format %q (one of 9:16, 4:5, 1:1, 16:9)", s)
	}
	return f, nil
}

func (f Format) known() bool {
	for _, k := range Formats {
		if k == f {
			return true
		}
	}
	return false
}

// String is "9:16".
func (f Format) String() string { return fmt.Sprintf("%d:%d", f.W, f.H) }

// Dir is the format's folder name under final/: "9x16".
func (f Format) Dir() string { return fmt.Sprintf("%dx%d", f.W, f.H) }

// Size is the output size for a source of srcW×srcH: the same number of
// rows as the source when the format is narrower (a crop), the same width
// when it is wider (a padded picture), both even.
func (f Format) Size(srcW, srcH int) (w, h int) {
	if f.W*srcH <= f.H*srcW { // narrower than (or as wide as) the source
		h = srcH &^ 1
		w = (h * f.W / f.H) &^ 1
		return max(2, w), max(2, h)
	}
	w = srcW &^ 1
	h = (w * f.H / f.W) &^ 1
	return max(2, w), max(2, h)
}

// Crops reports whether the format is shown as a moving crop of the source
// (true) or as the whole source over a blurred extension of itself.
func (f Format) Crops(srcW, srcH int) bool { return f.W*srcH <= f.H*srcW }
