package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/fashionshoot/shoot/internal/auth"
	"github.com/fashionshoot/shoot/internal/shoot"
	"github.com/fashionshoot/shoot/internal/store"
)

// checkOwnership hides what belongs to other users on every route that names
// a session or an upload in its path — the session routes, the event
// stream, the export, and all three media routes — whichever handler serves
// it, including routes added later. Another user's session or upload is
// answered exactly like one that does not exist (404), so its existence is
// not revealed. Malformed names are left to the handlers, which refuse them.
func (s *Server) checkOwnership(r *http.Request, u auth.User) error {
	if u.Admin {
		return nil
	}
	kind, name := ownedResource(r.URL.Path)
	switch kind {
	case "session":
		return s.checkSessionOwner(r.Context(), u, name, false)
	case "output":
		return s.checkSessionOwner(r.Context(), u, name, true)
	case "upload":
		return s.checkUploadOwner(r.Context(), u, name)
	}
	return nil
}

// ownedResource finds the session id or upload name a path refers to:
//
//	/api/sessions/<id>[/…]               session
//	/outputs/<id>/…, /api/media/outputs/<id>/…   output (media of a session)
//	/uploads/<file>, /api/media/uploads/<file>   upload
func ownedResource(p string) (kind, name string) {
	seg := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(seg) >= 2 && seg[0] == "api" && seg[1] == "media" {
		seg = seg[2:]
	} else if len(seg) >= 3 && seg[0] == "api" && seg[1] == "sessions" {
		return "session", seg[2]
	}
	switch {
	case len(seg) >= 2 && seg[0] == "outputs":
		return "output", seg[1]
	case len(seg) >= 2 && seg[0] == "uploads":
		return "upload", seg[1]
	}
	return "", ""
}

// checkSessionOwner refuses unless u may see session id: with the session
// routes' "Session not found." or, for media, the media routes' "File not
// found". A malformed id on a session route is left to the handler (400);
// on a media route it cannot name anything of u's, so it is not found.
func (s *Server) checkSessionOwner(ctx context.Context, u auth.User, id string, media bool) error {
	notFound := store.NotFound("Session")
	if media {
		notFound = fileNotFound()
	}
	if !shoot.ValidSessionID(id) {
		if media {
			return notFound
		}
		return nil
	}
	ss, err := s.store.GetSession(ctx, id)
	switch {
	case shoot.ErrorCode(err) == shoot.ENOTFOUND:
		return notFound
	case err != nil:
		return err
	case !u.CanSee(ss.Owner):
		return notFound
	}
	return nil
}

// checkUploadOwner answers 404 unless u may see the upload. A name the
// server could not have issued has no owner, so it is not found either.
func (s *Server) checkUploadOwner(ctx context.Context, u auth.User, name string) error {
	if !shoot.ValidUploadFilename(name) {
		return fileNotFound()
	}
	up, err := s.store.GetUpload(ctx, name)
	switch {
	case shoot.ErrorCode(err) == shoot.ENOTFOUND:
		return fileNotFound()
	case err != nil:
		return err
	case !u.CanSee(up.Owner):
		return fileNotFound()
	}
	return nil
}

// fileNotFound is the media routes' answer for a missing file.
func fileNotFound() error { return shoot.Errorf(shoot.ENOTFOUND, "File not found") }

// checkInputs refuses references to uploads u may not use, with the
// engine's own answer for an unknown upload, so another user's upload looks
// like no upload at all. The engine resolves the references again itself.
func (s *Server) checkInputs(ctx context.Context, u auth.User, refs []string) error {
	return s.checkUploads(ctx, u, "inputImages", refs)
}

// checkUploads refuses, as unknown, any upload in refs that u may not see;
// field names the list in the error.
func (s *Server) checkUploads(ctx context.Context, u auth.User, field string, refs []string) error {
	if u.Admin {
		return nil
	}
	for _, ref := range refs {
		name := strings.TrimPrefix(strings.TrimPrefix(ref, "/"), "uploads/")
		if !shoot.ValidUploadFilename(name) {
			continue // the engine refuses it with its own message
		}
		up, err := s.store.GetUpload(ctx, name)
		if err != nil && shoot.ErrorCode(err) != shoot.ENOTFOUND {
			return err
		}
		if err != nil || !u.CanSee(up.Owner) {
			return shoot.Errorf(shoot.EINVALID, "%s: unknown upload %q", field, name)
		}
	}
	return nil
}
