package httpapi

import (
	"encoding/json"
	"net/http"
	"sort"

	"github.com/fashionshoot/shoot/client"
)

// assetItem is one artifact in the assets answer: the Go client's Asset,
// with the check's report (metadata.qa) passed on as stored.
type assetItem struct {
	client.Asset
	QA json.RawMessage `json:"qa,omitempty"`
}

// assetGroups are the groups of the assets answer, keyed like the documented
// example; every group is present, empty or not.
type assetGroups = client.AssetGroups[assetItem]

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
		if dst := g.Group(a.Type); dst != nil {
			w, h := s.pixelSize(r.Context(), a.Key, a.MimeType, a.Metadata)
			*dst = append(*dst, assetItem{Asset: client.Asset{Width: w, Height: h,
				FileName: a.FileName, URL: "/" + a.Key, Size: a.Size, MimeType: a.MimeType,
				CreatedAt: a.CreatedAt, Index: a.Index, Version: a.Version, Stale: a.Stale,
				Metadata: a.Metadata,
			}, QA: assetQA(a.Metadata)})
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
