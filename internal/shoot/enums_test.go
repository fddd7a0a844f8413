package shoot_test

import (
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// validator is any of the enum types: each reports whether it holds one of
// its values.
type validator interface{ Valid() bool }

// TestEnumsValid holds each enum type to the values the schema, the wire
// protocol and the docs name, written out here rather than taken from the
// constants, and refuses near misses.
func TestEnumsValid(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		of    func(string) validator
		valid []string
	}{
		{"Stage", func(s string) validator { return shoot.Stage(s) },
			[]string{"init", "hero", "contact-sheet", "frames", "clips", "final", "complete"}},
		{"SessionStatus", func(s string) validator { return shoot.SessionStatus(s) },
			[]string{"active", "completed", "error", "expired"}},
		{"RunState", func(s string) validator { return shoot.RunState(s) },
			[]string{"idle", "running", "awaiting", "cancelled", "done", "failed"}},
		{"AssetType", func(s string) validator { return shoot.AssetType(s) },
			[]string{"input", "hero", "contact-sheet", "frame", "clip", "final"}},
		{"CheckpointStatus", func(s string) validator { return shoot.CheckpointStatus(s) },
			[]string{"pending", "approved", "rejected", "modified"}},
		{"Code", func(s string) validator { return shoot.Code(s) },
			[]string{"invalid", "not_found", "conflict", "too_large", "unauthorized", "limit", "unavailable", "internal"}},
		{"EventType", func(s string) validator { return shoot.EventType(s) },
			[]string{"session_init", "status", "text_delta", "message_type_hint", "assistant_message", "system",
				"checkpoint", "complete", "error"}},
		{"Role", func(s string) validator { return shoot.Role(s) }, []string{"user", "assistant"}},
		{"CallbackOutcome", func(s string) validator { return shoot.CallbackOutcome(s) }, []string{"done", "failed"}},
		{"TaskState", func(s string) validator { return shoot.TaskState(s) },
			[]string{"submitted", "done", "failed", "cancelled"}},
	}
	for _, c := range cases {
		for _, v := range c.valid {
			if !c.of(v).Valid() {
				t.Errorf("%s(%q) is not valid", c.name, v)
			}
			for _, near := range []string{v + " ", " " + v, v + "x", upper(v)} {
				if c.of(near).Valid() {
					t.Errorf("%s(%q) is valid", c.name, near)
				}
			}
		}
		for _, bad := range []string{"", "unknown", "Hero", "tool_call"} {
			if c.of(bad).Valid() {
				t.Errorf("%s(%q) is valid", c.name, bad)
			}
		}
	}
}

func TestCheckpointStages(t *testing.T) {
	t.Parallel()
	holds := map[string]bool{"hero": true, "contact-sheet": true, "frames": true, "clips": true, "complete": true,
		"init": false, "final": false, "": false, "frame": false}
	for s, want := range holds {
		if got := shoot.Stage(s).HoldsCheckpoint(); got != want {
			t.Errorf("Stage(%q).HoldsCheckpoint() = %v, want %v", s, got, want)
		}
	}
	resolved := map[string]bool{"approved": true, "rejected": true, "modified": true, "pending": false, "": false}
	for s, want := range resolved {
		if got := shoot.CheckpointStatus(s).Resolved(); got != want {
			t.Errorf("CheckpointStatus(%q).Resolved() = %v, want %v", s, got, want)
		}
	}
}

// upper returns s in capitals, by hand so the test leans on nothing.
func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
