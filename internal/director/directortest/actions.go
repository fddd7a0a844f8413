// Package directortest holds a recording fake of pipeline.Actions shared by
// the directors' tests.
package directortest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/fashionshoot/shoot/internal/pipeline"
)

// Call is one recorded Actions call: its method and its argument (the
// params struct; "n|text" for frame and clip calls; the decoded patch for
// SetOptions).
type Call struct {
	Name string
	Arg  any
}

// Actions records every call and refuses the ones named in Fail.
type Actions struct {
	Fail map[string]error

	mu    sync.Mutex
	Calls []Call
}

func (f *Actions) rec(name string, arg any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Calls = append(f.Calls, Call{name, arg})
	return f.Fail[name]
}

// GenerateHero records the call.
func (f *Actions) GenerateHero(_ context.Context, p pipeline.HeroParams) error {
	return f.rec("GenerateHero", p)
}

// GenerateContactSheet records the call.
func (f *Actions) GenerateContactSheet(_ context.Context, p pipeline.SheetParams) error {
	return f.rec("GenerateContactSheet", p)
}

// ExtractFrames records the call.
func (f *Actions) ExtractFrames(_ context.Context, p pipeline.FramesParams) error {
	return f.rec("ExtractFrames", p)
}

// ResizeFrames records the call.
func (f *Actions) ResizeFrames(_ context.Context, aspect string) error {
	return f.rec("ResizeFrames", aspect)
}

// RegenerateFrame records the call as "n|instruction".
func (f *Actions) RegenerateFrame(_ context.Context, n int, instruction string) error {
	return f.rec("RegenerateFrame", fmt.Sprintf("%d|%s", n, instruction))
}

// GenerateClip records the call as "n|prompt".
func (f *Actions) GenerateClip(_ context.Context, n int, prompt string) error {
	return f.rec("GenerateClip", fmt.Sprintf("%d|%s", n, prompt))
}

// GenerateAllClips records the call.
func (f *Actions) GenerateAllClips(_ context.Context, p pipeline.ClipsParams) error {
	return f.rec("GenerateAllClips", p)
}

// StitchFinal records the call.
func (f *Actions) StitchFinal(_ context.Context, p pipeline.StitchParams) error {
	return f.rec("StitchFinal", p)
}

// SetOptions records the decoded patch.
func (f *Actions) SetOptions(_ context.Context, patch json.RawMessage) error {
	var m map[string]any
	if err := json.Unmarshal(patch, &m); err != nil {
		return err
	}
	return f.rec("SetOptions", m)
}

// Approve records the call.
func (f *Actions) Approve(context.Context) error { return f.rec("Approve", nil) }

// Names lists the recorded methods, comma-separated, in call order.
func (f *Actions) Names() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.Calls))
	for i, c := range f.Calls {
		out[i] = c.Name
	}
	return strings.Join(out, ",")
}
