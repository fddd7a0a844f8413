// Package director holds what every director shares: reading a user's reply
// at a checkpoint. The directors themselves live in rules/ (offline) and
// claude/ (the Anthropic Messages API).
package director

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Intent kinds: what a checkpoint reply asks for.
const (
	IntentApprove          = "approve"           // go on to the next stage
	IntentRegenerateFrames = "regenerate_frames" // edit the frames in Frames
	IntentRedoClips        = "redo_clips"        // remake the clips in Clips (empty: all)
	IntentSetAspect        = "set_aspect"        // change the aspect ratio to Aspect
	IntentSetLoop          = "set_loop"          // turn the loop clip on or off
	IntentSetEasing        = "set_easing"        // use the easing curve Easing
	IntentChange           = "change"            // redo the current stage with Instruction added
	IntentUnclear          = "unclear"           // nothing to run; tell the user Note
)

// Intent is a parsed checkpoint reply.
type Intent struct {
	Kind string `json:"kind"`
	// Frames are frame numbers, 1..6, sorted and distinct.
	Frames []int `json:"frames,omitempty"`
	// Clips are clip numbers, 1..6, sorted and distinct; empty with
	// IntentRedoClips means every clip.
	Clips  []int  `json:"clips,omitempty"`
	Aspect string `json:"aspect,omitempty"`
	Loop   *bool  `json:"loop,omitempty"`
	Easing string `json:"easing,omitempty"`
	// Text is the whole reply, trimmed.
	Text string `json:"text"`
	// Instruction is what to add to the prompt: the user's words without the
	// command ("regenerate frame 3 and make her smile" → "make her smile");
	// "" when there is nothing beyond the command.
	Instruction string `json:"instruction,omitempty"`
	// Note explains an IntentUnclear reply to the user.
	Note string `json:"note,omitempty"`
}

// ParseReply reads a user's reply at the checkpoint of stage (hero,
// contact-sheet, frames, clips or complete). easings are the known easing
// names. It never fails: anything it does not recognise is IntentChange, so
// the stage is redone with the reply added to its prompt. A reply that
// approves and asks for something ("looks good but warmer") is a change.
// Frame or clip numbers outside 1..6 and unusable ratios give IntentUnclear.
func ParseReply(text, stage string, easings []string) Intent {
	text = strings.TrimSpace(text)
	p := replyParser{text: text, toks: scan(text), stage: stage, easings: easings}
	if text == "" {
		return Intent{Kind: IntentApprove} // a bare Enter at a prompt means "go on"
	}
	if len(p.toks) == 0 {
		return p.unclear("I didn't catch that. Say \"continue\" to go on, or tell me what to change.")
	}
	for _, try := range []func() (Intent, bool){p.target, p.aspect, p.loop, p.easing, p.approve, p.retry} {
		if in, ok := try(); ok {
			in.Text = text
			return in
		}
	}
	return Intent{Kind: IntentChange, Text: text, Instruction: p.changeInstruction()}
}

type replyParser struct {
	text    string
	toks    []token
	stage   string
	easings []string
}

func (p *replyParser) unclear(note string) Intent {
	return Intent{Kind: IntentUnclear, Text: p.text, Note: note}
}

// target finds "frame 3", "frames 2 and 5", "clips 1-3", "the third frame",
// "all frames", or at the frames/clips checkpoint "redo 2" and "redo all".
func (p *replyParser) target() (Intent, bool) {
	// Targets with a noun win over bare ones, so "redo all the frames" is
	// read at "all the frames" rather than at "redo all".
	for pass := range 2 {
		for i := range p.toks {
			if in, ok := p.targetIntent(i, pass == 1); ok {
				return in, true
			}
		}
	}
	return Intent{}, false
}

// targetIntent turns a target at token i into an intent.
func (p *replyParser) targetIntent(i int, bare bool) (Intent, bool) {
	noun, from, to, l, all, ok := p.targetAt(i, bare)
	if !ok || (all && noun == "frame" && (p.stage == shoot.StageHero || p.stage == shoot.StageContactSheet)) {
		// Before the frames exist, "every frame" means the sheet's cells:
		// a change to the sheet, not a frame edit.
		return Intent{}, false
	}
	if l.hasBad {
		return p.unclear(outOfRange(noun, l.bad)), true
	}
	in := Intent{Instruction: p.instruction(from, to)}
	nums := slices.Compact(slices.Sorted(slices.Values(l.nums)))
	switch {
	case noun == "frame" && all:
		in.Kind, in.Frames = IntentRegenerateFrames, []int{1, 2, 3, 4, 5, 6}
	case noun == "frame":
		in.Kind, in.Frames = IntentRegenerateFrames, nums
	case all:
		in.Kind = IntentRedoClips // no numbers: every clip
	default:
		in.Kind, in.Clips = IntentRedoClips, nums
	}
	return in, true
}

// targetAt tries each target shape starting at token i and returns the noun
// ("frame" or "clip"), the token span to cut from the instruction, the list,
// and whether it meant every one.
func (p *replyParser) targetAt(i int, bare bool) (noun string, from, to int, l numList, all, ok bool) {
	t := p.toks
	if bare {
		return p.bareTarget(i)
	}
	// "the third frame", "clip 2" — but "the 6 frames look great" counts
	// frames rather than naming one, so a number before a plural noun must
	// be an ordinal.
	if l, ok := parseList(t, i, true); ok && l.end < len(t) && nounOf(t[l.end]) != "" &&
		(!strings.HasSuffix(t[l.end].text, "s") || isOrdinal(t[i])) {
		return nounOf(t[l.end]), i, l.end + 1, l, false, true
	}
	if n := nounOf(t[i]); n != "" {
		if j := allBefore(t, i); j >= 0 {
			return n, j, i + 1, numList{}, true, true
		}
		j := i + 1
		for j < len(t) && (t[j].text == "#" || t[j].text == "number" || t[j].text == "no") {
			j++
		}
		if l, ok := parseList(t, j, true); ok {
			return n, i, l.end, l, false, true
		}
	}
	return "", 0, 0, numList{}, false, false
}

// bareTarget handles "redo 2" and "regenerate all" at a checkpoint where the
// noun is obvious from the stage. Only digits count here, so "redo one
// more" is not read as a number.
func (p *replyParser) bareTarget(i int) (string, int, int, numList, bool, bool) {
	noun := map[string]string{shoot.StageFrames: "frame", shoot.StageClips: "clip", shoot.StageComplete: "clip"}[p.stage]
	t := p.toks
	if noun == "" || t[i].kind != tWord || !isRedoVerb(t[i].text) {
		return "", 0, 0, numList{}, false, false
	}
	j := i + 1
	for j < len(t) && (t[j].text == "the" || t[j].text == "#" || t[j].text == "number") {
		j++
	}
	if j < len(t) && (t[j].text == "all" || t[j].text == "everything" || t[j].text == "them") {
		return noun, i, j + 1, numList{}, true, true
	}
	if l, ok := parseList(t, j, false); ok {
		return noun, i, l.end, l, false, true
	}
	return "", 0, 0, numList{}, false, false
}

// allBefore returns where "all/every/each [the] [6] frames" starts before
// the noun at i, or -1.
func allBefore(t []token, i int) int {
	for j, back := i-1, 0; j >= 0 && back < 3; j, back = j-1, back+1 {
		switch w := t[j].text; {
		case w == "all" || w == "every" || w == "each":
			return j
		case w == "the" || w == "of" || w == "6" || w == "5" || w == "six" || w == "five" || w == "these":
			continue
		}
		return -1
	}
	return -1
}

func nounOf(t token) string {
	switch t.text {
	case "frame", "frames", "still", "stills":
		return "frame"
	case "clip", "clips", "video", "videos", "transition", "transitions":
		return "clip"
	}
	return ""
}

func outOfRange(noun string, n int) string {
	what := fmt.Sprint(n)
	if n >= bigNum {
		what = "that number"
	}
	if noun == "frame" {
		return fmt.Sprintf("There is no frame %s: the frames are numbered 1 to 6.", what)
	}
	return fmt.Sprintf("There is no clip %s: clips are numbered 1 to 5, and 6 is the loop clip.", what)
}

// instruction is the user's own wording around the target at [from, to):
// each side is dropped when it holds only command words ("please redo",
// "again") and otherwise trimmed of connectors at its edges.
func (p *replyParser) instruction(from, to int) string {
	out := strings.TrimSpace(p.part(0, from) + " " + p.part(to, len(p.toks)))
	if first := scan(out); len(first) > 0 {
		switch first[0].text {
		case "is", "looks", "seems", "feels", "appears", "has", "needs", "was":
			out = "it " + out // "frame 3 is too dark" → "it is too dark"
		}
	}
	return out
}

func (p *replyParser) part(lo, hi int) string {
	t := p.toks
	if !slices.ContainsFunc(t[lo:hi], func(x token) bool { return !isCommandFiller(x) }) {
		return ""
	}
	for lo < hi && isEdgeFiller(t[lo]) {
		lo++
	}
	for hi > lo && (isEdgeFiller(t[hi-1]) || isTrailingFiller(t[hi-1].text)) {
		hi--
	}
	if lo == hi {
		return ""
	}
	return strings.Join(strings.Fields(p.text[t[lo].start:t[hi-1].end]), " ")
}

// changeInstruction drops a leading approval before "but" ("looks good but
// make it warmer" → "make it warmer"); otherwise it is the whole reply.
func (p *replyParser) changeInstruction() string {
	for i, t := range p.toks {
		switch t.text {
		case "but", "though", "however", "except", "only":
			if i > 0 && i+1 < len(p.toks) && allApproval(p.toks[:i]) {
				return strings.TrimSpace(p.text[p.toks[i+1].start:])
			}
			return p.text
		}
	}
	return p.text
}

func allApproval(toks []token) bool {
	for _, t := range toks {
		if t.kind == tNum || (t.kind == tWord && !isApproveWord(t.text) && !isApproveFiller(t.text)) || (t.kind == tSym && !isApproveSymbol(t.text)) {
			return false
		}
	}
	return true
}
