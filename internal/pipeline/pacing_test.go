package pipeline_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// TestProgressOfADefaultShoot runs a shoot with the default options and
// checks its progress events: every one says something a person can
// read, and the final stage sends at most 30 of them.
func TestProgressOfADefaultShoot(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{clipConcurrency: 5})
	_, evs := h.start(shoot.Options{AutoApprove: true}, h.upload(4))
	if end := last(t, evs); end["stage"] != shoot.StageComplete {
		t.Fatalf("the shoot ended with %v", end)
	}
	byStage := map[string]int{}
	for _, ev := range evs {
		var m struct {
			Subtype string `json:"subtype"`
			Data    struct {
				Stage   string `json:"stage"`
				Message string `json:"message"`
				Percent *int   `json:"percent"`
			} `json:"data"`
		}
		if ev.Type != shoot.EventSystem || json.Unmarshal(ev.Data, &m) != nil || m.Subtype != shoot.SubtypeProgress {
			continue
		}
		byStage[m.Data.Stage]++
		if len(strings.Fields(m.Data.Message)) < 2 || m.Data.Percent == nil {
			t.Errorf("progress event %d without a readable message or percent: %s", ev.Seq, ev.Data)
		}
	}
	if n := byStage[shoot.StageFinal]; n == 0 || n > 30 {
		t.Errorf("the final stage sent %d progress events, want 1 to 30 (all: %v)", n, byStage)
	}
}
