package shoot

import (
	"strings"
	"testing"
)

func TestCheckText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in string
		ok bool
	}{
		{"streetwear editorial, confident energy", true},
		{"two lines\nand a\ttab", true},
		{"windows line\r\nend", true},
		{"accents é, emoji 🎬, CJK 時装", true},
		{"line separator \u2028 is not a control", true},
		{"", true},
		{"nul\x00byte", false},
		{"bell\a", false},
		{"escape \x1b[31mred", false},
		{"lone carriage\rreturn", false},
		{"ends with carriage\r", false},
		{"delete\x7f", false},
		{"c1 control \u0085", false},
		{"broken \xff utf-8", false},
	}
	for _, c := range cases {
		err := CheckText("prompt", c.in)
		if (err == nil) != c.ok {
			t.Errorf("CheckText(%q) = %v, want ok=%v", c.in, err, c.ok)
		}
		if err != nil && (ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), "prompt")) {
			t.Errorf("CheckText(%q) = %v, want EINVALID naming the field", c.in, err)
		}
	}
}
