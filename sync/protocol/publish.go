package protocol

import (
	"errors"
	"fmt"
	"strings"

	"terrimap/store/schema"
)

// Who may edit a layer (LayerInfo.EditBy).
const (
	// EditByEditors: editors, within their territory, and admins.
	EditByEditors = "editor"
	// EditByAdmins: only admins (reference data such as communes, flood zones).
	EditByAdmins = "admin"
)

// MaxLayerFields is the most fields a published layer may have: far more
// than any network's data model needs, far below SQLite's column limit.
const MaxLayerFields = 200

// ReservedLayerPrefixes start the names of the tables a platform file holds
// besides its layers (SQLite's, the GeoPackage's, its R*Trees, the store's
// and the server's own): no layer may take such a name. Compared without
// regard to case, as SQLite compares table names.
var ReservedLayerPrefixes = [...]string{"sqlite_", "gpkg", "rtree_", "tm_", "srv_"}

// ErrUnpublishable is matched by a PublishError.
var ErrUnpublishable = errors.New("protocol: layer cannot be published")

// PublishError says why a layer cannot be published: in English for logs,
// in French (Message) for the administrator.
type PublishError struct {
	Message string
	detail  string
}

func (e *PublishError) Error() string { return ErrUnpublishable.Error() + ": " + e.detail }

// Unwrap lets errors.Is find ErrUnpublishable.
func (e *PublishError) Unwrap() error { return ErrUnpublishable }

// CheckPublishable refuses a layer the platform cannot hold: a name
// reserved for its own tables, more than MaxLayerFields fields, an edit
// right other than EditByEditors, EditByAdmins or none (keep the current
// one). The schema's own rules are schema.Layer.Validate's.
func CheckPublishable(s schema.Layer, editBy string) error {
	lower := strings.ToLower(s.Name)
	for _, p := range ReservedLayerPrefixes {
		if strings.HasPrefix(lower, p) {
			return &PublishError{detail: fmt.Sprintf("layer name %q starts with the reserved prefix %q", s.Name, p),
				Message: fmt.Sprintf("Le nom de couche « %s » est réservé aux tables internes de la plateforme (noms commençant par %s) : choisissez-en un autre.",
					clip(s.Name), strings.Join(ReservedLayerPrefixes[:], ", "))}
		}
	}
	if len(s.Fields) > MaxLayerFields {
		return &PublishError{detail: fmt.Sprintf("layer %s has %d fields, at most %d", s.Name, len(s.Fields), MaxLayerFields),
			Message: fmt.Sprintf("La couche « %s » a %d champs : la plateforme en accepte au plus %d.", clip(s.Name), len(s.Fields), MaxLayerFields)}
	}
	switch editBy {
	case "", EditByEditors, EditByAdmins:
		return nil
	}
	return &PublishError{detail: fmt.Sprintf("edit_by %q is not %s or %s", editBy, EditByEditors, EditByAdmins),
		Message: fmt.Sprintf("« %s » n'est pas un droit de modification : edit_by vaut « %s » (les éditeurs, sur leur territoire) ou « %s » (les administrateurs seulement).",
			clip(editBy), EditByEditors, EditByAdmins)}
}
