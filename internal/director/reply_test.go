package director

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// easingNames is a slice of the media package's catalogue, enough to test
// matching without importing it.
var easingNames = []string{"linear", "easeInOutCubic", "easeInOutSine", "ease", "easeIn", "dramaticSwoop", "cinematic", "luxurious", "easeInExpoOutCubic"}

type replyCase struct {
	text, stage string
	want        Intent
}

func boolPtr(b bool) *bool { return &b }

func checkIntent(t *testing.T, c replyCase) {
	t.Helper()
	got := ParseReply(c.text, c.stage, easingNames)
	w := c.want
	if got.Kind != w.Kind || !slices.Equal(got.Frames, w.Frames) || !slices.Equal(got.Clips, w.Clips) ||
		got.Aspect != w.Aspect || got.Easing != w.Easing || (got.Loop == nil) != (w.Loop == nil) ||
		(got.Loop != nil && *got.Loop != *w.Loop) || got.Instruction != w.Instruction {
		t.Errorf("ParseReply(%q, %s) =\n  %+v\nwant\n  %+v", c.text, c.stage, show(got), show(w))
	}
	if w.Kind == IntentUnclear && got.Note == "" {
		t.Errorf("ParseReply(%q): unclear without a note", c.text)
	}
}

func show(in Intent) Intent {
	if in.Loop != nil {
		in.Text = in.Text + " loop=" + map[bool]string{true: "true", false: "false"}[*in.Loop]
	}
	return in
}

func TestParseReplyApprove(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"continue", "Continue.", "  CONTINUE  ", "approve", "yes", "Yes!", "looks good", "Looks great, thanks!", "ok", "OK",
		"next", "go ahead", "👍", "👍🏽", "ok 👍", "lgtm", "perfect", "love it", "yes please", "let's go", "Let’s go!",
		"that looks good to me", "sounds good, continue", "keep going", "move on", "✅", "", "carry on", "Great — next step",
	} {
		for _, stage := range []string{shoot.StageHero, shoot.StageFrames, shoot.StageClips} {
			checkIntent(t, replyCase{text, stage, Intent{Kind: IntentApprove}})
		}
	}
}

func TestParseReplyApproveWithChangeIsChange(t *testing.T) {
	t.Parallel()
	cases := []replyCase{
		{"looks good but make it warmer", shoot.StageHero, Intent{Kind: IntentChange, Instruction: "make it warmer"}},
		{"Love it, but the shoes should be red", shoot.StageContactSheet, Intent{Kind: IntentChange, Instruction: "the shoes should be red"}},
		{"yes and add a hat", shoot.StageHero, Intent{Kind: IntentChange, Instruction: "yes and add a hat"}},
		{"not good", shoot.StageHero, Intent{Kind: IntentChange, Instruction: "not good"}},
		{"no", shoot.StageHero, Intent{Kind: IntentChange, Instruction: "no"}},
		{"👍 🤮", shoot.StageHero, Intent{Kind: IntentChange, Instruction: "👍 🤮"}},
		{"make the background warmer", shoot.StageHero, Intent{Kind: IntentChange, Instruction: "make the background warmer"}},
		{"the 6 frames look great but make them warmer", shoot.StageFrames, Intent{Kind: IntentChange, Instruction: "the 6 frames look great but make them warmer"}},
		{"make it more cinematic", shoot.StageClips, Intent{Kind: IntentChange, Instruction: "make it more cinematic"}},
		{"a closer portrait, please", shoot.StageHero, Intent{Kind: IntentChange, Instruction: "a closer portrait, please"}},
		{"make the background 2 stops brighter", shoot.StageHero, Intent{Kind: IntentChange, Instruction: "make the background 2 stops brighter"}},
		{"the clips don't loop well", shoot.StageClips, Intent{Kind: IntentChange, Instruction: "the clips don't loop well"}},
	}
	for _, c := range cases {
		checkIntent(t, c)
	}
}

func TestParseReplyFrames(t *testing.T) {
	t.Parallel()
	all := []int{1, 2, 3, 4, 5, 6}
	cases := []replyCase{
		{"regenerate frame 3", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{3}}},
		{"Redo frames 2 and 5.", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{2, 5}}},
		{"frames 1-3 again", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{1, 2, 3}}},
		{"frames 1–3", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{1, 2, 3}}},
		{"frames 3 to 1", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{1, 2, 3}}},
		{"regenerate frames 2, 4, 6", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{2, 4, 6}}},
		{"frames 2,4 & 4", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{2, 4}}},
		{"regenerate all frames", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: all}},
		{"redo all the frames", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: all}},
		{"regenerate all", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: all}},
		{"redo 2", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{2}}},
		{"redo #4 please", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{4}}},
		{"the third frame", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{3}}},
		{"redo the 2nd and 5th frames", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{2, 5}}},
		{"frame two", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{2}}},
		{"regenerate frame 3 and make her smile", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{3}, Instruction: "make her smile"}},
		{"regenerate frames 2, 4, 6 with more contrast", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{2, 4, 6}, Instruction: "more contrast"}},
		{"frame 3 is too dark", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{3}, Instruction: "it is too dark"}},
		{"For frame 3, add a red hat", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{3}, Instruction: "add a red hat"}},
		{"regenerate frame 3, keep the hat", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{3}, Instruction: "keep the hat"}},
		{"change frame 1 to black and white", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{1}, Instruction: "black and white"}},
		{"looks good, but redo frame 6", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{6}}},
		// A frame named at the clips checkpoint is still a frame.
		{"regenerate frame 3", shoot.StageClips, Intent{Kind: IntentRegenerateFrames, Frames: []int{3}}},
		// Without a noun, a bare number only means a frame at the frames checkpoint.
		{"redo 2", shoot.StageHero, Intent{Kind: IntentChange, Instruction: "redo 2"}},
		{"redo one more time", shoot.StageFrames, Intent{Kind: IntentChange}},
		// Out of range.
		{"regenerate frame 9", shoot.StageFrames, Intent{Kind: IntentUnclear}},
		{"frame 0", shoot.StageFrames, Intent{Kind: IntentUnclear}},
		{"frames 4-8", shoot.StageFrames, Intent{Kind: IntentUnclear}},
		{"frame 99999999999999999999", shoot.StageFrames, Intent{Kind: IntentUnclear}},
	}
	for _, c := range cases {
		checkIntent(t, c)
	}
}

func TestParseReplyClips(t *testing.T) {
	t.Parallel()
	cases := []replyCase{
		{"redo clip 2", shoot.StageClips, Intent{Kind: IntentRedoClips, Clips: []int{2}}},
		{"regenerate clips 1, 4", shoot.StageClips, Intent{Kind: IntentRedoClips, Clips: []int{1, 4}}},
		{"Video 5 again please", shoot.StageClips, Intent{Kind: IntentRedoClips, Clips: []int{5}}},
		{"redo clip 6", shoot.StageClips, Intent{Kind: IntentRedoClips, Clips: []int{6}}},
		{"redo 3", shoot.StageClips, Intent{Kind: IntentRedoClips, Clips: []int{3}}},
		{"redo all clips", shoot.StageClips, Intent{Kind: IntentRedoClips}},
		{"regenerate everything", shoot.StageClips, Intent{Kind: IntentRedoClips}},
		{"redo clip 2 with a slower move", shoot.StageClips, Intent{Kind: IntentRedoClips, Clips: []int{2}, Instruction: "a slower move"}},
		{"clip 7", shoot.StageClips, Intent{Kind: IntentUnclear}},
	}
	for _, c := range cases {
		checkIntent(t, c)
	}
}

func TestParseReplyAspect(t *testing.T) {
	t.Parallel()
	cases := []replyCase{
		{"use 9:16", shoot.StageFrames, Intent{Kind: IntentSetAspect, Aspect: "9:16"}},
		{"make it vertical 9:16", shoot.StageHero, Intent{Kind: IntentSetAspect, Aspect: "9:16"}},
		{"9x16", shoot.StageFrames, Intent{Kind: IntentSetAspect, Aspect: "9:16"}},
		{"square", shoot.StageFrames, Intent{Kind: IntentSetAspect, Aspect: "1:1"}},
		{"Make it square please", shoot.StageHero, Intent{Kind: IntentSetAspect, Aspect: "1:1"}},
		{"switch to landscape", shoot.StageContactSheet, Intent{Kind: IntentSetAspect, Aspect: "16:9"}},
		{"vertical", shoot.StageFrames, Intent{Kind: IntentSetAspect, Aspect: "9:16"}},
		{"4:5", shoot.StageHero, Intent{Kind: IntentSetAspect, Aspect: "4:5"}},
		{"continue with 9:16", shoot.StageFrames, Intent{Kind: IntentSetAspect, Aspect: "9:16"}},
		// 4:5 can be generated but not re-cropped.
		{"use 4:5", shoot.StageFrames, Intent{Kind: IntentUnclear}},
		{"use 7:3", shoot.StageHero, Intent{Kind: IntentUnclear}},
		// A ratio inside a creative request travels with the change.
		{"use 4:5 and make the light warmer", shoot.StageHero, Intent{Kind: IntentChange, Aspect: "4:5", Instruction: "use 4:5 and make the light warmer"}},
		// A time is not a ratio request.
		{"shoot it like golden hour at 6:30", shoot.StageHero, Intent{Kind: IntentChange, Instruction: "shoot it like golden hour at 6:30"}},
	}
	for _, c := range cases {
		checkIntent(t, c)
	}
}

func TestParseReplyLoopAndEasing(t *testing.T) {
	t.Parallel()
	cases := []replyCase{
		{"loop it", shoot.StageClips, Intent{Kind: IntentSetLoop, Loop: boolPtr(true)}},
		{"make it loop", shoot.StageClips, Intent{Kind: IntentSetLoop, Loop: boolPtr(true)}},
		{"Seamless loop!", shoot.StageFrames, Intent{Kind: IntentSetLoop, Loop: boolPtr(true)}},
		{"enable looping", shoot.StageClips, Intent{Kind: IntentSetLoop, Loop: boolPtr(true)}},
		{"no loop", shoot.StageClips, Intent{Kind: IntentSetLoop, Loop: boolPtr(false)}},
		{"don't loop it", shoot.StageClips, Intent{Kind: IntentSetLoop, Loop: boolPtr(false)}},
		{"turn off the loop", shoot.StageClips, Intent{Kind: IntentSetLoop, Loop: boolPtr(false)}},
		{"use cinematic easing", shoot.StageClips, Intent{Kind: IntentSetEasing, Easing: "cinematic"}},
		{"easing easeInOutCubic", shoot.StageClips, Intent{Kind: IntentSetEasing, Easing: "easeInOutCubic"}},
		{"ease in out cubic easing", shoot.StageClips, Intent{Kind: IntentSetEasing, Easing: "easeInOutCubic"}},
		{"Dramatic swoop", shoot.StageClips, Intent{Kind: IntentSetEasing, Easing: "dramaticSwoop"}},
		{"use linear", shoot.StageHero, Intent{Kind: IntentSetEasing, Easing: "linear"}},
		{"ease-in-expo-out-cubic curve", shoot.StageClips, Intent{Kind: IntentSetEasing, Easing: "easeInExpoOutCubic"}},
		{"use bouncy easing", shoot.StageClips, Intent{Kind: IntentUnclear}},
	}
	for _, c := range cases {
		checkIntent(t, c)
	}
	if got := ParseReply("use cinematic easing", shoot.StageClips, nil); got.Kind != IntentUnclear {
		t.Errorf("without easing names: %+v", got)
	}
}

func TestParseReplyRetryAndUnclear(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"try again", "regenerate", "Another one please", "redo it"} {
		checkIntent(t, replyCase{text, shoot.StageHero, Intent{Kind: IntentChange}})
	}
	checkIntent(t, replyCase{"?!", shoot.StageHero, Intent{Kind: IntentUnclear}})
	if got := ParseReply("  warmer light  ", shoot.StageHero, nil); got.Text != "warmer light" {
		t.Errorf("Text = %q, want the trimmed reply", got.Text)
	}
}

func TestScanNumbers(t *testing.T) {
	t.Parallel()
	toks := scan("3rd 12 x16 1st.")
	var got []string
	for _, tk := range toks {
		got = append(got, tk.text)
	}
	if want := []string{"3", "12", "x", "16", "1"}; !slices.Equal(got, want) {
		t.Errorf("tokens %q, want %q", got, want)
	}
	if !isOrdinal(toks[0]) || isOrdinal(toks[1]) {
		t.Error("ordinal detection is wrong")
	}
}

var intentKinds = []string{IntentApprove, IntentRegenerateFrames, IntentRedoClips, IntentSetAspect, IntentSetLoop, IntentSetEasing, IntentChange, IntentUnclear}

func FuzzParseReply(f *testing.F) {
	for _, s := range []string{"continue", "regenerate frames 2, 4 and 6 with a hat", "frames 1-3 again", "use 9:16", "loop it", "no loop",
		"use cinematic easing", "looks good but warmer", "frame 99999999999999999999999", "👍🏽", "the third and 5th frames", "redo 2-4",
		"clip #6", "9x16", "ease in out cubic", "frame 3's hat", "’’’", "frames - - 1"} {
		for _, stage := range []string{shoot.StageHero, shoot.StageFrames, shoot.StageClips} {
			f.Add(s, stage)
		}
	}
	f.Fuzz(func(t *testing.T, text, stage string) {
		in := ParseReply(text, stage, easingNames)
		if !slices.Contains(intentKinds, in.Kind) {
			t.Fatalf("unknown kind %q", in.Kind)
		}
		for _, nums := range [][]int{in.Frames, in.Clips} {
			for i, n := range nums {
				if n < 1 || n > 6 || (i > 0 && nums[i-1] >= n) {
					t.Fatalf("numbers %v out of range or unsorted for %q", nums, text)
				}
			}
		}
		switch in.Kind {
		case IntentRegenerateFrames:
			if len(in.Frames) == 0 {
				t.Fatalf("regenerate_frames without frames for %q", text)
			}
		case IntentSetAspect:
			if !slices.Contains(aspectsFor(stage), in.Aspect) {
				t.Fatalf("aspect %q not valid at %s", in.Aspect, stage)
			}
		case IntentSetLoop:
			if in.Loop == nil {
				t.Fatal("set_loop without a value")
			}
		case IntentSetEasing:
			if !slices.Contains(easingNames, in.Easing) {
				t.Fatalf("unknown easing %q", in.Easing)
			}
		case IntentUnclear:
			if in.Note == "" {
				t.Fatal("unclear without a note")
			}
		}
		if utf8.ValidString(text) && (!utf8.ValidString(in.Instruction) || !utf8.ValidString(in.Text)) {
			t.Fatalf("invalid UTF-8 out of valid input %q", text)
		}
	})
}

func TestParseReplyInstructionEdges(t *testing.T) {
	t.Parallel()
	cases := []replyCase{
		{"make her look left in frame 4", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{4}, Instruction: "make her look left"}},
		{"frame 3's background is too busy", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{3}, Instruction: "background is too busy"}},
		{"at frame 2", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{2}}},
		{"one more", shoot.StageHero, Intent{Kind: IntentChange}},
	}
	for _, c := range cases {
		checkIntent(t, c)
	}
}

func TestParseReplyEveryFrameBeforeFrames(t *testing.T) {
	t.Parallel()
	checkIntent(t, replyCase{"more contrast in every frame", shoot.StageContactSheet, Intent{Kind: IntentChange, Instruction: "more contrast in every frame"}})
	checkIntent(t, replyCase{"more contrast in every frame", shoot.StageFrames, Intent{Kind: IntentRegenerateFrames, Frames: []int{1, 2, 3, 4, 5, 6}, Instruction: "more contrast"}})
}

func BenchmarkParseReply(b *testing.B) {
	long := strings.Repeat("regenerate frames 1, 2 and 3 with warmer light, ", 200)
	for _, c := range []struct{ name, text string }{
		{"approve", "looks good, continue"},
		{"frames", "regenerate frames 2, 4 and 6 with a red hat"},
		{"change", "make the background warmer and the shoes a deeper red"},
		{"long", long},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				ParseReply(c.text, shoot.StageFrames, easingNames)
			}
		})
	}
}
