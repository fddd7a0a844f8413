package prompt

import (
	"strings"
	"testing"
)

func TestContinuation(t *testing.T) {
	t.Parallel()
	got := Continuation(Outcome{
		Stage: "frames", Success: true, DurationMS: 12345,
		Artifacts:    []string{"outputs/s/frames/frame-1.png", "outputs/s/frames/frame-2.png"},
		ParamChanges: map[string][2]string{"loop": {"false", "true"}, "aspectRatio": {"3:2", "9:16"}},
		UserMessage:  "looks good, keep going",
	})
	golden(t, "continuation-success.golden", got)
	for _, want := range []string{
		"[Step finished: extract_frames]", "Outcome: SUCCESS",
		"Artifacts: outputs/s/frames/frame-1.png, outputs/s/frames/frame-2.png", "Took: 12.3s",
		"- aspectRatio: \"3:2\" → \"9:16\"\n- loop: \"false\" → \"true\"", "User message: looks good, keep going",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("continuation lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Error:") {
		t.Error("successful outcome shows an error line")
	}

	failed := Continuation(Outcome{Action: "generate_video_clip", Stage: "clips", Error: "provider said:\nquota", Artifacts: []string{"a.mp4"}, UserMessage: "continue"})
	golden(t, "continuation-failed.golden", failed)
	for _, want := range []string{"[Step finished: generate_video_clip]", "Outcome: FAILED", "Artifact: a.mp4\n", "Error: provider said: quota\n"} {
		if !strings.Contains(failed, want) {
			t.Errorf("failed continuation lacks %q:\n%s", want, failed)
		}
	}
	for _, unwanted := range []string{"User message", "Settings the user changed", "Took:"} {
		if strings.Contains(failed, unwanted) {
			t.Errorf("failed continuation has %q:\n%s", unwanted, failed)
		}
	}
}

func TestActionForStage(t *testing.T) {
	t.Parallel()
	for stage, want := range map[string]string{"hero": "generate_hero", "contact-sheet": "generate_contact_sheet", "frames": "extract_frames", "clips": "generate_all_clips", "final": "stitch_final", "odd": "odd"} {
		if got := ActionForStage(stage); got != want {
			t.Errorf("ActionForStage(%q) = %q, want %q", stage, got, want)
		}
	}
}
