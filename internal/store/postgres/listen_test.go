package postgres

import "testing"

func TestParseNotification(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		id   string
		seq  int64
		good bool
	}{
		{"session_1_abc:7", "session_1_abc", 7, true},
		{"s:1", "s", 1, true},
		{"s:0", "", 0, false},
		{"s:-1", "", 0, false},
		{":5", "", 0, false},
		{"s5", "", 0, false},
		{"s:x", "", 0, false},
		{"a/b:3", "", 0, false},
		{"", "", 0, false},
	}
	for _, tc := range cases {
		id, seq, ok := parseNotification(tc.in)
		if id != tc.id || seq != tc.seq || ok != tc.good {
			t.Errorf("parseNotification(%q) = %q, %d, %t", tc.in, id, seq, ok)
		}
	}
}
