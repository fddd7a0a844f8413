package media

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// ffprobeTrack asks ffprobe itself (the oracle) for the first video
// stream's codec, pixel format, size and packet count.
func ffprobeTrack(t *testing.T, path string) (codec, pixFmt string, w, h, packets int) {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets",
		"-show_entries", "stream=codec_name,pix_fmt,width,height,nb_read_packets", "-of", "default=noprint_wrappers=1", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		k, v, _ := strings.Cut(strings.TrimSpace(line), "=")
		n, _ := strconv.Atoi(v)
		switch k {
		case "codec_name":
			codec = v
		case "pix_fmt":
			pixFmt = v
		case "width":
			w = n
		case "height":
			h = n
		case "nb_read_packets":
			packets = n
		}
	}
	return
}

func TestReadVideoTrackAgreesWithFFprobe(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cases := []struct {
		name, src string
		args      []string
	}{
		{"baseline.mp4", "testsrc2=s=96x64:r=24:d=1", []string{"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart"}},
		{"high.mp4", "testsrc2=s=160x90:r=30:d=1.5", []string{"-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p"}},
		{"audio-first.mp4", "testsrc2=s=128x72:r=25:d=1", []string{"-f", "lavfi", "-i", "sine=d=1", "-map", "1:a", "-map", "0:v",
			"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart"}},
		{"444.mp4", "testsrc2=s=64x64:r=10:d=1", []string{"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv444p"}},
		{"422.mp4", "testsrc2=s=64x64:r=10:d=1", []string{"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv422p"}},
		{"mpeg4.mp4", "testsrc2=s=64x48:r=10:d=1", []string{"-c:v", "mpeg4"}},
	}
	for _, tc := range cases {
		path := makeClip(t, dir, tc.name, tc.src, tc.args...)
		codec, pixFmt, w, h, packets := ffprobeTrack(t, path)
		v, err := readVideoTrack(path)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if want := codec == "h264" && pixFmt == "yuv420p"; v.h264yuv420p() != want {
			t.Errorf("%s: h264yuv420p %v for ffprobe's %s/%s (%s)", tc.name, v.h264yuv420p(), codec, pixFmt, v.format())
		}
		if v.width != w || v.height != h || v.samples != packets {
			t.Errorf("%s: %dx%d, %d samples; ffprobe says %dx%d, %d packets", tc.name, v.width, v.height, v.samples, w, h, packets)
		}
	}
}

func TestReadVideoTrackRefusesDamage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := makeClip(t, dir, "good.mp4", "testsrc2=s=96x64:r=24:d=1",
		"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart")
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	audio := makeClip(t, dir, "audio.m4a", "sine=d=1", "-c:a", "aac")
	for name, path := range map[string]string{
		"cut short":    writeFile(t, dir, "short.mp4", data[:len(data)-500]),
		"not an mp4":   writeFile(t, dir, "junk.mp4", []byte("definitely not a video file")),
		"no video":     audio,
		"missing file": filepath.Join(dir, "none.mp4"),
	} {
		if v, err := readVideoTrack(path); err == nil {
			t.Errorf("%s: read as %+v", name, v)
		}
	}
}

func TestExpGolomb(t *testing.T) {
	t.Parallel()
	// 1 | 010 | 011 | 00100 | 00101 → 0, 1, 2, 3, 4
	b := bitReader{data: []byte{0b1010_0110, 0b0100_0010, 0b1000_0000}}
	for want := uint(0); want < 5; want++ {
		if got := b.ue(); got != want || b.err {
			t.Fatalf("ue = %d (err %v), want %d", got, b.err, want)
		}
	}
	if got := unescapeNAL([]byte{1, 0, 0, 3, 1, 0, 0, 3, 0, 3}); string(got) != string([]byte{1, 0, 0, 1, 0, 0, 0, 3}) {
		t.Errorf("unescapeNAL = %v", got)
	}
}
