package qa

import (
	"encoding/json"
	"testing"
)

func ptr(f float64) *float64 { return &f }

func TestVerdictSummaryAndRetry(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		items   []Item
		summary string
		ok      bool
		retry   bool
	}{
		{"all kept", []Item{{Item: "bag", Status: Kept}, {Item: "logo", Status: NotChecked}}, "", true, false},
		{"missing in frames", []Item{{Item: "bag", Status: Missing, Frame: 6}, {Item: "bag", Status: Missing, Frame: 4},
			{Item: "bag", Status: Kept, Frame: 1}}, "bag missing in frames 4, 6", false, true},
		{"small drift", []Item{{Item: "reference 2 colour", Status: Changed, DeltaE: ptr(13)}}, "reference 2 colour changed", false, false},
		{"large drift", []Item{{Item: "reference 2 colour", Status: Changed, DeltaE: ptr(31)}}, "reference 2 colour changed", false, true},
		{"gutter", []Item{{Item: "gutter", Status: Fail, Frame: 3}, {Item: "subject", Status: Pass, Frame: 3}}, "gutter found in frame 3", false, true},
		{"empty frame", []Item{{Item: "subject", Status: Fail, Frame: 5}}, "subject missing in frame 5", false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			v := Verdict{Checker: "rules", Items: c.items}.Finish()
			if v.Summary != c.summary || v.OK != c.ok {
				t.Errorf("summary %q ok %t, want %q %t", v.Summary, v.OK, c.summary, c.ok)
			}
			if got := v.NeedsRetry(15); got != c.retry {
				t.Errorf("NeedsRetry = %t, want %t", got, c.retry)
			}
			raw, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			var back Verdict
			if err := json.Unmarshal(raw, &back); err != nil || back.Summary != v.Summary || len(back.Items) != len(v.Items) {
				t.Errorf("JSON round trip: %s (%v)", raw, err)
			}
		})
	}
}

func TestStatusValid(t *testing.T) {
	t.Parallel()
	for _, s := range []Status{Kept, Changed, Missing, Pass, Fail, NotChecked} {
		if !s.Valid() {
			t.Errorf("%q not valid", s)
		}
	}
	if Status("lost").Valid() {
		t.Error(`"lost" valid`)
	}
}
