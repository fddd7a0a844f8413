package pipeline

import (
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

func TestParseReference(t *testing.T) {
	t.Parallel()
	ok := "1705258941234-abc123.jpg"
	for _, ref := range []string{ok, "uploads/" + ok, "/uploads/" + ok} {
		if got, err := ParseReference(ref); err != nil || got != ok {
			t.Errorf("ParseReference(%q) = %q, %v", ref, got, err)
		}
	}
	for _, ref := range []string{"", "/etc/passwd", "../" + ok, "uploads/../" + ok, "/storage/uploads/" + ok,
		"outputs/" + ok, "uploads//" + ok, "uploads/" + ok + "/..", "1705258941234-ABC.jpg", "1705258941234-abc123.svg",
		"uploads%2f" + ok, "\\uploads\\" + ok} {
		if _, err := ParseReference(ref); shoot.ErrorCode(err) != shoot.EINVALID {
			t.Errorf("ParseReference(%q) err = %v, want invalid", ref, err)
		}
	}
}

func FuzzParseReference(f *testing.F) {
	for _, s := range []string{"1705258941234-abc123.jpg", "/uploads/1705258941234-abc123.png", "../x", "uploads/../../etc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		name, err := ParseReference(ref)
		if err != nil {
			return
		}
		if strings.ContainsAny(name, "/\\") || strings.Contains(name, "..") || !shoot.ValidUploadFilename(name) {
			t.Fatalf("accepted %q as %q", ref, name)
		}
	})
}
