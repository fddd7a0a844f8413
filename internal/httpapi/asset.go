package httpapi

import (
	"encoding/json"
	"net/http"
	"sort"
	"time"

	"github.com/fashionshoot/shoot/internal/shoot"
)

// assetItem is one artifact in the assets answer plus its slot
// number, version and staleness.
type assetItem struct {
	FileName  string    `json:"fileName"`
	URL       string    `json:"url"`
	Size      int64     `json:"size"`
	MimeType  string    `json:"mimeType"`
	CreatedAt time.Time `json:"createdAt"`
	Index     int       `json:"index"`
	Version   int       `json:"version"`
	Stale     bool      `json:"stale"`
	// Width and Height are the artifact's real size in pixels (0 when
	// the stored file does not say).
	Width  int `json:"width"`
	Height int `json:"height"`
	// Metadata is how the artifact was made (prompt, provider, model,
	// seed, cost) and, for frames, the contact-sheet grid they were cut
	// from, which the studio draws over the sheet.
	Metadata json.RawMessage `json:"metadata,omitempty"`
	// QA is the picture check's report on a hero, contact sheet or frame
	// (verdict, checks, summary, by), also found in metadata.qa; absent
	// where no check ran.
	QA json.RawMessage `json:"qa,omitempty"`
}

// assetGroups are the groups of the assets answer, keyed like the documented
// example; every group is present, empty or not.
type assetGroups struct {
	Inputs       []assetItem `json:"inputs"`
	Hero         []assetItem `json:"hero"`
	ContactSheet []assetItem `json:"contactSheet"`
	Frames       []assetItem `json:"frames"`
	Videos       []assetItem `json:"videos"`
	Final        []assetItem `json:"final"`
}

// group returns the slice an asset type belongs in, or nil.
func (g *assetGroups) group(assetType string) *[]assetItem {
	switch assetType {
	case shoot.AssetInput:
		return &g.Inputs
	case shoot.AssetHero:
		return &g.Hero
	case shoot.AssetContactSheet:
		return &g.ContactSheet
	case shoot.AssetFrame:
		return &g.Frames
	case shoot.AssetClip:
		return &g.Videos
	case shoot.AssetFinal:
		return &g.Final
	}
	return nil
}

// listAssets answers GET /api/sessions/{id}/assets with the latest version
// of every artifact, grouped by kind and ordered by number.
func (s *Server) listAssets(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.session(r)
	if err != nil {
		return err
	}
	assets, err := s.store.LatestAssets(r.Context(), ss.ID)
	if err != nil {
		return err
	}
	sort.SliceStable(assets, func(i, j int) bool { return assets[i].Index < assets[j].Index })
	g := assetGroups{
		Inputs: []assetItem{}, Hero: []assetItem{}, ContactSheet: []assetItem{},
		Frames: []assetItem{}, Videos: []assetItem{}, Final: []assetItem{},
	}
	for _, a := range assets {
		if dst := g.group(a.Type); dst != nil {
			w, h := s.pixelSize(r.Context(), a.Key, a.MimeType, a.Metadata)
			*dst = append(*dst, assetItem{Width: w, Height: h,
				FileName: a.FileName, URL: "/" + a.Key, Size: a.Size, MimeType: a.MimeType,
				CreatedAt: a.CreatedAt, Index: a.Index, Version: a.Version, Stale: a.Stale,
				Metadata: a.Metadata, QA: assetQA(a.Metadata),
			})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"success": true, "sessionId": ss.ID, "assets": g})
	return nil
}

// assetQA picks the check's report out of an asset's metadata.
func assetQA(meta json.RawMessage) json.RawMessage {
	var m struct {
		QA json.RawMessage `json:"qa"`
	}
	if len(meta) == 0 || json.Unmarshal(meta, &m) != nil || len(m.QA) == 0 || string(m.QA) == "null" {
		return nil
	}
	return m.QA
}
