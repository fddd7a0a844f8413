package prompt

import (
	_ "embed"
)

// QALimits are the thresholds of the quality check that runs after the
// hero, the contact sheet and the frames. They sit here, beside the prompts,
// because they are editorial choices: how far a colour may drift before a
// picture is called wrong is a matter of taste, not of code.
type QALimits struct {
	// ColourDeltaE is the CIE76 distance (CIELAB units) past which a
	// reference colour counts as changed. About 2 is a just visible
	// difference side by side; 12 is a different shade to anyone, yet
	// survives the light and white-balance shifts a new photograph brings.
	ColourDeltaE float64
	// RetryDeltaE is the colour drift that earns an automatic retry.
	RetryDeltaE float64
	// SubjectShare is the smallest share of a frame that must differ from
	// the backdrop for the subject to count as present.
	SubjectShare float64
	// StripStep is the CIE76 step a straight line along a frame edge must
	// show to be taken for the edge of a gutter, caption or neighbour cell.
	StripStep float64
	// StripCover is the share of the edge that line must run along.
	StripCover float64
	// StripDepth is the furthest from the edge, as a share of the side,
	// such a strip may reach.
	StripDepth float64
	// DuplicateBits is the largest Hamming distance between the 64-bit
	// perceptual hashes of two frames that counts as the same framing.
	DuplicateBits int
	// DuplicateDeltaE is the mean CIE76 difference of two frames' small
	// thumbnails under which they count as the same framing even when
	// their hashes disagree (flat, textureless pictures hash unstably).
	DuplicateDeltaE float64
}

// QA returns the quality-check thresholds.
func QA() QALimits {
	return QALimits{ColourDeltaE: 12, RetryDeltaE: 15, SubjectShare: 0.04, StripStep: 9,
		StripCover: 0.85, StripDepth: 0.2, DuplicateBits: 8, DuplicateDeltaE: 3.5}
}

//go:embed text/qa.txt
var qaText string

// QAInstructions is the system prompt of the vision check: what to compare
// and how to answer.
func QAInstructions() string { return qaText }

// QARetryNote folds a verdict's summary into a regeneration prompt.
func QARetryNote(summary string) string {
	return "\n\nA check of the previous attempt found: " + summary +
		". Keep every reference item exactly as shown: same garment, colour, print, logo and accessories, same model."
}
