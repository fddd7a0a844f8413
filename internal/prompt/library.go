package prompt

import (
	"embed"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fashionshoot/shoot/internal/shoot"
)

//go:embed presets/*.md
var builtinFS embed.FS

// Library holds the presets a shoot may use: the built-ins plus any a user
// added. It is read-only after Load and safe for concurrent use.
type Library struct {
	poses       []Preset
	backgrounds []Preset
}

// Listing is the JSON body of GET /api/presets.
type Listing struct {
	Poses       []Preset `json:"poses"`
	Backgrounds []Preset `json:"backgrounds"`
}

// Load returns the built-in presets merged with the user presets in dir
// (SHOOT_PRESETS_DIR). dir "" means built-ins only. In dir, every *.md file is
// a preset in ParsePreset's format; other files, hidden files and
// subdirectories are ignored so a README can live next to them. A user
// preset whose kind and id match an existing one replaces it in place; new
// ones follow the built-ins, sorted by id. A bad file fails the whole load
// with an EINVALID error naming the file, because a silently dropped preset
// would surface much later as a confusing "unknown pose".
func Load(dir string) (*Library, error) {
	lib := &Library{}
	if err := lib.addBuiltins(); err != nil {
		return nil, err
	}
	if dir == "" {
		return lib, nil
	}
	user, err := readUserPresets(dir)
	if err != nil {
		return nil, err
	}
	for _, p := range user {
		lib.put(p)
	}
	return lib, nil
}

func (l *Library) addBuiltins() error {
	// ReadDir sorts by name; the numeric prefixes keep the spec's order, so
	// the defaults come first in every listing.
	entries, err := fs.ReadDir(builtinFS, "presets")
	if err != nil {
		return shoot.Wrap(err, shoot.EINTERNAL, "reading built-in presets")
	}
	for _, e := range entries {
		data, err := builtinFS.ReadFile("presets/" + e.Name())
		if err != nil {
			return shoot.Wrap(err, shoot.EINTERNAL, "reading built-in presets")
		}
		p, err := ParsePreset(e.Name(), data)
		if err != nil {
			return shoot.Wrap(err, shoot.EINTERNAL, "built-in preset is malformed")
		}
		p.Source = SourceBuiltin
		l.put(p)
	}
	return nil
}

// readUserPresets parses every preset file in dir, sorted by id within each
// kind, and rejects two files that claim the same kind and id.
func readUserPresets(dir string) ([]Preset, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, shoot.Errorf(shoot.EINVALID, "presets folder %s does not exist", dir)
		}
		return nil, shoot.Wrap(err, shoot.EINVALID, "cannot read presets folder "+dir)
	}
	var out []Preset
	seen := map[string]string{}
	for _, e := range entries {
		if !isPresetFile(e) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		p, err := readPresetFile(path)
		if err != nil {
			return nil, err
		}
		key := p.Kind + "/" + p.ID
		if other, dup := seen[key]; dup {
			return nil, shoot.Errorf(shoot.EINVALID, "preset files %s and %s both define %s %q", other, path, p.Kind, p.ID)
		}
		seen[key] = path
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Preset) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func isPresetFile(e fs.DirEntry) bool {
	name := e.Name()
	return !strings.HasPrefix(name, ".") && strings.HasSuffix(name, ".md") && !e.IsDir()
}

func readPresetFile(path string) (Preset, error) {
	info, err := os.Stat(path)
	if err != nil {
		return Preset{}, shoot.Wrap(err, shoot.EINVALID, "cannot read preset file "+path)
	}
	if !info.Mode().IsRegular() {
		return Preset{}, presetErr(path, 0, "not a regular file")
	}
	if info.Size() > maxPresetFile {
		return Preset{}, presetErr(path, 0, "file is larger than %d bytes", maxPresetFile)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Preset{}, shoot.Wrap(err, shoot.EINVALID, "cannot read preset file "+path)
	}
	return ParsePreset(path, data)
}

// put adds p, replacing a preset of the same kind and id in place.
func (l *Library) put(p Preset) {
	list := &l.poses
	if p.Kind == KindBackground {
		list = &l.backgrounds
	}
	i := slices.IndexFunc(*list, func(q Preset) bool { return q.ID == p.ID })
	if i >= 0 {
		(*list)[i] = p
		return
	}
	*list = append(*list, p)
}

// Poses returns the pose presets, defaults first. The slice is a copy.
func (l *Library) Poses() []Preset { return slices.Clone(l.poses) }

// Backgrounds returns the background presets, defaults first. The slice is a copy.
func (l *Library) Backgrounds() []Preset { return slices.Clone(l.backgrounds) }

// Pose returns the pose preset with id.
func (l *Library) Pose(id string) (Preset, bool) { return find(l.poses, id) }

// Background returns the background preset with id.
func (l *Library) Background(id string) (Preset, bool) { return find(l.backgrounds, id) }

// Listing returns every preset for GET /api/presets.
func (l *Library) Listing() Listing {
	return Listing{Poses: l.Poses(), Backgrounds: l.Backgrounds()}
}

func find(list []Preset, id string) (Preset, bool) {
	i := slices.IndexFunc(list, func(p Preset) bool { return p.ID == id })
	if i < 0 {
		return Preset{}, false
	}
	return list[i], true
}
