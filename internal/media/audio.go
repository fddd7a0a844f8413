package media

import (
	"context"
	"fmt"
	"os"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// checkAudio makes sure the audio bed exists and has an audio stream.
func checkAudio(ctx context.Context, path string) error {
	name := fmt.Sprintf("audio bed (%s)", path)
	if _, err := os.Stat(path); err != nil {
		return shoot.Wrap(err, shoot.ENOTFOUND, name+" cannot be opened")
	}
	info, err := Probe(ctx, path)
	switch {
	case err != nil && ctx.Err() != nil:
		return ctx.Err()
	case err != nil && shoot.ErrorCode(err) != shoot.EINVALID:
		return err // ffprobe itself failed, not the bed
	case err != nil:
		return shoot.Wrap(err, shoot.EINVALID, name+" is not a readable media file")
	case !info.HasAudio:
		return shoot.Errorf(shoot.EINVALID, "%s has no audio stream", name)
	}
	return nil
}

// audioArgs are the encoder arguments that add the bed: input 1 loops for
// ever so a short bed still fills the film, and the filter cuts it to the
// film's length and fades it in and out (each fade at most a quarter of the
// film, so short films keep some full-volume sound).
func audioArgs(path string, duration float64) (input, output []string) {
	fadeIn, fadeOut := min(0.5, duration/4), min(1.0, duration/4)
	filter := fmt.Sprintf("atrim=end=%.6f,asetpts=PTS-STARTPTS,afade=t=in:st=0:d=%.3f,afade=t=out:st=%.6f:d=%.3f",
		duration, fadeIn, duration-fadeOut, fadeOut)
	input = append([]string{"-stream_loop", "-1"}, localInput(path)...)
	output = []string{"-map", "1:a:0", "-af", filter, "-c:a", "aac", "-b:a", "192k"}
	return input, output
}
