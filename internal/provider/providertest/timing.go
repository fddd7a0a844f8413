package providertest

import (
	"fmt"
	"time"
)

// Timing says how a fake job moves. Jobs advance only when their status is
// polled, so tests control the sequence without a clock. The zero Timing
// finishes a job at its first poll.
type Timing struct {
	// QueuePolls is how many polls answer "queued" before work starts.
	QueuePolls int
	// WorkPolls is how many polls answer "in progress" before the result.
	WorkPolls int
	// WorkTime is a minimum time in progress, on top of WorkPolls, counted
	// from submission when QueuePolls is 0, else from the poll that first
	// finds the job working.
	WorkTime time.Duration
	// Manual holds every job in progress until Finish or FinishAll.
	Manual bool
}

type jobState int

const (
	jobQueued jobState = iota
	jobWorking
	jobDone
	jobCancelled
)

// job is one fake request/task, guarded by its fake's mutex.
type job struct {
	id       string
	extID    string // Kling external_task_id
	endpoint string // FAL endpoint id or Kling model name
	app      string // FAL owner/app root of the result URLs
	input    map[string]any
	state    jobState
	queued   int // polls answered queued
	worked   int // polls answered in progress
	started  time.Time
	created  time.Time
	changed  time.Time // when the state last changed: Kling's updated_at
	polled   time.Time // the last poll that advanced it
	released bool      // Manual jobs: Finish was called
	fail     string
	logs     []falLog
	media    string // result file name under /media/
	asked    int    // status requests (polls, streams, queries) about it
}

// falLog is one FAL log line.
type falLog struct {
	Message   string `json:"message"`
	Level     string `json:"level"`
	Source    string `json:"source"`
	Timestamp string `json:"timestamp"`
}

// active reports whether the job holds a concurrency slot.
func (j *job) active() bool { return j.state == jobQueued || j.state == jobWorking }

// advance moves j one poll forward. It reports whether the job just left
// the active states, so the caller can update its gauges.
func (t Timing) advance(j *job, now time.Time) (ended bool) {
	before := j.polled
	j.polled = now
	if j.state == jobQueued {
		if j.queued < t.QueuePolls {
			j.queued++
			return false
		}
		j.state, j.started = jobWorking, now
		if t.QueuePolls == 0 {
			// Never queued: the work began at submission, whether anyone
			// asked about it or not, as on the real services.
			j.started = j.created
		}
		j.changed = j.started
	}
	if j.state != jobWorking {
		return false
	}
	held := t.Manual && !j.released
	if j.worked < t.WorkPolls || now.Sub(j.started) < t.WorkTime || held {
		j.worked++
		j.logs = append(j.logs, falLog{
			Message:   fmt.Sprintf("generating: step %d", j.worked),
			Level:     "INFO",
			Source:    "user",
			Timestamp: now.UTC().Format(time.RFC3339Nano),
		})
		return false
	}
	j.state, j.changed = jobDone, now
	if due := j.started.Add(t.WorkTime); t.WorkTime > 0 && due.After(before) && due.Before(now) {
		// The time in progress ran out between two polls: that is when
		// the job really finished.
		j.changed = due
	}
	return true
}
