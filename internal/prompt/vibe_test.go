package prompt

import "testing"

func TestChooseForBrief(t *testing.T) {
	t.Parallel()
	cases := []struct {
		brief, pose, background string
	}{
		{"An edgy look for the new collection", "editorial-drama", "studio-black"},
		{"DRAMATIC!", "editorial-drama", "studio-black"},
		{"keep it casual", "relaxed-natural", "studio-grey"},
		{"Natural, effortless", "relaxed-natural", "studio-grey"},
		{"streetwear drop", "street-walk", "outdoor-urban"},
		{"city at night", "street-walk", "outdoor-urban"},
		{"clean commercial catalogue", "confident-standing", "studio-white"},
		{"raw concrete vibes", "leaning-casual", "industrial"},
		{"warm and intimate", "seated-editorial", "warm-daylight"},
		{"colourful and vibrant", "editorial-drama", "color-gel"},
		{"Colorful", "editorial-drama", "color-gel"},
		// No keywords: defaults.
		{"", "confident-standing", "studio-grey"},
		{"a linen suit for spring", "confident-standing", "studio-grey"},
		// Whole words only: these contain keywords as substrings.
		{"boldly going to the cityscape, rawhide warmth", "confident-standing", "studio-grey"},
		{"softly streetlit", "confident-standing", "studio-grey"},
		// Several families: the earliest word in the brief wins.
		{"warm but edgy", "seated-editorial", "warm-daylight"},
		{"edgy but warm", "editorial-drama", "studio-black"},
		{"a clean, urban, industrial story", "confident-standing", "studio-white"},
		// Hyphens and punctuation separate words.
		{"street-style/raw", "street-walk", "outdoor-urban"},
	}
	for _, c := range cases {
		pose, bg, reason := ChooseForBrief(c.brief)
		if pose != c.pose || bg != c.background {
			t.Errorf("ChooseForBrief(%q) = %s, %s; want %s, %s", c.brief, pose, bg, c.pose, c.background)
		}
		if reason == "" {
			t.Errorf("ChooseForBrief(%q) gave no reason", c.brief)
		}
		if MatchesVibe(c.brief) != (c.pose != DefaultPose || c.background != DefaultBackground) {
			t.Errorf("MatchesVibe(%q) disagrees with ChooseForBrief", c.brief)
		}
		if w := VibeKeyword(c.brief); (w != "") != MatchesVibe(c.brief) || (w != "" && !contains(reason, `"`+w+`"`)) {
			t.Errorf("VibeKeyword(%q) = %q does not match the reason %q", c.brief, w, reason)
		}
	}
}

func TestChooseForBriefReasonNamesWord(t *testing.T) {
	t.Parallel()
	_, _, reason := ChooseForBrief("Something INTENSE please")
	if want := `"intense"`; !contains(reason, want) {
		t.Errorf("reason %q should quote %s", reason, want)
	}
}

func TestVibePresetsExist(t *testing.T) {
	t.Parallel()
	lib, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vibes() {
		if _, ok := lib.Pose(v.pose); !ok {
			t.Errorf("vibe %v names unknown pose %q", v.words, v.pose)
		}
		if _, ok := lib.Background(v.background); !ok {
			t.Errorf("vibe %v names unknown background %q", v.words, v.background)
		}
	}
}

func TestMentionsGlasses(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		"she wears round glasses":  true,
		"Sunglasses on":            true,
		"tortoiseshell EYEWEAR":    true,
		"specs and a beret":        true,
		"a glassy lake":            false,
		"glasshouse set":           false,
		"warm shades of orange":    false,
		"":                         false,
		"no accessories, just art": false,
	}
	for text, want := range cases {
		if got := MentionsGlasses(text); got != want {
			t.Errorf("MentionsGlasses(%q) = %v, want %v", text, got, want)
		}
	}
}
