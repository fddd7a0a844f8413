package main

import (
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/director/claude/claudetest"
)

// overreacher is a model that calls every stage tool in every message,
// approve first, whatever it is asked: the worst a real model could do.
func overreacher(claudetest.Request) claudetest.Response {
	blocks := []claudetest.Block{claudetest.Text("Doing it all at once.")}
	for _, name := range []string{"approve", "stitch_final", "generate_all_clips", "extract_frames", "generate_contact_sheet", "generate_hero"} {
		blocks = append(blocks, claudetest.ToolUse(name, map[string]any{}))
	}
	return claudetest.Reply(blocks...)
}

// clipTasks counts the provider tasks of a session that make clips.
func clipTasks(tasks map[string]string) int {
	n := 0
	for k := range tasks {
		if strings.HasPrefix(k, "clip") {
			n++
		}
	}
	return n
}

// TestClaudeDirectorHoldsEveryCheckpoint runs a shoot over HTTP with the
// Claude director, once with a model that behaves and once with one that
// calls every tool in every message. Either way each exchange ends at the
// next checkpoint, each continue-stream starts exactly one stage, and no
// clip is asked of the provider before the frames checkpoint is answered.
func TestClaudeDirectorHoldsEveryCheckpoint(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		model func(claudetest.Request) claudetest.Response
	}{{"behaves", creativeDirector}, {"overreaches", overreacher}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			api := claudetest.Start(t)
			api.Handle(tc.model)
			s := startStudio(t, claudeEnv(api))
			db := peekDB(t, s.Dir)
			sid, evs := s.beginShoot(1, "linen suit, warm concrete, late sun", fastShoot(nil))
			want := []string{"hero", "contact-sheet", "frames", "clips", "complete"}
			for i, stage := range want {
				if i > 0 {
					if i == 3 {
						waitJobsDone(t, db, sid)
						if n := clipTasks(taskStates(t, db, sid)); n != 0 {
							t.Fatalf("%d clip tasks before the frames checkpoint was answered", n)
						}
					}
					evs = s.answer(sid, "continue")
				}
				wantCheckpoint(t, evs, stage)
				if got := startedStages(evs); len(got) != 1 {
					t.Fatalf("exchange %d started the stages %v, want exactly one", i, got)
				}
			}
			if n := clipTasks(taskStates(t, db, sid)); n != 5 {
				t.Errorf("%d clip tasks in the whole shoot, want 5", n)
			}
		})
	}
}

// startedStages lists the stages an exchange's status events started.
func startedStages(evs []sseEvent) []string {
	var out []string
	for _, e := range evs {
		if st, ok := e.Data["stage"].(string); ok && e.Type() == "status" {
			out = append(out, st)
		}
	}
	return out
}
