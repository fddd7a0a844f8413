package prompt

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

func presets(t *testing.T, pose, bg string) (string, string) {
	t.Helper()
	lib, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	p, ok1 := lib.Pose(pose)
	b, ok2 := lib.Background(bg)
	if !ok1 || !ok2 {
		t.Fatalf("missing preset %s or %s", pose, bg)
	}
	return p.Snippet, b.Snippet
}

func TestHeroGolden(t *testing.T) {
	t.Parallel()
	pose, bg := presets(t, "confident-standing", "studio-grey")
	golden(t, "hero-default.golden", Hero(HeroVars{Pose: pose, Background: bg}))
	pose, bg = presets(t, "street-walk", "outdoor-urban")
	golden(t, "hero-9x16-glasses.golden", Hero(HeroVars{
		Pose: pose, Background: bg, AspectRatio: "9:16", Glasses: true,
		Brief: "street look with sunglasses", Extra: "make the light warmer",
	}))
}

func TestHeroAspectRatioFollowsChoice(t *testing.T) {
	t.Parallel()
	pose, bg := presets(t, "urban-lean", "industrial")
	for _, r := range []string{"9:16", "1:1", "16:9", "4:5"} {
		got := Hero(HeroVars{Pose: pose, Background: bg, AspectRatio: r})
		if !contains(got, r+" aspect ratio") {
			t.Errorf("hero for %s lacks its ratio:\n%s", r, got)
		}
		if contains(got, "3:2") {
			t.Errorf("hero for %s still mentions 3:2", r)
		}
		sheet := ContactSheet(SheetVars{AspectRatio: r})
		if !contains(sheet, "sheet is "+r) || contains(sheet, "3:2") {
			t.Errorf("contact sheet for %s has the wrong ratio", r)
		}
	}
	if got := Hero(HeroVars{Pose: pose, Background: bg}); !contains(got, "3:2 aspect ratio, landscape") {
		t.Errorf("empty ratio should use the 3:2 default:\n%s", got)
	}
	if got := Hero(HeroVars{AspectRatio: "9:16"}); !contains(got, "portrait frame") {
		t.Error("9:16 should be described as portrait")
	}
	if got := Hero(HeroVars{AspectRatio: "1:1"}); !contains(got, "square frame") {
		t.Error("1:1 should be described as square")
	}
}

func TestGlassesClauseOnlyWhenFlagged(t *testing.T) {
	t.Parallel()
	const clause = "eyewear"
	pose, bg := presets(t, "confident-standing", "studio-black")
	renders := map[string]func(bool) string{
		"hero":      func(g bool) string { return Hero(HeroVars{Pose: pose, Background: bg, Glasses: g}) },
		"sheet":     func(g bool) string { return ContactSheet(SheetVars{Glasses: g}) },
		"treatment": Treatment,
	}
	for name, render := range renders {
		if !contains(render(true), clause) {
			t.Errorf("%s with glasses lacks the eyewear clause", name)
		}
		if got := render(false); contains(got, clause) || contains(got, "glasses") {
			t.Errorf("%s without glasses mentions them:\n%s", name, got)
		}
	}
}

func TestContactSheet(t *testing.T) {
	t.Parallel()
	got := ContactSheet(SheetVars{AspectRatio: "3:2"})
	golden(t, "contact-sheet-default.golden", got)
	for i := 1; i <= 6; i++ {
		if !contains(got, "\n"+string(rune('0'+i))+". ") {
			t.Errorf("shot %d missing from the shot list", i)
		}
	}
	if contains(got, "\n7. ") {
		t.Error("more than six shots listed")
	}
	if contains(got, "Setting note") || contains(got, "Wardrobe note") || contains(got, "Changes for this take") {
		t.Error("optional lines rendered without values")
	}
	full := ContactSheet(SheetVars{AspectRatio: "4:5", Glasses: true, Extra: "warmer light", Background: "keep the grey paper", Wardrobe: "the red coat stays buttoned"})
	golden(t, "contact-sheet-notes.golden", full)
	for _, want := range []string{"Setting note: keep the grey paper.", "Wardrobe note: the red coat stays buttoned.", "Changes for this take: warmer light."} {
		if !contains(full, want) {
			t.Errorf("sheet lacks %q", want)
		}
	}
}

func TestClips(t *testing.T) {
	t.Parallel()
	five, six := Clips(false), Clips(true)
	if len(five) != 5 || len(six) != 6 {
		t.Fatalf("got %d and %d clips", len(five), len(six))
	}
	seen := map[string]bool{}
	for i, p := range six {
		n := i + 1
		if p == "" || seen[p] {
			t.Errorf("clip %d prompt is empty or repeated", n)
		}
		seen[p] = true
		if len(p) > 2500 {
			t.Errorf("clip %d prompt is %d chars, over Kling's 2500", n, len(p))
		}
		if !contains(p, "camera") && !contains(p, "dolly") && !contains(p, "macro") {
			t.Errorf("clip %d prompt has no camera language: %s", n, p)
		}
		if n <= 5 && five[i] != p {
			t.Errorf("clip %d differs between loop and no loop", n)
		}
		if ClipMove(n) == "" {
			t.Errorf("ClipMove(%d) empty", n)
		}
	}
	if !contains(six[5], "opening portrait composition") {
		t.Errorf("loop clip does not return to the opening: %s", six[5])
	}
	for _, bad := range []struct {
		n    int
		loop bool
	}{{0, true}, {6, false}, {7, true}, {-1, false}} {
		if got := Clip(bad.n, bad.loop); got != "" {
			t.Errorf("Clip(%d, %v) = %q, want empty", bad.n, bad.loop, got)
		}
	}
	if ClipMove(0) != "" || ClipMove(7) != "" {
		t.Error("ClipMove accepts out-of-range numbers")
	}
	golden(t, "clips.golden", strings.Join(six, "\n\n"))
}

func TestNegativeAndFrameEdit(t *testing.T) {
	t.Parallel()
	if n := NegativePrompt(); len(n) < 20 || len(n) > 2500 {
		t.Errorf("negative prompt %q", n)
	}
	got := FrameEdit("  make her   smile ")
	golden(t, "frame-edit.golden", got)
	if !contains(got, "make her smile.") {
		t.Errorf("frame edit lacks the instruction: %s", got)
	}
	if got := FrameEdit("Is it brighter?"); !contains(got, "Is it brighter?\n") {
		t.Errorf("existing punctuation should be kept: %s", got)
	}
	if got := FrameEdit(" "); !contains(got, RetakeInstruction) {
		t.Errorf("empty instruction should ask for a retake: %s", got)
	}
}

func TestOrientationAndSentence(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"3:2": "landscape", "2:3": "portrait", "1:1": "square", "x": "custom", "0:1": "custom", "a:b": "custom"} {
		if got := orientation(in); got != want {
			t.Errorf("orientation(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"": "", "hi": "hi.", "hi!": "hi!", " a  b ": "a b.", "ok…": "ok…", "é": "é."} {
		if got := sentence(in); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}
