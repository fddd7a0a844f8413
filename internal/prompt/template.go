package prompt

import (
	"embed"
	"fmt"
	"strconv"
	"strings"
	"text/template"

	"github.com/fashionshoot/shoot/internal/shoot"
)

//go:embed text/*.tmpl
var textFS embed.FS

// templates is parsed once and only ever executed, never modified; the
// tests render every template, so a broken file cannot reach a release.
var templates = template.Must(template.New("prompt").
	Funcs(template.FuncMap{"orientation": orientation, "sentence": sentence}).
	ParseFS(textFS, "text/*.tmpl"))

// RetakeInstruction is the frame edit used when the user asks for a new take
// of a frame without saying what should change.
const RetakeInstruction = "give this frame a fresh, cleaner take of the same moment"

// HeroVars fill the hero template.
type HeroVars struct {
	Pose        string // the pose preset's snippet
	Background  string // the background preset's snippet
	AspectRatio string // e.g. "9:16"; "" means the shoot default
	Glasses     bool   // the subject wears glasses or sunglasses
	Brief       string // the user's brief, quoted as direction
	Extra       string // changes the user asked for
}

// SheetVars fill the contact-sheet template.
type SheetVars struct {
	AspectRatio string // the sheet's ratio; "" means the shoot default
	Glasses     bool
	Extra       string // changes the user asked for
	Background  string // optional note about the setting
	Wardrobe    string // optional note about the wardrobe
}

// Hero renders the hero-image prompt. The ratio line follows AspectRatio
// (3:2 when unset), and the eyewear clause appears only when
// Glasses is set.
func Hero(v HeroVars) string {
	v.AspectRatio = ratioOrDefault(v.AspectRatio)
	return render("hero", v)
}

// ContactSheet renders the prompt that turns the hero into a 2×3 grid of six
// camera angles.
func ContactSheet(v SheetVars) string {
	v.AspectRatio = ratioOrDefault(v.AspectRatio)
	return render("contact-sheet", v)
}

// Treatment renders the fixed film look shared by the hero and the sheet.
func Treatment(glasses bool) string {
	return render("treatment", struct{ Glasses bool }{glasses})
}

// ClipCount returns how many clips a film has: five between consecutive
// frames, plus a sixth (frame 6 back to 1) when it loops.
func ClipCount(loop bool) int {
	if loop {
		return 6
	}
	return 5
}

// Clip renders the camera-move prompt for clip n (frame n → n+1; clip 6 is
// frame 6 → 1 and exists only when loop is set). It is camera language only,
// because a start+end frame request cannot carry camera_control. It returns
// "" for a clip number the film does not have.
func Clip(n int, loop bool) string { return ClipFor(n, 6, loop) }

// ClipFor renders the camera-move prompt for clip n of a film of frames
// frames (the user's own stills may be 2 to 12): the five moves between
// keyframes repeat in order, and the loop clip (the last frame back to the
// first, n == frames) always takes the move that returns home. "" for a
// clip number the film does not have.
func ClipFor(n, frames int, loop bool) string {
	count := frames - 1
	if loop {
		count++
	}
	if n < 1 || n > count {
		return ""
	}
	move := (n-1)%5 + 1
	if n == frames {
		move = 6
	}
	return render("clip", render("clip-"+strconv.Itoa(move), nil))
}

// ClipMove names the camera move of clip n in a few words, for narration;
// "" for a number outside 1..6.
func ClipMove(n int) string {
	moves := []string{"jib up and arc", "descending arc", "low dolly arc", "dolly in", "macro push", "pull back and arc home"}
	if n < 1 || n > len(moves) {
		return ""
	}
	return moves[n-1]
}

// Clips returns the prompts of every clip of the film, in order.
func Clips(loop bool) []string {
	out := make([]string, ClipCount(loop))
	for i := range out {
		out[i] = Clip(i+1, loop)
	}
	return out
}

// NegativePrompt lists what a clip must avoid.
func NegativePrompt() string { return render("negative", nil) }

// FrameEdit renders the prompt that edits one frame; the frame itself is the
// only image sent with it. An empty instruction asks for a fresh take.
func FrameEdit(instruction string) string {
	instruction = strings.TrimSpace(instruction)
	if instruction == "" {
		instruction = RetakeInstruction
	}
	return render("frame-edit", instruction)
}

func render(name string, data any) string {
	var b strings.Builder
	if err := templates.ExecuteTemplate(&b, name, data); err != nil {
		// Only a template bug gets here; the tests execute every template.
		panic(fmt.Sprintf("prompt: template %s: %v", name, err))
	}
	return b.String()
}

func ratioOrDefault(r string) string {
	if r = strings.TrimSpace(r); r == "" {
		return shoot.DefaultAspectRatio
	}
	return r
}

// orientation names the shape of a "W:H" ratio, or "" if it is not one.
func orientation(ratio string) string {
	ws, hs, ok := strings.Cut(ratio, ":")
	w, err1 := strconv.ParseFloat(ws, 64)
	h, err2 := strconv.ParseFloat(hs, 64)
	switch {
	case !ok || err1 != nil || err2 != nil || w <= 0 || h <= 0:
		return "custom"
	case w > h:
		return "landscape"
	case w < h:
		return "portrait"
	}
	return "square"
}

// sentence trims s and ends it with a full stop unless it already ends in
// punctuation, so user text reads cleanly inside a prompt.
func sentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || strings.ContainsRune(".!?…", []rune(s)[len([]rune(s))-1]) {
		return s
	}
	return s + "."
}
