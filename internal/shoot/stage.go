package shoot

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
	switch stage {
	case StageHero, StageContactSheet, StageFrames, StageClips:
		return true
	}
	return false
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
