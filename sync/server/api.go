package server

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

func (s *Server) handleLayers(w http.ResponseWriter, r *http.Request, u User) {
	layers, err := s.st.Layers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	version, err := s.st.SchemaVersion(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	resp := protocol.LayersResponse{SchemaVersion: version, Layers: []protocol.LayerInfo{}}
	for _, l := range layers {
		a, err := accessFor(r.Context(), s.st, u, l)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if a.Read {
			resp.Layers = append(resp.Layers, protocol.LayerInfo{Schema: l.Schema, Style: l.Style, Access: a})
		}
	}
	writeJSON(w, resp)
}

// readableLayers names the layers u may read.
func (s *Server) readableLayers(r *http.Request, u User) ([]string, error) {
	layers, err := s.st.Layers(r.Context())
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range layers {
		a, err := accessFor(r.Context(), s.st, u, l)
		if err != nil {
			return nil, err
		}
		if a.Read {
			out = append(out, l.Schema.Name)
		}
	}
	return out, nil
}

func (s *Server) handleChanges(w http.ResponseWriter, r *http.Request, u User) {
	since, limit, err := protocol.ParseChangesQuery(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "Paramètres since/limit invalides.")
		return
	}
	layers, err := s.readableLayers(r, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	changes, next, more, err := s.st.Changes(r.Context(), since, limit, layers)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	version, err := s.st.SchemaVersion(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if changes == nil {
		changes = []protocol.Change{}
	}
	writeJSON(w, protocol.ChangesResponse{Changes: changes, Next: next, More: more, SchemaVersion: version})
}

func (s *Server) handlePush(w http.ResponseWriter, r *http.Request, u User) {
	req, err := protocol.DecodePushRequest(r.Body, protocol.MaxPushBytes)
	if err != nil {
		decodeError(w, err)
		return
	}
	resp, err := s.push(r.Context(), u, req) // DecodePushRequest validated it
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, resp)
}

func (s *Server) handleHistory(w http.ResponseWriter, r *http.Request, u User) {
	versions, err := s.st.History(r.Context(), r.PathValue(protocol.PathValueID))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(versions) == 0 || len(u.Memberships) == 0 {
		writeError(w, http.StatusNotFound, protocol.CodeNotFound, "La plateforme ne connaît pas cet objet.")
		return
	}
	writeJSON(w, protocol.HistoryResponse{Versions: versions})
}

func (s *Server) handleBlobPut(w http.ResponseWriter, r *http.Request, u User) {
	hash := r.PathValue(protocol.PathValueSHA256)
	if !protocol.ValidBlobHash(hash) {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "Nom de pièce jointe invalide (sha256 attendu).")
		return
	}
	if !canWriteSomewhere(u) {
		writeError(w, http.StatusForbidden, protocol.CodeForbidden, "Votre compte ne permet pas d'envoyer des pièces jointes.")
		return
	}
	var offset, size int64
	if h := r.Header.Get(protocol.HeaderContentRange); h != "" {
		cr, err := protocol.ParseContentRange(h)
		if err != nil {
			writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "En-tête Content-Range invalide.")
			return
		}
		offset, size = cr.Offset, cr.Size
	}
	if size > protocol.MaxBlobBytes {
		writeError(w, http.StatusRequestEntityTooLarge, protocol.CodeTooLarge, "La pièce jointe est trop volumineuse.")
		return
	}
	expect := max(r.ContentLength, 0)
	st, err := s.st.Blobs().Append(u.Name, hash, offset, size, expect, r.Body)
	switch {
	case errors.Is(err, ErrBadRange):
		w.Header().Set(protocol.HeaderContentType, protocol.ContentTypeJSON)
		w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
		protocol.Encode(w, st)
	case errors.Is(err, ErrHashMismatch):
		writeError(w, http.StatusUnprocessableEntity, protocol.CodeHashMismatch, "La pièce jointe reçue ne correspond pas à son empreinte : renvoyez-la.")
	case errors.Is(err, ErrBlobTooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, protocol.CodeTooLarge, "La pièce jointe est trop volumineuse.")
	case errors.Is(err, ErrUploadCut), errors.Is(err, ErrTooManyPending), errors.Is(err, ErrPendingTooLarge):
		s.refuseUpload(w, r, err)
	case err != nil:
		s.fail(w, r, err)
	default:
		writeJSON(w, st)
	}
}

func (s *Server) handleBlobGet(w http.ResponseWriter, r *http.Request, u User) {
	hash := r.PathValue(protocol.PathValueSHA256)
	if !protocol.ValidBlobHash(hash) {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "Nom de pièce jointe invalide (sha256 attendu).")
		return
	}
	st, err := s.st.Blobs().Stat(hash)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !st.Complete {
		w.Header().Set(protocol.HeaderUploadOffset, strconv.FormatInt(st.Size, 10))
		writeError(w, http.StatusNotFound, protocol.CodeNotFound, "Pièce jointe absente de la plateforme.")
		return
	}
	f, err := s.st.Blobs().Open(hash)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer f.Close()
	w.Header().Set(protocol.HeaderContentType, protocol.ContentTypeBlob)
	w.Header().Set("Content-Length", strconv.FormatInt(st.Size, 10))
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	if r.Method == http.MethodHead {
		return
	}
	io.Copy(w, f)
}

func canWriteSomewhere(u User) bool {
	for _, m := range u.Memberships {
		if m.Role.CanWrite() {
			return true
		}
	}
	return false
}

// handleLayerPut publishes a layer, or evolves its schema: admins only.
func (s *Server) handleLayerPut(w http.ResponseWriter, r *http.Request, u User) {
	if !isAdmin(u) {
		writeError(w, http.StatusForbidden, protocol.CodeForbidden,
			"Seul un administrateur de la plateforme peut publier une couche ou modifier son schéma ; la couche reste sur votre poste.")
		return
	}
	info, err := protocol.DecodeLayerInfo(r.Body, protocol.MaxLayersBytes)
	if err != nil {
		decodeError(w, err)
		return
	}
	if info.Schema.Name != r.PathValue(protocol.PathValueLayer) {
		writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, "Le nom de la couche ne correspond pas à l'adresse.")
		return
	}
	rec := LayerRecord{Schema: info.Schema, Style: info.Style, EditBy: EditRight(info.EditBy)}
	if err := s.st.PutLayer(r.Context(), rec); err != nil {
		if pe := (*protocol.PublishError)(nil); errors.As(err, &pe) {
			writeError(w, http.StatusBadRequest, protocol.CodeBadRequest, pe.Message)
			return
		}
		if errors.Is(err, store.ErrIncompatibleSchema) || errors.Is(err, schema.ErrInvalidSchema) {
			writeError(w, http.StatusConflict, protocol.CodeBadRequest, "Ce schéma ne peut pas remplacer celui de la plateforme sans perdre de données : "+err.Error())
			return
		}
		s.fail(w, r, err)
		return
	}
	if rec, err = s.layerRecord(r.Context(), rec.Schema.Name); err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := accessFor(r.Context(), s.st, u, rec)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, protocol.LayerInfo{Schema: info.Schema, Style: info.Style, Access: a, EditBy: string(rec.EditBy)})
}

func isAdmin(u User) bool {
	for _, m := range u.Memberships {
		if m.Role == protocol.RoleAdmin {
			return true
		}
	}
	return false
}
