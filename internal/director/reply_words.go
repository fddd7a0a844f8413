package director

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// aspect reads "use 9:16", "make it vertical 9:16", "9x16", "square". A
// ratio inside a longer request ("use 4:5 and warm it up") is a change that
// carries the ratio, so both happen.
func (p *replyParser) aspect() (Intent, bool) {
	ratio, skip := p.findRatio()
	directive := p.only(skip, isAspectWord)
	valid := slices.Contains(aspectsFor(p.stage), ratio)
	switch {
	case ratio != "" && directive && valid:
		return Intent{Kind: IntentSetAspect, Aspect: ratio}, true
	case ratio != "" && directive:
		return p.unclear(fmt.Sprintf("%s isn't a ratio I can use here; pick one of %s.", ratio, strings.Join(aspectsFor(p.stage), ", "))), true
	case ratio != "" && valid:
		return Intent{Kind: IntentChange, Aspect: ratio, Instruction: p.changeInstruction()}, true
	case ratio == "" && directive:
		for _, t := range p.toks {
			if r := orientationRatio(t.text); r != "" {
				return Intent{Kind: IntentSetAspect, Aspect: r}, true
			}
		}
	}
	return Intent{}, false
}

// findRatio returns the first "W:H" or "WxH" in the reply and the token
// indexes it used.
func (p *replyParser) findRatio() (string, map[int]bool) {
	t := p.toks
	for i := 0; i+2 < len(t); i++ {
		if t[i].kind == tNum && t[i+2].kind == tNum && (t[i+1].text == ":" || t[i+1].text == "x") {
			return fmt.Sprintf("%d:%d", t[i].num, t[i+2].num), map[int]bool{i: true, i + 1: true, i + 2: true}
		}
	}
	return "", nil
}

// aspectsFor lists the ratios the stage can use: frames are re-cropped, the
// hero and sheet are generated.
func aspectsFor(stage string) []string {
	switch stage {
	case shoot.StageFrames, shoot.StageClips, shoot.StageComplete:
		return shoot.FrameAspectRatios
	}
	return shoot.ImageAspectRatios
}

func orientationRatio(w string) string {
	switch w {
	case "square":
		return "1:1"
	case "vertical", "portrait", "tall":
		return "9:16"
	case "horizontal", "landscape", "widescreen", "wide":
		return "16:9"
	}
	return ""
}

// loop reads "loop it", "make it loop", "seamless loop", "no loop", "turn
// off the loop". The whole reply must be about looping.
func (p *replyParser) loop() (Intent, bool) {
	has := slices.ContainsFunc(p.toks, func(t token) bool { return strings.HasPrefix(t.text, "loop") })
	if !has || !p.only(nil, isLoopWord) {
		return Intent{}, false
	}
	on := !slices.ContainsFunc(p.toks, func(t token) bool { return isNegation(t.text) })
	return Intent{Kind: IntentSetLoop, Loop: &on}, true
}

// easing reads "use cinematic easing", "easing easeInOutCubic", "ease in
// out cubic easing". A known name counts when the reply mentions easing or
// says nothing else, so "make it more cinematic" stays a creative change.
func (p *replyParser) easing() (Intent, bool) {
	name, skip := p.findEasing()
	keyword := slices.ContainsFunc(p.toks, func(t token) bool { return isEasingKeyword(t.text) })
	switch {
	case name != "" && (keyword || p.only(skip, isEasingFiller)):
		return Intent{Kind: IntentSetEasing, Easing: name}, true
	case name == "" && keyword && len(p.easings) > 0:
		return p.unclear("I don't know that easing curve. Try one of: " + strings.Join(p.easings[:min(len(p.easings), 12)], ", ") + "."), true
	case name == "" && keyword:
		return p.unclear("Easing curves cannot be changed here."), true
	}
	return Intent{}, false
}

// findEasing matches up to six adjacent words against the known names,
// ignoring case, spaces, dashes and underscores; the longest match wins.
func (p *replyParser) findEasing() (string, map[int]bool) {
	norm := make([]string, len(p.easings))
	for k, name := range p.easings {
		norm[k] = strings.ToLower(normalizeName(name))
	}
	best, bestLen, at := "", 0, 0
	for i := range p.toks {
		if p.toks[i].kind != tWord {
			continue
		}
		joined := ""
		for j, n := i, 0; j < len(p.toks) && n < 6; j++ {
			if t := p.toks[j]; t.kind == tPunct && t.text == "-" {
				continue // "ease-in-out" joins like "ease in out"
			} else if t.kind != tWord {
				break
			}
			joined, n = joined+p.toks[j].text, n+1
			if k := slices.Index(norm, joined); k >= 0 && j-i+1 > bestLen {
				best, bestLen, at = p.easings[k], j-i+1, i
			}
		}
	}
	skip := map[int]bool{}
	for k := at; k < at+bestLen; k++ {
		skip[k] = true
	}
	return best, skip
}

func normalizeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '_' {
			return -1
		}
		return r
	}, s)
}

// approve accepts only replies made wholly of approving words and emoji:
// "continue", "yes", "looks good", "ok go ahead", "👍".
func (p *replyParser) approve() (Intent, bool) {
	positive := slices.ContainsFunc(p.toks, func(t token) bool {
		return (t.kind == tWord && isApproveWord(t.text)) || (t.kind == tSym && isApproveSymbol(t.text))
	})
	if positive && allApproval(p.toks) {
		return Intent{Kind: IntentApprove}, true
	}
	return Intent{}, false
}

// retry reads a bare "try again" / "regenerate" / "another one": redo the
// stage with nothing added.
func (p *replyParser) retry() (Intent, bool) {
	redo := slices.ContainsFunc(p.toks, func(t token) bool {
		return isRedoVerb(t.text) || t.text == "again" || t.text == "another" || t.text == "more"
	})
	if redo && p.only(nil, isRetryWord) {
		return Intent{Kind: IntentChange}, true
	}
	return Intent{}, false
}

// only reports whether every token not in skip is punctuation, an
// approving emoji, or a word accepted by ok. Numbers outside skip fail.
func (p *replyParser) only(skip map[int]bool, ok func(string) bool) bool {
	for i, t := range p.toks {
		if skip[i] {
			continue
		}
		switch {
		case t.kind == tNum, t.kind == tSym && !isApproveSymbol(t.text), t.kind == tWord && !ok(t.text):
			return false
		}
	}
	return true
}

func isApproveSymbol(s string) bool {
	return strings.Contains("👍👌✅🙌🔥❤💯✨🚀👏😍🤩💥⭐🌟♥☑✔", s)
}

// isApproveWord lists the words that carry approval on their own.
func isApproveWord(w string) bool {
	switch w {
	case "yes", "yeah", "yep", "yup", "ya", "yea", "y", "ok", "okay", "okey", "k", "kk", "sure", "go", "proceed",
		"continue", "next", "approve", "approved", "lgtm", "good", "great", "love", "loving", "perfect", "nice",
		"awesome", "amazing", "beautiful", "excellent", "fine", "fantastic", "gorgeous", "brilliant", "cool",
		"ship", "keep", "move", "carry", "done", "wonderful", "stunning", "superb", "lovely", "agreed", "agree",
		"alright", "works", "happy", "like", "onward", "onwards", "ahead", "forward", "yass", "yas", "sweet", "neat":
		return true
	}
	return false
}

// isApproveFiller lists words that may sit around approval without
// changing it ("that looks good to me, let's go").
func isApproveFiller(w string) bool {
	switch w {
	case "it", "its", "is", "that", "thats", "this", "the", "a", "to", "on", "us", "let", "lets", "please", "you",
		"thank", "thanks", "so", "far", "me", "for", "all", "and", "now", "then", "i", "we", "just", "very", "really",
		"pretty", "too", "ready", "stage", "step", "with", "looks", "look", "looking", "sounds", "going", "do", "im",
		"am", "much", "super", "totally", "absolutely", "definitely", "right", "there", "oh", "wow", "hey",
		"ahh", "yay", "haha", "lol", "are", "these", "those", "they", "them", "great", "one", "get", "got":
		return true
	}
	return false
}

// isCommandFiller is what surrounds a frame/clip target without being part
// of the user's instruction ("please regenerate frame 3 again").
func isCommandFiller(t token) bool {
	return isEdgeFiller(t) || isApproveWord(t.text) || isApproveFiller(t.text) ||
		slices.Contains([]string{"make", "new", "another", "version", "take", "try", "number", "no", "only", "too", "of", "in"}, t.text)
}

// isEdgeFiller is trimmed from the ends of an instruction ("…frame 3 and
// make her smile" → "make her smile"). It must stay within isCommandFiller.
func isEdgeFiller(t token) bool {
	if t.kind == tPunct || t.kind == tSym {
		return true
	}
	return t.kind == tWord && (isRedoVerb(t.text) || slices.Contains([]string{"and", "but", "with", "for", "please",
		"again", "then", "also", "so", "to", "can", "could", "would", "you", "plus", "just"}, t.text))
}

// isTrailingFiller is a dangling word left at the end of an instruction
// once the target is cut out ("make her look left in [frame 4]").
func isTrailingFiller(w string) bool {
	switch w {
	case "in", "on", "at", "of", "for", "from", "the", "into":
		return true
	}
	return false
}

func isRedoVerb(w string) bool {
	switch w {
	case "regenerate", "regen", "redo", "remake", "retry", "reroll", "rerun", "refresh", "recreate", "rerender",
		"redraw", "reshoot", "replace", "generate", "re", "fix", "change", "edit", "update":
		return true
	}
	return false
}

func isAspectWord(w string) bool {
	return orientationRatio(w) != "" || isApproveWord(w) || slices.Contains([]string{"use", "make", "it", "switch",
		"to", "change", "aspect", "ratio", "format", "orientation", "please", "instead", "crop", "resize", "reframe",
		"frames", "frame", "the", "in", "as", "a", "an", "and", "with", "set", "try", "all", "them", "be", "shot",
		"image", "images", "hero", "sheet", "at", "for", "by", "let", "lets", "do", "we", "i", "want", "mode", "video"}, w)
}

func isLoopWord(w string) bool {
	return strings.HasPrefix(w, "loop") || isNegation(w) || slices.Contains([]string{"make", "it", "the", "video",
		"film", "please", "turn", "on", "enable", "add", "a", "an", "we", "want", "i", "should", "can", "you", "to",
		"set", "do", "yes", "ok", "okay", "so", "that", "be", "with", "and", "back", "around", "round", "seamless",
		"seamlessly", "smooth", "smoothly", "endless", "endlessly", "infinite", "clip", "also", "need", "let", "lets",
		"have", "as", "us", "too", "this", "sixth", "6th", "instead", "into", "well", "actually", "go", "goes"}, w)
}

func isNegation(w string) bool {
	switch w {
	case "no", "not", "dont", "without", "disable", "off", "stop", "remove", "drop", "never", "nope", "unloop", "cancel", "skip":
		return true
	}
	return false
}

func isEasingKeyword(w string) bool {
	switch w {
	case "easing", "easings", "curve", "curves", "eased":
		return true
	}
	return false
}

func isEasingFiller(w string) bool {
	return slices.Contains([]string{"use", "set", "switch", "to", "the", "a", "an", "make", "it", "please", "apply",
		"try", "with", "for", "film", "final", "video", "stitch", "instead", "change", "go", "let", "lets"}, w)
}

func isRetryWord(w string) bool {
	return isRedoVerb(w) || slices.Contains([]string{"again", "try", "another", "one", "more", "take", "new", "version",
		"it", "this", "that", "the", "a", "please", "give", "me", "us", "hero", "sheet", "contact", "image", "picture",
		"shot", "whole", "once", "different", "variation", "other", "fresh", "start", "over", "from", "scratch",
		"do", "can", "you", "let", "lets", "see", "have", "go", "just", "same", "thing", "all", "everything", "time", "times"}, w)
}
