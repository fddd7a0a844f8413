// Package prompt is the studio's editorial knowledge: pose and background
// presets, the brief-to-preset vibe mapping, the film treatment, and the
// prompt templates for the hero, the contact sheet, the camera moves between
// frames and frame edits. All text is embedded, so the binary needs no files.
package prompt

import (
	"bufio"
	"fmt"
	"regexp"
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// Preset kinds. There are only these two categories: lighting, lens and
// grade are fixed by the film treatment, not chosen per shoot.
const (
	KindPose       = "pose"
	KindBackground = "background"
)

// Default presets, used when a brief names no vibe.
const (
	DefaultPose       = "confident-standing"
	DefaultBackground = "studio-grey"
)

// Preset is one pose or background choice.
type Preset struct {
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Name    string `json:"name"`
	Summary string `json:"summary"`
	// Snippet is the sentence placed into the hero prompt.
	Snippet string `json:"snippet"`
	// Source is SourceBuiltin or SourceUser.
	Source string `json:"source"`
	// File is where the preset was read from; kept out of the API so the
	// server's paths are not shown to clients.
	File string `json:"-"`
}

// Preset sources.
const (
	SourceBuiltin = "builtin" // embedded in the binary
	SourceUser    = "user"    // read from SHOOT_PRESETS_DIR
)

// Limits on a preset file; a preset is a sentence or two, so anything bigger
// is a mistake we would rather report than send to a provider.
const (
	maxPresetFile    = 16 << 10
	maxSnippetLength = 2000
	maxFieldLength   = 200
)

var presetIDRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ParsePreset reads one preset file: a front matter block of "key: value"
// lines between two "---" lines (keys kind, id, name and summary, each exactly
// once), then the snippet as the body. name is used in error messages.
func ParsePreset(name string, data []byte) (Preset, error) {
	if len(data) > maxPresetFile {
		return Preset{}, presetErr(name, 0, "file is larger than %d bytes", maxPresetFile)
	}
	fields, body, err := splitFrontMatter(name, string(data))
	if err != nil {
		return Preset{}, err
	}
	p := Preset{
		Kind: fields["kind"], ID: fields["id"], Name: fields["name"], Summary: fields["summary"],
		Snippet: strings.Join(strings.Fields(body), " "), Source: SourceUser, File: name,
	}
	return p, validatePreset(name, p)
}

// splitFrontMatter separates the header fields from the body, rejecting
// unknown, repeated, missing or empty keys.
func splitFrontMatter(name, text string) (map[string]string, string, error) {
	sc := bufio.NewScanner(strings.NewReader(strings.TrimPrefix(text, "\ufeff")))
	sc.Buffer(make([]byte, 0, 4096), maxPresetFile+1)
	if !sc.Scan() || strings.TrimSpace(sc.Text()) != "---" {
		return nil, "", presetErr(name, 1, `must start with a "---" line`)
	}
	fields := map[string]string{}
	line := 1
	for sc.Scan() {
		line++
		l := strings.TrimSpace(sc.Text())
		if l == "---" {
			return finishFrontMatter(name, fields, sc)
		}
		if err := addField(name, line, l, fields); err != nil {
			return nil, "", err
		}
	}
	return nil, "", presetErr(name, line, `front matter is not closed by a "---" line`)
}

func finishFrontMatter(name string, fields map[string]string, sc *bufio.Scanner) (map[string]string, string, error) {
	var body strings.Builder
	for sc.Scan() {
		body.WriteString(sc.Text())
		body.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		return nil, "", presetErr(name, 0, "%v", err)
	}
	for _, k := range []string{"kind", "id", "name", "summary"} {
		if _, ok := fields[k]; !ok {
			return nil, "", presetErr(name, 0, "missing %q in the front matter", k)
		}
	}
	return fields, body.String(), nil
}

func addField(name string, line int, l string, fields map[string]string) error {
	if l == "" || strings.HasPrefix(l, "#") {
		return nil // blank lines and comments are allowed in the header
	}
	key, value, ok := strings.Cut(l, ":")
	if !ok {
		return presetErr(name, line, `expected "key: value", got %q`, l)
	}
	key, value = strings.TrimSpace(key), strings.TrimSpace(value)
	switch key {
	case "kind", "id", "name", "summary":
	default:
		return presetErr(name, line, "unknown key %q (allowed: kind, id, name, summary)", key)
	}
	if _, dup := fields[key]; dup {
		return presetErr(name, line, "key %q appears twice", key)
	}
	if value == "" {
		return presetErr(name, line, "key %q is empty", key)
	}
	fields[key] = value
	return nil
}

func validatePreset(name string, p Preset) error {
	switch {
	case p.Kind != KindPose && p.Kind != KindBackground:
		return presetErr(name, 0, "kind must be %q or %q, got %q", KindPose, KindBackground, p.Kind)
	case len(p.ID) > 64 || !presetIDRe.MatchString(p.ID):
		return presetErr(name, 0, "id %q must be lowercase letters, digits and single dashes (at most 64)", p.ID)
	case len(p.Name) > maxFieldLength || len(p.Summary) > maxFieldLength:
		return presetErr(name, 0, "name and summary must each be at most %d bytes", maxFieldLength)
	case p.Snippet == "":
		return presetErr(name, 0, "the prompt snippet (the text after the front matter) is empty")
	case len(p.Snippet) > maxSnippetLength:
		return presetErr(name, 0, "the prompt snippet is longer than %d bytes", maxSnippetLength)
	}
	return nil
}

func presetErr(name string, line int, format string, args ...any) error {
	where := name
	if line > 0 {
		where = fmt.Sprintf("%s:%d", name, line)
	}
	return shoot.Errorf(shoot.EINVALID, "preset file %s: %s", where, fmt.Sprintf(format, args...))
}
