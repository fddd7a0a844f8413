package shoot

import (
	"unicode"
	"unicode/utf8"
)

// CheckText refuses text a person could not have typed: invalid UTF-8, or
// a control character other than tab and newline (a carriage return is
// accepted only before a newline, as Windows ends lines). NUL is among
// them: one database stores it, another refuses it, so it must never get
// that far. field names the value in the error.
func CheckText(field, s string) error {
	if !utf8.ValidString(s) {
		return Errorf(EINVALID, "%s must be UTF-8 text", field)
	}
	for i, r := range s {
		if !unicode.IsControl(r) || r == '\t' || r == '\n' || (r == '\r' && i+1 < len(s) && s[i+1] == '\n') {
			continue
		}
		return Errorf(EINVALID, "%s contains a control character (U+%04X); only tab and newline are allowed", field, r)
	}
	return nil
}
