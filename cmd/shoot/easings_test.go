package main

import (
	"encoding/json"
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestEasingsList(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runMediaCmd(t, "easings")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 0 || len(lines) != 45 {
		t.Fatalf("exit %d, %d lines; want 0 and 45", code, len(lines))
	}
	found := false
	for _, l := range lines {
		if strings.HasPrefix(l, "dramaticSwoop ") {
			found = strings.Contains(l, "cubic-bezier(0.85, 0, 0.15, 1)") && strings.Contains(l, "default")
		}
	}
	if !found {
		t.Errorf("dramaticSwoop line missing its points or default mark:\n%s", stdout)
	}
}

func TestEasingsJSON(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runMediaCmd(t, "easings", "--json")
	var list []struct {
		Name      string    `json:"name"`
		Family    string    `json:"family"`
		Bezier    []float64 `json:"bezier"`
		Monotonic bool      `json:"monotonic"`
	}
	if err := json.Unmarshal([]byte(stdout), &list); code != 0 || err != nil {
		t.Fatalf("exit %d, %v", code, err)
	}
	if len(list) != 45 || list[0].Name != "linear" {
		t.Fatalf("got %d entries starting %+v", len(list), list[0])
	}
	for _, e := range list {
		if e.Name == "luxurious" && (e.Family != "bezier" || len(e.Bezier) != 4 || e.Bezier[1] != 1) {
			t.Errorf("luxurious = %+v", e)
		}
		if e.Name == "easeOutElastic" && e.Monotonic {
			t.Error("easeOutElastic marked monotonic")
		}
	}
}

// svgDoc is the part of the plot the test reads back.
type svgDoc struct {
	Width    int `xml:"width,attr"`
	Polyline struct {
		Points string `xml:"points,attr"`
	} `xml:"polyline"`
	Lines []struct {
		Y1 float64 `xml:"y1,attr"`
		Y2 float64 `xml:"y2,attr"`
	} `xml:"line"`
	Text []string `xml:"text"`
}

// onGuide reports whether point "x,y" lies on a horizontal guide line.
func onGuide(doc svgDoc, point string) bool {
	_, ys, _ := strings.Cut(point, ",")
	y, err := strconv.ParseFloat(ys, 64)
	if err != nil {
		return false
	}
	for _, l := range doc.Lines {
		if l.Y1 == l.Y2 && math.Abs(l.Y1-y) < 0.1 {
			return true
		}
	}
	return false
}

func TestEasingsPlot(t *testing.T) {
	t.Parallel()
	for _, spec := range []string{"dramaticSwoop", "easeInOutBack", "0.3,-0.5,0.7,1.5"} {
		code, stdout, stderr := runMediaCmd(t, "easings", "--plot", spec)
		if code != 0 {
			t.Fatalf("%s: exit %d %s", spec, code, stderr)
		}
		var doc svgDoc
		if err := xml.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatalf("%s: not an SVG: %v", spec, err)
		}
		pts := strings.Fields(doc.Polyline.Points)
		if len(pts) != svgSamples+1 || doc.Width != svgSize || doc.Text[0] != spec {
			t.Fatalf("%s: %d points, width %d, title %q", spec, len(pts), doc.Width, doc.Text[0])
		}
		// Curve starts on the left at progress 0 and ends on the right at 1:
		// x grows, and the ends sit on the dashed 0 and 1 lines.
		first, last := pts[0], pts[len(pts)-1]
		if !strings.HasPrefix(first, "48.00,") || !strings.HasPrefix(last, "432.00,") {
			t.Errorf("%s: curve runs %s → %s", spec, first, last)
		}
		if !onGuide(doc, first) || !onGuide(doc, last) || first[strings.Index(first, ","):] == last[strings.Index(last, ","):] {
			t.Errorf("%s: ends %s and %s are not on the two guide lines", spec, first, last)
		}
	}
	if code, _, stderr := runMediaCmd(t, "easings", "--plot", "nope"); code != 2 || !strings.Contains(stderr, "unknown easing") {
		t.Errorf("bad name: exit %d %q", code, stderr)
	}
	if code, _, _ := runMediaCmd(t, "easings", "--plot", "linear", "--json"); code != 2 {
		t.Errorf("--plot with --json: exit %d, want 2", code)
	}
}
