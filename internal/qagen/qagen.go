// Package qagen draws labelled test cases for the picture checks: a set of
// references (a model and one to three garments or accessories, from
// refgen), a hero composed from them and six frames cut from the same
// scene, with one known defect per case — an item recoloured by a known
// CIE76 ΔE, an accessory removed, a frame with the subject cropped out, a
// frame with a gutter, caption or neighbouring cell inside it, or a frame
// that repeats another one's framing — or none.
//
// It is a test oracle: it knows nothing of the checks and imports nothing
// from them.
package qagen

import (
	"image"
	"math/rand/v2"

	"github.com/fashionshoot/shoot/internal/refgen"
)

// Class is the defect a case carries.
type Class string

// The classes.
const (
	Kept       Class = "kept"
	Recoloured Class = "recoloured"
	Removed    Class = "removed"
	CroppedOut Class = "cropped-out"
	Gutter     Class = "gutter"
	Duplicate  Class = "duplicate"
)

// Classes lists every class.
var Classes = []Class{Kept, Recoloured, Removed, CroppedOut, Gutter, Duplicate}

// Case is one labelled case.
type Case struct {
	Class Class
	// Refs are the references: Refs[0] is the model, the rest items.
	Refs []refgen.Ref
	// Hero is the composed scene with every item on the model.
	Hero *image.RGBA
	// Changed[i] is true when item Refs[i] was recoloured or removed in the
	// hero and the frames. Changed[0] (the model) is always false.
	Changed []bool
	// ShiftDeltaE[i] is the CIE76 ΔE the item's main colour moved by: a
	// few units of lighting for kept items, 18 or more for a recolour.
	ShiftDeltaE []float64
	// Frames are six crops of the scene.
	Frames []*image.RGBA
	// NoSubject[f] is true when frame f shows at most 1.5% subject.
	NoSubject []bool
	// Strip[f] is true when frame f has a gutter, caption or neighbour
	// sliver along an edge.
	Strip []bool
	// DuplicateOf[f] is the index of the earlier frame f repeats, or -1.
	DuplicateOf []int
}

// New draws the case of class c from seed.
func New(c Class, seed uint64) Case {
	r := rand.New(rand.NewPCG(seed, 0x5eed^uint64(len(c))*977))
	refs := refgen.Set(r.Uint64())
	k := Case{Class: c, Refs: refs, Changed: make([]bool, len(refs)), ShiftDeltaE: make([]float64, len(refs))}
	s := compose(r, &k)
	k.Hero = s.finish(r)
	k.frames(r, s)
	return k
}
