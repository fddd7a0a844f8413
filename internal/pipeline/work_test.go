package pipeline

import (
	"context"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// recordingQueue notes what reaches the queue.
type recordingQueue struct{ got []Work }

func (q *recordingQueue) Enqueue(_ context.Context, works ...Work) ([]int64, error) {
	q.got = append(q.got, works...)
	return make([]int64, len(works)), nil
}

func (q *recordingQueue) Cancel(context.Context, []int64) error { return nil }

func (q *recordingQueue) Alive(context.Context, []int64) (bool, error) { return false, nil }

// A batch holding a work of no known kind is refused whole: nothing of it
// reaches the queue, since no worker could run it.
func TestEnqueueRefusesUnknownKinds(t *testing.T) {
	t.Parallel()
	q := &recordingQueue{}
	e := New(Deps{Queue: q}, Options{})
	err := e.enqueue(t.Context(), "s1", Work{Kind: WorkClip, SessionID: "s1", N: 1}, Work{Kind: "clips", SessionID: "s1"})
	if shoot.ErrorCode(err) != shoot.EINTERNAL {
		t.Fatalf("err = %v, want EINTERNAL", err)
	}
	if len(q.got) != 0 {
		t.Errorf("%d works reached the queue", len(q.got))
	}
}
