package imaging

import (
	"fmt"
	"testing"

	"github.com/fashionshoot/shoot/internal/sheetgen"
)

// TestGeneratedRegressions replays generated sheets the detector once got
// wrong, each with what went wrong, so that a fix stays fixed whatever
// seeds the property test draws.
func TestGeneratedRegressions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		class sheetgen.Class
		seed  uint64
		why   string
	}{
		// Picture straddling the gutter's level (a gradient through a grey
		// gutter's luma) passed, under the loose tolerance, for the gap
		// after a caption, and the stripe search ate the top of the cell.
		{sheetgen.Small, 5002, "gradient through the gutter level read as a caption gap"},
		{sheetgen.Small, 5170, "gradient through the gutter level read as a caption gap"},
		{sheetgen.Plain, 5175, "gradient through the gutter level read as a caption gap"},
		// Pictures flat along one edge in a few cells (backdrops graded
		// the same way), or flat at a drop shadow's level past it, were
		// taken for furniture drawn round every cell, and lines of
		// picture were skipped.
		{sheetgen.Labels, 5028, "flat picture edges in one row read as furniture"},
		{sheetgen.FilmStrip, 5178, "flat picture edges in the outer column read as furniture"},
		{sheetgen.Shadow, 5109, "picture flat at the shadow's level read as more shadow"},
		// A true shadow followed in half the cells by picture flat near
		// its plateau level must still be skipped whole.
		{sheetgen.Shadow, 5042, "shadow kept where picture runs on at its level"},
		// Compression rings in a keyline's gap moved the one line outside
		// an edge a few levels off the gutter, and the next line, ringing
		// the other way, no longer matched it: the walk stopped on gutter.
		{sheetgen.Keyline, 5183, "ringing gutter line taken for the gutter's level"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%d", tc.class, tc.seed), func(t *testing.T) {
			t.Parallel()
			s := sheetgen.Generate(tc.class, tc.seed)
			if checkGenerated(t, s); t.Failed() {
				t.Logf("%s; sheet: %s", tc.why, s.Describe)
			}
		})
	}
}
