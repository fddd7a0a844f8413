package shoot

import (
	"encoding/json"
	"testing"
)

// TestQAOptions: the check is on unless options.qa is false; the retry
// follows options.qaRetry, or autoApprove when it is not given, and never
// runs without the check.
func TestQAOptions(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		json      string
		qa, retry bool
	}{
		{`{}`, true, false},
		{`{"autoApprove":true}`, true, true},
		{`{"autoApprove":true,"qaRetry":false}`, true, false},
		{`{"qaRetry":true}`, true, true},
		{`{"qa":false,"qaRetry":true,"autoApprove":true}`, false, false},
		{`{"qa":true}`, true, false},
	} {
		var o Options
		if err := json.Unmarshal([]byte(c.json), &o); err != nil {
			t.Fatal(err)
		}
		if o.QAOn() != c.qa || o.QARetryOn() != c.retry {
			t.Errorf("%s: qa %t retry %t, want %t %t", c.json, o.QAOn(), o.QARetryOn(), c.qa, c.retry)
		}
	}
	var o Options
	if err := json.Unmarshal([]byte(`{"qa":"no"}`), &o); err == nil {
		t.Error(`options.qa "no" was accepted`)
	}
}
