package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

var assetTests = []test{
	{"AssetVersions", testAssetVersions},
	{"AssetRoundTrip", testAssetRoundTrip},
	{"AssetIdempotentReAdd", testAssetReAdd},
	{"AssetOrderAndLatest", testAssetOrder},
	{"AssetConcurrentVersions", testAssetConcurrent},
	{"AssetInvalid", testAssetInvalid},
	{"AssetStale", testAssetStale},
}

// asset returns a new unsaved asset of a session slot, named as in the output layout.
func asset(sessionID, typ string, index int) *shoot.Asset {
	return &shoot.Asset{
		SessionID: sessionID, Type: typ, Index: index,
		FileName: shoot.OutputName(typ, index), Key: shoot.AssetKey(sessionID, typ, index, 1),
		Size: 1234, MimeType: "image/png",
	}
}

func addAsset(t *testing.T, s store.Store, a *shoot.Asset) *shoot.Asset {
	t.Helper()
	must(t, s.AddAsset(t.Context(), a))
	return a
}

func testAssetVersions(t *testing.T, s store.Store) {
	sess := mkSession(t, s)
	cases := []struct {
		typ         string
		index, want int
	}{
		{shoot.AssetHero, 0, 1}, {shoot.AssetHero, 0, 2}, {shoot.AssetFrame, 3, 1},
		{shoot.AssetFrame, 4, 1}, {shoot.AssetFrame, 3, 2}, {shoot.AssetHero, 0, 3},
	}
	seen := map[int64]bool{}
	for _, tc := range cases {
		a := addAsset(t, s, asset(sess.ID, tc.typ, tc.index))
		if a.Version != tc.want {
			t.Errorf("%s/%d: version %d, want %d", tc.typ, tc.index, a.Version, tc.want)
		}
		if a.ID == 0 || seen[a.ID] {
			t.Errorf("%s/%d: id %d not fresh", tc.typ, tc.index, a.ID)
		}
		seen[a.ID] = true
		wantRecent(t, "created_at", a.CreatedAt)
	}
	// Versions count per session: another session starts again at 1.
	other := mkSession(t, s)
	if a := addAsset(t, s, asset(other.ID, shoot.AssetHero, 0)); a.Version != 1 {
		t.Errorf("other session's hero version %d, want 1", a.Version)
	}
}

func testAssetRoundTrip(t *testing.T, s store.Store) {
	sess := mkSession(t, s)
	in := asset(sess.ID, shoot.AssetClip, 2)
	in.MimeType, in.Size = "video/mp4", 5<<20
	in.Metadata = json.RawMessage(`{"prompt":"slow dolly in","inputs":["a","b"]}`)
	addAsset(t, s, in)
	bare := addAsset(t, s, &shoot.Asset{SessionID: sess.ID, Type: shoot.AssetInput, Index: 1,
		FileName: "x.png", Key: "uploads/x.png"})
	list, err := s.ListAssets(t.Context(), sess.ID)
	must(t, err)
	if len(list) != 2 {
		t.Fatalf("ListAssets: %d assets, want 2", len(list))
	}
	got := list[1]
	wantTime(t, "created_at", got.CreatedAt, in.CreatedAt)
	if !jsonEqual(t, got.Metadata, in.Metadata) {
		t.Errorf("metadata %s, want %s", got.Metadata, in.Metadata)
	}
	got.CreatedAt, got.Metadata = in.CreatedAt, in.Metadata
	if fmt.Sprint(*got) != fmt.Sprint(*in) {
		t.Errorf("stored %+v\nwant   %+v", *got, *in)
	}
	if b := list[0]; b.ID != bare.ID || b.MimeType != "" || b.Size != 0 || b.Metadata != nil || b.Stale {
		t.Errorf("bare asset came back as %+v", *b)
	}
}

// testAssetReAdd: a retried job adds the same version again; nothing
// changes and the stored row is returned.
func testAssetReAdd(t *testing.T, s store.Store) {
	sess := mkSession(t, s)
	first := addAsset(t, s, asset(sess.ID, shoot.AssetFrame, 2))
	again := asset(sess.ID, shoot.AssetFrame, 2)
	again.Version, again.Key, again.Size = first.Version, "outputs/other.png", 99
	addAsset(t, s, again)
	if again.ID != first.ID || again.Key != first.Key || again.Size != first.Size {
		t.Errorf("re-add returned %+v, want the stored %+v", *again, *first)
	}
	wantTime(t, "created_at", again.CreatedAt, first.CreatedAt)
	// An explicit new version is stored as given.
	v5 := asset(sess.ID, shoot.AssetFrame, 2)
	v5.Version = 5
	addAsset(t, s, v5)
	next := addAsset(t, s, asset(sess.ID, shoot.AssetFrame, 2))
	if v5.Version != 5 || next.Version != 6 {
		t.Errorf("versions %d, %d; want 5, 6", v5.Version, next.Version)
	}
	list, err := s.ListAssets(t.Context(), sess.ID)
	must(t, err)
	if len(list) != 3 {
		t.Errorf("%d assets after re-add, want 3", len(list))
	}
}

type slot struct {
	typ        string
	index, ver int
}

func slots(list []*shoot.Asset) []slot {
	out := make([]slot, len(list))
	for i, a := range list {
		out[i] = slot{a.Type, a.Index, a.Version}
	}
	return out
}

func testAssetOrder(t *testing.T, s store.Store) {
	ctx := t.Context()
	sess := mkSession(t, s)
	adds := []slot{{shoot.AssetFinal, 0, 1}, {shoot.AssetClip, 2, 1}, {shoot.AssetFrame, 10, 1},
		{shoot.AssetFrame, 2, 1}, {shoot.AssetHero, 0, 1}, {shoot.AssetClip, 1, 1},
		{shoot.AssetFrame, 2, 2}, {shoot.AssetContactSheet, 0, 1}, {shoot.AssetInput, 1, 1}, {shoot.AssetHero, 0, 2}}
	for _, a := range adds {
		addAsset(t, s, asset(sess.ID, a.typ, a.index))
	}
	addAsset(t, s, asset(mkSession(t, s).ID, shoot.AssetHero, 0)) // another session's
	all, err := s.ListAssets(ctx, sess.ID)
	must(t, err)
	wantAll := []slot{{shoot.AssetInput, 1, 1}, {shoot.AssetHero, 0, 1}, {shoot.AssetHero, 0, 2},
		{shoot.AssetContactSheet, 0, 1}, {shoot.AssetFrame, 2, 1}, {shoot.AssetFrame, 2, 2},
		{shoot.AssetFrame, 10, 1}, {shoot.AssetClip, 1, 1}, {shoot.AssetClip, 2, 1}, {shoot.AssetFinal, 0, 1}}
	if got := slots(all); !slices.Equal(got, wantAll) {
		t.Errorf("ListAssets = %v\nwant %v", got, wantAll)
	}
	latest, err := s.LatestAssets(ctx, sess.ID)
	must(t, err)
	wantLatest := []slot{{shoot.AssetInput, 1, 1}, {shoot.AssetHero, 0, 2}, {shoot.AssetContactSheet, 0, 1},
		{shoot.AssetFrame, 2, 2}, {shoot.AssetFrame, 10, 1}, {shoot.AssetClip, 1, 1},
		{shoot.AssetClip, 2, 1}, {shoot.AssetFinal, 0, 1}}
	if got := slots(latest); !slices.Equal(got, wantLatest) {
		t.Errorf("LatestAssets = %v\nwant %v", got, wantLatest)
	}
	empty, err := s.ListAssets(ctx, newID())
	must(t, err)
	if empty == nil || len(empty) != 0 {
		t.Errorf("unknown session: %v, want an empty slice", empty)
	}
}

func testAssetConcurrent(t *testing.T, s store.Store) {
	sess := mkSession(t, s)
	const n = 10
	versions := make(chan int, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			a := asset(sess.ID, shoot.AssetClip, 3)
			if err := s.AddAsset(t.Context(), a); err != nil {
				t.Error(err)
				return
			}
			versions <- a.Version
		})
	}
	wg.Wait()
	close(versions)
	var got []int
	for v := range versions {
		got = append(got, v)
	}
	slices.Sort(got)
	for i, v := range got {
		if v != i+1 {
			t.Fatalf("concurrent versions %v, want 1..%d", got, n)
		}
	}
}

func testAssetInvalid(t *testing.T, s store.Store) {
	sess := mkSession(t, s)
	cases := []struct {
		name string
		mod  func(*shoot.Asset)
		code string
	}{
		{"type", func(a *shoot.Asset) { a.Type = "poster" }, shoot.EINVALID},
		{"negative index", func(a *shoot.Asset) { a.Index = -1 }, shoot.EINVALID},
		{"no key", func(a *shoot.Asset) { a.Key = "" }, shoot.EINVALID},
		{"metadata", func(a *shoot.Asset) { a.Metadata = json.RawMessage("{") }, shoot.EINVALID},
		{"unknown session", func(a *shoot.Asset) { a.SessionID = newID() }, shoot.ENOTFOUND},
		{"unknown session, version set", func(a *shoot.Asset) { a.SessionID, a.Version = newID(), 2 }, shoot.ENOTFOUND},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := asset(sess.ID, shoot.AssetHero, 0)
			tc.mod(a)
			wantCode(t, s.AddAsset(t.Context(), a), tc.code)
		})
	}
}

func testAssetStale(t *testing.T, s store.Store) {
	ctx := t.Context()
	sess := mkSession(t, s)
	for _, i := range []int{1, 2, 3} {
		addAsset(t, s, asset(sess.ID, shoot.AssetClip, i))
	}
	addAsset(t, s, asset(sess.ID, shoot.AssetClip, 2)) // clip 2 version 2
	stale := func() map[slot]bool {
		list, err := s.ListAssets(ctx, sess.ID)
		must(t, err)
		m := map[slot]bool{}
		for _, a := range list {
			m[slot{a.Type, a.Index, a.Version}] = a.Stale
		}
		return m
	}
	refs := []store.AssetRef{{Type: shoot.AssetClip, Index: 2}, {Type: shoot.AssetClip, Index: 3}, {Type: shoot.AssetFrame, Index: 9}}
	must(t, s.SetAssetsStale(ctx, sess.ID, refs, true))
	want := map[slot]bool{{shoot.AssetClip, 1, 1}: false, {shoot.AssetClip, 2, 1}: false,
		{shoot.AssetClip, 2, 2}: true, {shoot.AssetClip, 3, 1}: true}
	if got := stale(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after marking: %v, want %v", got, want)
	}
	must(t, s.SetAssetsStale(ctx, sess.ID, refs[:1], false))
	want[slot{shoot.AssetClip, 2, 2}] = false
	if got := stale(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after clearing: %v, want %v", got, want)
	}
	latest, err := s.LatestAssets(ctx, sess.ID)
	must(t, err)
	if len(latest) != 3 || !latest[2].Stale || latest[1].Stale {
		t.Errorf("LatestAssets does not carry the stale flag: %v", latest)
	}
	// A new version of a stale slot is fresh.
	if a := addAsset(t, s, asset(sess.ID, shoot.AssetClip, 3)); a.Stale {
		t.Error("new version born stale")
	}
	wantCode(t, s.SetAssetsStale(ctx, sess.ID, []store.AssetRef{{Type: "poster", Index: 1}}, true), shoot.EINVALID)
	must(t, s.SetAssetsStale(ctx, sess.ID, nil, true))
}
