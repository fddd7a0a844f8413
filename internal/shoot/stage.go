package shoot

// Stage names a step of the pipeline. The constants below are its values,
// untyped so that the string fields of the stored records take them as
// they are; a stored string is checked with Stage(s).Valid().
type Stage string

// Pipeline stages, in order. PipelineStage on a session also takes the values
// StageInit (nothing made yet) and StageComplete (the film exists).
const (
	StageInit         = "init"
	StageHero         = "hero"
	StageContactSheet = "contact-sheet"
	StageFrames       = "frames"
	StageClips        = "clips"
	StageFinal        = "final"
	StageComplete     = "complete"
)

// Stages lists the working stages in pipeline order.
var Stages = []string{StageHero, StageContactSheet, StageFrames, StageClips, StageFinal}

// Valid reports whether s is a stage a session can be at: StageInit, one of
// Stages or StageComplete.
func (s Stage) Valid() bool {
	return s == StageInit || s == StageComplete || StageIndex(string(s)) >= 0
}

// HoldsCheckpoint reports whether a checkpoint may be recorded at s: after
// a stage the pipeline pauses at (see HasCheckpoint), or at StageComplete.
func (s Stage) HoldsCheckpoint() bool { return HasCheckpoint(string(s)) || s == StageComplete }

// StageIndex returns the position of stage in Stages, or -1.
func StageIndex(stage string) int {
	for i, s := range Stages {
		if s == stage {
			return i
		}
	}
	return -1
}

// HasCheckpoint reports whether the pipeline pauses for the user after stage.
func HasCheckpoint(stage string) bool {
	return oneOf(stage, StageHero, StageContactSheet, StageFrames, StageClips)
}

// NextStage returns the stage after stage, or StageComplete after the last.
func NextStage(stage string) string {
	i := StageIndex(stage)
	if i < 0 || i == len(Stages)-1 {
		return StageComplete
	}
	return Stages[i+1]
}

// PreviousStage returns the stage before stage, or StageInit before the first.
func PreviousStage(stage string) string {
	i := StageIndex(stage)
	if i <= 0 {
		return StageInit
	}
	return Stages[i-1]
}
