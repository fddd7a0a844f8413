package sqlite

import (
	"context"
	"database/sql"

	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

const assetColumns = `id, session_id, asset_type, asset_index, version, file_name, r2_key,
	file_size, mime_type, created_at, metadata, stale`

// assetOrder sorts assets in pipeline order rather than by the type's name.
const assetOrder = `CASE asset_type WHEN 'input' THEN 0 WHEN 'hero' THEN 1
	WHEN 'contact-sheet' THEN 2 WHEN 'frame' THEN 3 WHEN 'clip' THEN 4 ELSE 5 END,
	asset_index, version`

// AddAsset records an artifact. With Version 0 it becomes the next version of
// its (type, index) slot; the read of the latest version and the insert are
// one statement, and SQLite runs one writer at a time, so two adders never
// get the same version. With a Version set, adding an existing row again
// changes nothing and loads the stored row into a.
func (d *DB) AddAsset(ctx context.Context, a *shoot.Asset) error {
	if err := store.CheckAsset(a); err != nil {
		return err
	}
	args := []any{a.SessionID, a.Type, a.Index, a.FileName, a.Key, a.Size,
		nullString(a.MimeType), formatTime(a.CreatedAt), nullJSON(a.Metadata), a.Stale}
	var err error
	if a.Version == 0 {
		err = d.db.QueryRowContext(ctx, `INSERT INTO session_assets (session_id, asset_type,
			asset_index, file_name, r2_key, file_size, mime_type, created_at, metadata, stale, version)
			SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, COALESCE(MAX(version), 0) + 1
			FROM session_assets WHERE session_id = ?1 AND asset_type = ?2 AND asset_index = ?3
			RETURNING `+assetColumns, args...).Scan(assetDest(a)...)
	} else {
		err = d.addVersion(ctx, a, append(args, a.Version))
	}
	return dbError(err, "insert asset")
}

// addVersion inserts a row with a chosen version unless it exists, then
// reads the stored row back into a.
func (d *DB) addVersion(ctx context.Context, a *shoot.Asset, args []any) error {
	_, err := d.db.ExecContext(ctx, `INSERT INTO session_assets (session_id, asset_type,
		asset_index, file_name, r2_key, file_size, mime_type, created_at, metadata, stale, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (session_id, asset_type, asset_index, version) DO NOTHING`, args...)
	if err != nil {
		return err
	}
	return d.db.QueryRowContext(ctx, `SELECT `+assetColumns+` FROM session_assets
		WHERE session_id = ? AND asset_type = ? AND asset_index = ? AND version = ?`,
		a.SessionID, a.Type, a.Index, a.Version).Scan(assetDest(a)...)
}

// ListAssets returns every version of every asset of the session in
// pipeline order (input, hero, contact-sheet, frame, clip, final), then by
// index and version.
func (d *DB) ListAssets(ctx context.Context, sessionID string) ([]*shoot.Asset, error) {
	return d.queryAssets(ctx, `SELECT `+assetColumns+` FROM session_assets
		WHERE session_id = ? ORDER BY `+assetOrder, sessionID)
}

// LatestAssets returns the newest version of each (type, index) of the
// session, in the order of ListAssets.
func (d *DB) LatestAssets(ctx context.Context, sessionID string) ([]*shoot.Asset, error) {
	return d.queryAssets(ctx, `SELECT `+assetColumns+` FROM session_assets a
		WHERE session_id = ?1 AND version = (SELECT MAX(version) FROM session_assets b
			WHERE b.session_id = ?1 AND b.asset_type = a.asset_type AND b.asset_index = a.asset_index)
		ORDER BY `+assetOrder, sessionID)
}

func (d *DB) queryAssets(ctx context.Context, query, sessionID string) ([]*shoot.Asset, error) {
	rows, err := d.db.QueryContext(ctx, query, sessionID)
	if err != nil {
		return nil, dbError(err, "list assets")
	}
	defer rows.Close()
	list := []*shoot.Asset{}
	for rows.Next() {
		a := new(shoot.Asset)
		if err := rows.Scan(assetDest(a)...); err != nil {
			return nil, dbError(err, "read asset")
		}
		list = append(list, a)
	}
	return list, dbError(rows.Err(), "list assets")
}

// SetAssetsStale marks the latest version of each referenced slot stale (or
// fresh). Refs to slots with no asset are ignored.
func (d *DB) SetAssetsStale(ctx context.Context, sessionID string, refs []store.AssetRef, stale bool) error {
	if err := store.CheckAssetRefs(refs); err != nil {
		return err
	}
	return d.inTx(ctx, func(tx *sql.Tx) error {
		for _, r := range refs {
			_, err := tx.ExecContext(ctx, `UPDATE session_assets SET stale = ?1
				WHERE session_id = ?2 AND asset_type = ?3 AND asset_index = ?4
				AND version = (SELECT MAX(version) FROM session_assets
					WHERE session_id = ?2 AND asset_type = ?3 AND asset_index = ?4)`,
				stale, sessionID, r.Type, r.Index)
			if err != nil {
				return dbError(err, "mark assets stale")
			}
		}
		return nil
	})
}

// assetDest returns scan destinations for assetColumns into a.
func assetDest(a *shoot.Asset) []any {
	return []any{&a.ID, &a.SessionID, &a.Type, &a.Index, &a.Version, &a.FileName, &a.Key,
		store.NullInt64(&a.Size), store.NullString(&a.MimeType), scanTime(&a.CreatedAt), store.RawJSON(&a.Metadata), &a.Stale}
}
