package prompt

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
)

var (
	wantPoses       = []string{"confident-standing", "seated-editorial", "leaning-casual", "editorial-drama", "relaxed-natural", "street-walk", "urban-lean"}
	wantBackgrounds = []string{"studio-grey", "studio-white", "studio-black", "industrial", "warm-daylight", "color-gel", "outdoor-urban"}
)

func ids(ps []Preset) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func TestBuiltinPresets(t *testing.T) {
	t.Parallel()
	lib, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(lib.Poses()); strings.Join(got, ",") != strings.Join(wantPoses, ",") {
		t.Errorf("poses = %v, want %v", got, wantPoses)
	}
	if got := ids(lib.Backgrounds()); strings.Join(got, ",") != strings.Join(wantBackgrounds, ",") {
		t.Errorf("backgrounds = %v, want %v", got, wantBackgrounds)
	}
	snippets := map[string]bool{}
	for _, p := range append(lib.Poses(), lib.Backgrounds()...) {
		if p.Name == "" || p.Summary == "" || len(p.Snippet) < 40 || p.Source != SourceBuiltin {
			t.Errorf("preset %s/%s is incomplete: %+v", p.Kind, p.ID, p)
		}
		if snippets[p.Snippet] {
			t.Errorf("preset %s repeats another preset's snippet", p.ID)
		}
		snippets[p.Snippet] = true
	}
	for _, id := range wantPoses {
		if p, ok := lib.Pose(id); !ok || p.Kind != KindPose {
			t.Errorf("Pose(%q) = %+v, %v", id, p, ok)
		}
	}
	for _, id := range wantBackgrounds {
		if p, ok := lib.Background(id); !ok || p.Kind != KindBackground {
			t.Errorf("Background(%q) = %+v, %v", id, p, ok)
		}
	}
	if _, ok := lib.Pose("studio-grey"); ok {
		t.Error("a background id resolved as a pose")
	}
}

func TestListingJSON(t *testing.T) {
	t.Parallel()
	lib, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(lib.Listing())
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Poses       []map[string]string `json:"poses"`
		Backgrounds []map[string]string `json:"backgrounds"`
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Poses) != 7 || len(got.Backgrounds) != 7 {
		t.Fatalf("listing has %d poses, %d backgrounds", len(got.Poses), len(got.Backgrounds))
	}
	first := got.Poses[0]
	for _, k := range []string{"id", "name", "summary", "snippet", "kind", "source"} {
		if first[k] == "" {
			t.Errorf("listing entry lacks %q: %v", k, first)
		}
	}
	if _, leaked := first["File"]; leaked {
		t.Error("the listing exposes file paths")
	}
}

func TestPosesReturnsCopy(t *testing.T) {
	t.Parallel()
	lib, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	lib.Poses()[0].ID = "changed"
	if p := lib.Poses()[0]; p.ID != DefaultPose {
		t.Errorf("caller mutated the library: first pose %q", p.ID)
	}
}

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func presetText(kind, id, name, snippet string) string {
	return "---\nkind: " + kind + "\nid: " + id + "\nname: " + name + "\nsummary: a summary\n---\n" + snippet + "\n"
}

func TestLoadUserPresets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, dir, "grey.md", presetText("background", "studio-grey", "My grey", "A charcoal paper roll, lit flat and even."))
	writeFile(t, dir, "zz-rooftop.md", presetText("background", "rooftop", "Rooftop", "A city rooftop at dusk with a low parapet."))
	writeFile(t, dir, "arms.md", presetText("pose", "arms-crossed", "Arms crossed", "Arms folded high across the chest, chin down."))
	writeFile(t, dir, "README.txt", "not a preset, ignored")
	writeFile(t, dir, ".hidden.md", "garbage that must be ignored")
	if err := os.Mkdir(filepath.Join(dir, "sub.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	lib, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	bg := ids(lib.Backgrounds())
	if len(bg) != 8 || bg[0] != "studio-grey" || bg[7] != "rooftop" {
		t.Errorf("backgrounds = %v; want the override in place and the new one last", bg)
	}
	grey, _ := lib.Background("studio-grey")
	if grey.Name != "My grey" || !strings.Contains(grey.Snippet, "charcoal") || grey.Source != SourceUser || grey.File != filepath.Join(dir, "grey.md") {
		t.Errorf("override not applied: %+v", grey)
	}
	if p, ok := lib.Pose("arms-crossed"); !ok || p.Snippet != "Arms folded high across the chest, chin down." {
		t.Errorf("new pose = %+v, %v", p, ok)
	}
	if len(lib.Poses()) != 8 {
		t.Errorf("poses = %v", ids(lib.Poses()))
	}
}

func TestLoadUserPresetErrors(t *testing.T) {
	t.Parallel()
	good := presetText("pose", "ok-pose", "OK", "A fine snippet of text.")
	cases := []struct {
		name, body, want string
	}{
		{"nofront.md", "just text\n", `must start with a "---" line`},
		{"unclosed.md", "---\nkind: pose\nid: x\n", "not closed"},
		{"unknown.md", strings.Replace(good, "name: OK", "title: OK", 1), `unknown key "title"`},
		{"dupkey.md", strings.Replace(good, "name: OK", "name: OK\nname: again", 1), `"name" appears twice`},
		{"missing.md", strings.Replace(good, "summary: a summary\n", "", 1), `missing "summary"`},
		{"emptyval.md", strings.Replace(good, "name: OK", "name:", 1), `"name" is empty`},
		{"badkind.md", strings.Replace(good, "kind: pose", "kind: lighting", 1), "kind must be"},
		{"badid.md", strings.Replace(good, "id: ok-pose", "id: Bad_ID", 1), `id "Bad_ID"`},
		{"nosnippet.md", strings.TrimSuffix(good, "A fine snippet of text.\n"), "snippet"},
		{"noline.md", strings.Replace(good, "name: OK", "name OK", 1), `expected "key: value"`},
		{"huge.md", good + strings.Repeat("x", maxPresetFile), "larger than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, dir, "fine.md", good)
			path := writeFile(t, dir, c.name, c.body)
			_, err := Load(dir)
			if err == nil {
				t.Fatal("Load accepted a bad preset file")
			}
			if shoot.ErrorCode(err) != shoot.EINVALID {
				t.Errorf("code = %q, want invalid", shoot.ErrorCode(err))
			}
			msg := shoot.ErrorMessage(err)
			if !strings.Contains(msg, path) || !strings.Contains(msg, c.want) {
				t.Errorf("message %q should name %s and say %q", msg, path, c.want)
			}
		})
	}
}

func TestLoadDuplicateUserIDs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := writeFile(t, dir, "a.md", presetText("pose", "twin", "A", "First version of the pose."))
	b := writeFile(t, dir, "b.md", presetText("pose", "twin", "B", "Second version of the pose."))
	_, err := Load(dir)
	msg := shoot.ErrorMessage(err)
	if err == nil || !strings.Contains(msg, a) || !strings.Contains(msg, b) {
		t.Fatalf("err = %v; want both files named", err)
	}
	// The same id in the other kind is a different preset.
	writeFile(t, dir, "b.md", presetText("background", "twin", "B", "A backdrop also called twin."))
	if _, err := Load(dir); err != nil {
		t.Fatal(err)
	}
}

func TestLoadMissingDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "nope")
	_, err := Load(dir)
	if shoot.ErrorCode(err) != shoot.EINVALID || !strings.Contains(shoot.ErrorMessage(err), dir) {
		t.Fatalf("err = %v", err)
	}
}

func TestParsePresetTolerance(t *testing.T) {
	t.Parallel()
	body := "\ufeff---\r\n# a comment\r\nkind: pose\r\nid: crlf\r\nname: CRLF file\r\nsummary: Windows line endings\r\n---\r\nLine one\r\nline two.\r\n"
	p, err := ParsePreset("crlf.md", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if p.ID != "crlf" || p.Name != "CRLF file" || p.Snippet != "Line one line two." {
		t.Errorf("parsed %+v", p)
	}
}

func FuzzParsePreset(f *testing.F) {
	f.Add([]byte(presetText("pose", "a", "b", "c")))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePreset("fuzz.md", data)
		if err != nil {
			if shoot.ErrorCode(err) != shoot.EINVALID {
				t.Fatalf("error code %q", shoot.ErrorCode(err))
			}
			return
		}
		if p.Snippet == "" || !presetIDRe.MatchString(p.ID) || (p.Kind != KindPose && p.Kind != KindBackground) {
			t.Fatalf("accepted an invalid preset %+v", p)
		}
	})
}
