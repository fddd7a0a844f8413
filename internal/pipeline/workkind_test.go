package pipeline_test

import (
	"testing"

	"github.com/fashionshoot/shoot/internal/pipeline"
)

// TestWorkKindValid holds WorkKind to the kinds stored in queued jobs,
// written out here, and refuses others.
func TestWorkKindValid(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"turn", "hero", "sheet", "frames", "frame-edit", "resize", "clip", "final", "segment"} {
		if !pipeline.WorkKind(k).Valid() {
			t.Errorf("WorkKind(%q) is not valid", k)
		}
	}
	for _, k := range []string{"", "contact-sheet", "frame", "clips", "Turn", "shoot_work"} {
		if pipeline.WorkKind(k).Valid() {
			t.Errorf("WorkKind(%q) is valid", k)
		}
	}
}
