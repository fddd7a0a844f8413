package pipeline

import (
	"slices"

	"github.com/fashionshoot/shoot/internal/media"
	"github.com/fashionshoot/shoot/internal/prompt"
	"github.com/fashionshoot/shoot/internal/shoot"
)

// heroPrompt is the director's prompt when it wrote one, else the hero
// template filled from the chosen presets; the user's changes are added.
func (e *Engine) heroPrompt(m runMeta, s *shoot.Session) string {
	if m.Hero.Prompt != "" {
		return joinExtra(m.Hero.Prompt, m.Hero.Extra)
	}
	pose, _ := e.presets.Pose(firstNonEmpty(m.Pose, s.Options.Pose, prompt.DefaultPose))
	bg, _ := e.presets.Background(firstNonEmpty(m.Background, s.Options.Background, prompt.DefaultBackground))
	return prompt.Hero(prompt.HeroVars{Pose: pose.Snippet, Background: bg.Snippet,
		AspectRatio: firstNonEmpty(m.Hero.AspectRatio, s.Options.WithDefaults().AspectRatio),
		Glasses:     m.Glasses || prompt.MentionsGlasses(s.Brief), Brief: s.Brief, Extra: m.Hero.Extra})
}

func (e *Engine) sheetPrompt(m runMeta, s *shoot.Session) string {
	if m.Sheet.Prompt != "" {
		return joinExtra(m.Sheet.Prompt, m.Sheet.Extra)
	}
	return prompt.ContactSheet(prompt.SheetVars{AspectRatio: firstNonEmpty(m.Sheet.AspectRatio, s.Options.WithDefaults().AspectRatio),
		Glasses: m.Glasses || prompt.MentionsGlasses(s.Brief), Extra: m.Sheet.Extra})
}

// clipPrompt is clip n's own camera-move prompt: the director's or the
// default one for that frame pair.
func (e *Engine) clipPrompt(m runMeta, s *shoot.Session, n int) string {
	if p := m.ClipPrompts[n]; p != "" {
		return p
	}
	return prompt.ClipFor(n, s.Options.FrameCount(), s.Options.Loop)
}

func (e *Engine) negativePrompt(m runMeta) string {
	return firstNonEmpty(m.Negative, prompt.NegativePrompt())
}

func (e *Engine) framePrompt(instruction string) string {
	return prompt.FrameEdit(firstNonEmpty(instruction, prompt.RetakeInstruction))
}

func joinExtra(p, extra string) string {
	if extra == "" {
		return p
	}
	return p + "\n\nChanges requested: " + extra
}

func (e *Engine) validEasing(name string) bool { return slices.Contains(media.Names(), name) }

// validateOptions checks option values, including the easing name.
func (e *Engine) validateOptions(o shoot.Options) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if o.Easing != "" && !e.validEasing(o.Easing) {
		return shoot.Errorf(shoot.EINVALID, "options.easing: unknown easing %q (see GET /api/easings)", o.Easing)
	}
	if _, ok := e.presets.Pose(o.Pose); o.Pose != "" && !ok {
		return shoot.Errorf(shoot.EINVALID, "options.pose: unknown pose preset %q", o.Pose)
	}
	if _, ok := e.presets.Background(o.Background); o.Background != "" && !ok {
		return shoot.Errorf(shoot.EINVALID, "options.background: unknown background preset %q", o.Background)
	}
	return nil
}
