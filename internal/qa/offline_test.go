package qa

import (
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/fashionshoot/shoot/internal/qagen"
)

// score counts one check's answers against the labels.
type score struct{ tp, fp, fn, tn int }

func (s *score) add(said, truth bool) {
	switch {
	case said && truth:
		s.tp++
	case said:
		s.fp++
	case truth:
		s.fn++
	default:
		s.tn++
	}
}

func (s score) precision() float64 { return ratio(s.tp, s.tp+s.fp) }
func (s score) recall() float64    { return ratio(s.tp, s.tp+s.fn) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// baseSeed is fixed by default, so the suite's verdict does not depend
// on the draw (a 0.9 bound over a dozen positives per check moves by a
// case or two between draws); SHOOT_QA_SEED=random draws one and logs it,
// and SHOOT_QA_SEED=N replays a draw.
func baseSeed(t *testing.T) uint64 {
	v := os.Getenv("SHOOT_QA_SEED")
	switch v {
	case "":
		return 20261204
	case "random":
		return rand.Uint64()
	}
	s, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		t.Fatalf("SHOOT_QA_SEED: %v", err)
	}
	return s
}

// TestOfflineChecksOnLabelledSet runs the offline checks over generated
// cases of every class (20 each, 120 in all) and holds each check to 0.9
// precision and recall.
func TestOfflineChecksOnLabelledSet(t *testing.T) {
	t.Parallel()
	seed := baseSeed(t)
	t.Logf("SHOOT_QA_SEED=%d", seed)
	perClass := 20
	if testing.Short() {
		perClass = 10
	}
	r := rand.New(rand.NewPCG(seed, 1))
	scores := map[string]*score{"colour": {}, "subject": {}, "gutter": {}, "duplicate": {}}
	off := NewOffline()
	pairs := 0
	var colourSeen [2]int // items, items whose colour was checked
	for _, c := range qagen.Classes {
		for range perClass {
			s := r.Uint64()
			k := qagen.New(c, s)
			pairs++
			judge(t, off, k, s, scores, &colourSeen)
		}
	}
	t.Logf("%d labelled cases (%d per class), each a reference set against a hero and six frames", pairs, perClass)
	checked := ratio(colourSeen[1], colourSeen[0])
	t.Logf("colour checked on %d of %d items (%.2f); the rest share a colour with another reference", colourSeen[1], colourSeen[0], checked)
	if checked < 0.7 {
		t.Errorf("the colour check judged only %.2f of the items, want >= 0.7", checked)
	}
	for _, name := range []string{"colour", "subject", "gutter", "duplicate"} {
		sc := scores[name]
		t.Logf("%-9s precision %.3f recall %.3f (tp %d fp %d fn %d tn %d)", name, sc.precision(), sc.recall(), sc.tp, sc.fp, sc.fn, sc.tn)
		if sc.tp+sc.fn == 0 {
			t.Errorf("%s: the set has no positive case", name)
		}
		if sc.precision() < 0.9 || sc.recall() < 0.9 {
			t.Errorf("%s: precision %.3f recall %.3f, want both >= 0.9", name, sc.precision(), sc.recall())
		}
	}
}

func judge(t *testing.T, off Offline, k qagen.Case, seed uint64, scores map[string]*score, colourSeen *[2]int) {
	t.Helper()
	refs := make([]Ref, len(k.Refs))
	for i, r := range k.Refs {
		refs[i] = Ref{Name: fmt.Sprintf("reference %d", i+1), Image: r.Image}
	}
	hero := off.CheckPicture(refs, k.Hero)
	for i := 1; i < len(refs); i++ { // the model's own outfit is not an item
		it := find(hero.Items, refs[i].Name+" colour", 0)
		colourSeen[0]++
		if it.Status == NotChecked {
			continue
		}
		colourSeen[1]++
		said := it.Status == Changed
		scores["colour"].add(said, k.Changed[i])
		if said != k.Changed[i] && testing.Verbose() {
			t.Logf("colour miss: class %s seed %d ref %d (%s) shift %.1f: %s", k.Class, seed, i, k.Refs[i].Kind, k.ShiftDeltaE[i], it.Reason)
		}
	}
	frames := make([]image.Image, len(k.Frames))
	for i, f := range k.Frames {
		frames[i] = f
	}
	v := off.CheckFrames(k.Hero, frames)
	for f := range frames {
		for _, c := range []struct {
			check, item string
			truth       bool
		}{
			{"subject", "subject", k.NoSubject[f]},
			{"gutter", "gutter", k.Strip[f]},
			{"duplicate", "duplicate framing", k.DuplicateOf[f] >= 0},
		} {
			it := find(v.Items, c.item, f+1)
			said := it.Status == Fail
			scores[c.check].add(said, c.truth)
			if said != c.truth && testing.Verbose() {
				t.Logf("%s miss: class %s seed %d frame %d: %s", c.check, k.Class, seed, f+1, it.Reason)
			}
		}
	}
}

func find(items []Item, name string, frame int) Item {
	for _, it := range items {
		if it.Item == name && it.Frame == frame {
			return it
		}
	}
	return Item{Status: NotChecked}
}
