package media

import (
	"encoding/binary"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// box builds a box with a 32-bit size.
func box(typ string, payload int) []byte {
	b := make([]byte, 8+payload)
	binary.BigEndian.PutUint32(b, uint32(8+payload))
	copy(b[4:], typ)
	return b
}

func TestTopLevelBoxes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	large := make([]byte, 16+4)
	binary.BigEndian.PutUint32(large, 1)
	copy(large[4:], "mdat")
	binary.BigEndian.PutUint64(large[8:], 20)
	toEnd := box("free", 3)
	binary.BigEndian.PutUint32(toEnd, 0)
	file := slices.Concat(box("ftyp", 4), box("moov", 10), large, toEnd)
	got, err := topLevelBoxes(writeFile(t, dir, "ok.mp4", file))
	if err != nil || !slices.Equal(got, []string{"ftyp", "moov", "mdat", "free"}) {
		t.Errorf("boxes = %v, %v", got, err)
	}
	bad := slices.Concat(box("ftyp", 4), []byte{0, 0, 0, 200, 'm', 'o', 'o', 'v'})
	if _, err := topLevelBoxes(writeFile(t, dir, "bad.mp4", bad)); err == nil || !strings.Contains(err.Error(), "bad size") {
		t.Errorf("overlong box: err = %v", err)
	}
}

func TestCheckFaststart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	slow := makeClip(t, dir, "slow.mp4", "testsrc2=s=64x64:r=10:d=0.5")
	if err := checkFaststart(slow); err == nil {
		t.Error("an MP4 written without +faststart passed the check")
	}
	fast := makeClip(t, dir, "fast.mp4", "testsrc2=s=64x64:r=10:d=0.5",
		"-c:v", "libx264", "-preset", "ultrafast", "-movflags", "+faststart")
	if err := checkFaststart(fast); err != nil {
		t.Errorf("faststart MP4 rejected: %v", err)
	}
	if err := checkFaststart(filepath.Join(dir, "none.mp4")); err == nil {
		t.Error("missing file passed")
	}
}
