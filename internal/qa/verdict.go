// Package qa checks every new picture of a shoot against the references
// before the user sees it: are the garment, its colours and the
// accessories still there, is the subject in each frame, is any frame
// spoiled by a gutter, caption or neighbouring cell, are two frames the
// same framing.
//
// Two checkers give the same Verdict. The offline one (used with the rules
// director) measures what pixels can show: dominant colours in CIELAB,
// subject against backdrop, straight strips along frame edges and
// near-duplicate frames by perceptual hash; everything else it reports as
// not checked. The vision one asks Claude to compare the pictures.
package qa

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Status is the outcome of one check.
type Status string

// The outcomes. Kept, Changed and Missing describe a reference item; Pass
// and Fail a property of a frame; NotChecked says the checker could not
// judge it.
const (
	Kept       Status = "kept"
	Changed    Status = "changed"
	Missing    Status = "missing"
	Pass       Status = "pass"
	Fail       Status = "fail"
	NotChecked Status = "not_checked"
)

// Valid reports whether s is one of the outcomes.
func (s Status) Valid() bool {
	return slices.Contains([]Status{Kept, Changed, Missing, Pass, Fail, NotChecked}, s)
}

// Bad reports whether the outcome is a problem the user should see.
func (s Status) Bad() bool { return s == Changed || s == Missing || s == Fail }

// Item is one line of a verdict.
type Item struct {
	// Item names what was checked: "reference 2 colour", "bag", "subject",
	// "gutter", "duplicate".
	Item   string `json:"item"`
	Status Status `json:"status"`
	// Frame is the frame number (from 1) the line is about, 0 for the whole
	// picture.
	Frame  int    `json:"frame,omitempty"`
	Reason string `json:"reason,omitempty"`
	// DeltaE is the measured CIE76 colour difference, for colour lines.
	DeltaE *float64 `json:"deltaE,omitempty"`
}

// Verdict is the result of checking one artifact: the qa object of the
// manifest, the assets API and the checkpoint event.
type Verdict struct {
	// Checker is "rules" (offline heuristics) or "claude" (vision).
	Checker string `json:"checker"`
	Items   []Item `json:"items"`
	// Summary is a short sentence for the user, e.g. "bag missing in
	// frames 4, 6"; "" when nothing is wrong.
	Summary string `json:"summary"`
	// OK is true when no line is changed, missing or failed.
	OK      bool    `json:"ok"`
	CostUSD float64 `json:"costUsd,omitempty"`
	// Retried is set on the verdict of an automatic regeneration.
	Retried bool `json:"retried,omitempty"`
}

// Finish fills Summary and OK from the items and returns v.
func (v Verdict) Finish() Verdict {
	v.OK = true
	for _, it := range v.Items {
		if it.Status.Bad() {
			v.OK = false
		}
	}
	v.Summary = Summarize(v.Items)
	return v
}

// NeedsRetry reports whether the verdict earns an automatic regeneration:
// an item is missing, a frame failed, or a colour drifted past maxDeltaE.
func (v Verdict) NeedsRetry(maxDeltaE float64) bool {
	for _, it := range v.Items {
		switch {
		case it.Status == Missing, it.Status == Fail:
			return true
		case it.Status == Changed && it.DeltaE != nil && *it.DeltaE > maxDeltaE:
			return true
		}
	}
	return false
}

// Summarize groups the bad lines by item and outcome into one short
// sentence: "bag missing in frames 4, 6; reference 2 colour changed".
func Summarize(items []Item) string {
	type key struct {
		item   string
		status Status
	}
	frames := map[key][]int{}
	var order []key
	for _, it := range items {
		if !it.Status.Bad() {
			continue
		}
		k := key{it.Item, it.Status}
		if _, seen := frames[k]; !seen {
			order = append(order, k)
		}
		if it.Frame > 0 {
			frames[k] = append(frames[k], it.Frame)
		} else if frames[k] == nil {
			frames[k] = []int{}
		}
	}
	parts := make([]string, 0, len(order))
	for _, k := range order {
		parts = append(parts, phrase(k.item, k.status, frames[k]))
	}
	return strings.Join(parts, "; ")
}

func phrase(item string, s Status, frames []int) string {
	word := string(s)
	if s == Fail {
		// A failed frame check names a fault ("gutter found") or, for
		// the subject, its absence.
		word = "found"
		if item == "subject" {
			word = "missing"
		}
	}
	p := item + " " + word
	if len(frames) == 0 {
		return p
	}
	sort.Ints(frames)
	frames = slices.Compact(frames)
	nums := make([]string, len(frames))
	for i, f := range frames {
		nums[i] = fmt.Sprint(f)
	}
	if len(frames) == 1 {
		return p + " in frame " + nums[0]
	}
	return p + " in frames " + strings.Join(nums, ", ")
}
