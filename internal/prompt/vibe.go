package prompt

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// vibe is one family of brief words and the presets it suggests.
type vibe struct {
	words      []string
	pose       string
	background string
}

// vibes is the brief-keyword table, with a few close synonyms
// added. urban-lean is deliberately absent: no brief keyword picks it; it is
// there for the user to ask for by name.
func vibes() []vibe {
	return []vibe{
		{[]string{"edgy", "dramatic", "drama", "bold", "intense", "fierce", "moody"}, "editorial-drama", "studio-black"},
		{[]string{"casual", "relaxed", "natural", "chill", "effortless", "candid"}, "relaxed-natural", "studio-grey"},
		{[]string{"street", "streetwear", "urban", "city"}, "street-walk", "outdoor-urban"},
		{[]string{"professional", "clean", "commercial", "corporate", "catalogue", "catalog"}, "confident-standing", "studio-white"},
		{[]string{"industrial", "raw", "concrete", "warehouse", "gritty"}, "leaning-casual", "industrial"},
		{[]string{"warm", "soft", "intimate", "cozy", "cosy", "tender"}, "seated-editorial", "warm-daylight"},
		{[]string{"colorful", "colourful", "vibrant", "neon", "playful"}, "editorial-drama", "color-gel"},
	}
}

// ChooseForBrief picks a pose and a background preset id for a brief and
// says why. Matching is case-insensitive on whole words, so "boldly" does not
// count as "bold" and "cityscape" does not count as "city". When words from
// several families appear, the family of the word that comes first in the
// brief wins: people tend to lead with the feeling they care about most, and
// the rule is easy to predict. With no keyword the defaults
// (confident-standing on studio-grey) are used.
func ChooseForBrief(brief string) (pose, background, reason string) {
	if v, word, ok := matchVibe(brief); ok {
		return v.pose, v.background, fmt.Sprintf("the brief says %q, which suggests %s on %s", word, v.pose, v.background)
	}
	return DefaultPose, DefaultBackground, "no mood words in the brief, so the classic defaults: " + DefaultPose + " on " + DefaultBackground
}

// VibeKeyword returns the mood word ChooseForBrief would act on, or "".
func VibeKeyword(text string) string {
	_, word, _ := matchVibe(text)
	return word
}

// MatchesVibe reports whether text contains any vibe keyword, i.e. whether
// ChooseForBrief would do more than return the defaults.
func MatchesVibe(text string) bool {
	_, _, ok := matchVibe(text)
	return ok
}

// matchVibe finds the first word of text that belongs to a family.
func matchVibe(text string) (vibe, string, bool) {
	table := vibes()
	for _, w := range words(text) {
		for _, v := range table {
			if slices.Contains(v.words, w) {
				return v, w, true
			}
		}
	}
	return vibe{}, "", false
}

// MentionsGlasses reports whether text says the subject wears eyewear, which
// switches on the flash-on-the-frames clause of the film treatment.
func MentionsGlasses(text string) bool {
	for _, w := range words(text) {
		switch w {
		case "glasses", "sunglasses", "eyeglasses", "eyewear", "specs", "spectacles", "sunnies":
			return true
		}
	}
	return false
}

// words splits text into lowercase runs of letters and digits; everything
// else (spaces, punctuation, hyphens) separates words.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}
