package rules

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fashionshoot/shoot/internal/pipeline"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// choice is the pose and background for a hero, and why.
type choice struct {
	pose, background prompt.Preset
	reason           string
	// picked is set when the presets came from the user's reply rather than
	// the options or the brief, so they should be saved.
	picked bool
}

// choose picks presets: mood words in a reply win (the user is redirecting
// the hero), then presets set in the options, then the vibe of the brief.
func (d *Director) choose(brief, reply string, o shoot.Options) (choice, error) {
	poseID, bgID, _ := prompt.ChooseForBrief(brief)
	reason, picked := "Nothing in the brief pushes a mood, so the classic set-up", false
	if w := prompt.VibeKeyword(brief); w != "" {
		reason = fmt.Sprintf("You said %q, so let's lean into it", w)
	}
	switch {
	case prompt.MatchesVibe(reply):
		poseID, bgID, _ = prompt.ChooseForBrief(reply)
		reason, picked = fmt.Sprintf("You asked for %q, so a new set-up", prompt.VibeKeyword(reply)), true
	case o.Pose != "" || o.Background != "":
		poseID, bgID = firstNonEmpty(o.Pose, poseID), firstNonEmpty(o.Background, bgID)
		reason = "Working from the presets you picked"
	}
	pose, ok := d.lib.Pose(poseID)
	if !ok {
		return choice{}, shoot.Errorf(shoot.EINVALID, "unknown pose preset %q", poseID)
	}
	bg, ok := d.lib.Background(bgID)
	if !ok {
		return choice{}, shoot.Errorf(shoot.EINVALID, "unknown background preset %q", bgID)
	}
	return choice{pose: pose, background: bg, reason: reason, picked: picked}, nil
}

// heroParams fills the hero template. The prompt is written here, not left
// to the engine, so the prompt the provider gets shows up in the tool call;
// the user's change goes in Extra, which the engine appends.
func heroParams(c choice, s *shoot.Session, aspect, glassesText, extra string) pipeline.HeroParams {
	o := s.Options.WithDefaults()
	aspect = firstNonEmpty(aspect, o.AspectRatio)
	vars := prompt.HeroVars{
		Pose: c.pose.Snippet, Background: c.background.Snippet, AspectRatio: aspect,
		Glasses: prompt.MentionsGlasses(s.Brief) || prompt.MentionsGlasses(glassesText), Brief: s.Brief,
	}
	return pipeline.HeroParams{
		Prompt: prompt.Hero(vars), Pose: c.pose.ID, Background: c.background.ID,
		AspectRatio: aspect, Resolution: o.Resolution, Extra: extra,
	}
}

// start opens a shoot: presets from the brief, a short plan, the hero job.
func (d *Director) start(ctx context.Context, in pipeline.TurnInput, act pipeline.Actions, out pipeline.Emitter) error {
	s := *in.Session
	s.Brief = firstNonEmpty(strings.TrimSpace(in.Text), s.Brief)
	c, err := d.choose(s.Brief, "", s.Options)
	if err != nil {
		return err
	}
	p := heroParams(c, &s, "", "", "")
	return d.execute(ctx, plan{say: startMessage(c, p, prompt.MentionsGlasses(s.Brief)), steps: []step{heroStep(act, p)}}, out)
}

func startMessage(c choice, p pipeline.HeroParams, glasses bool) string {
	look := "Velvia colour, hard flash and heavy grain"
	if glasses {
		look += ", with the flash catching the eyewear"
	}
	return fmt.Sprintf("%s: %s (%s) on %s (%s). I'll frame the hero %s in our house look: %s. Shooting it now.",
		c.reason, c.pose.Name, lowerFirst(strings.TrimSuffix(c.pose.Summary, ".")),
		c.background.Name, lowerFirst(strings.TrimSuffix(c.background.Summary, ".")), p.AspectRatio, look)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}
