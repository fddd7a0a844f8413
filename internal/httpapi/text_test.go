package httpapi

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCheckStringsNamesTheField(t *testing.T) {
	t.Parallel()
	type inner struct {
		Pose string `json:"pose"`
	}
	type body struct {
		Prompt  string            `json:"prompt"`
		Images  []string          `json:"inputImages"`
		Options *inner            `json:"options"`
		Labels  map[string]string `json:"labels"`
		Patch   json.RawMessage   `json:"patch"`
		skipped string
	}
	cases := []struct {
		v     any
		field string // "" for no error
	}{
		{&body{Prompt: "fine\ttext\n", Images: []string{"a.png"}, Options: &inner{"edgy"}, Patch: json.RawMessage(`{"a":["b"]}`)}, ""},
		{&body{Prompt: "nul\x00"}, "prompt"},
		{&body{Images: []string{"ok.png", "bad\x01.png"}}, "inputImages[1]"},
		{&body{Options: &inner{"edgy\x7f"}}, "options.pose"},
		{&body{Labels: map[string]string{"k": "v\x1b"}}, "labels.k"},
		{&body{Labels: map[string]string{"k\x00": "v"}}, "labels key"},
		{&body{Patch: json.RawMessage(`{"easing":"lin\u0000ear"}`)}, "patch.easing"},
		{&body{skipped: "\x00"}, ""},
	}
	for i, c := range cases {
		err := checkStrings(c.v)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("case %d: unexpected error %v", i, err)
		case c.field != "" && (err == nil || !strings.Contains(err.Error(), c.field)):
			t.Errorf("case %d: error %v, want one naming %q", i, err, c.field)
		}
	}
}
