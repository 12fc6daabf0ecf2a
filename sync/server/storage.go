package server

import (
	"context"
	"encoding/json"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// Storage is where the platform keeps layers, features with every version
// of them, organisations, users, tokens, push results and attachments.
// Two implementations: SQLiteStorage (one GeoPackage file, the embedded
// default) and sync/server/pgstore (PostgreSQL/PostGIS, shared with the
// intercommunality's QGIS). The contract tests (pgstore/storages_test.go)
// and the whole sync/integration suite run on both.
type Storage interface {
	// Layers returns every layer with its schema, style and edit rights.
	Layers(ctx context.Context) ([]LayerRecord, error)
	// SchemaVersion counts the schema changes of the platform.
	SchemaVersion(ctx context.Context) (int64, error)
	// PutLayer creates a layer or evolves its schema (see
	// store.UpdateLayerSchema); an empty EditBy keeps the layer's.
	PutLayer(ctx context.Context, l LayerRecord) error

	// Feature returns the platform's current feature: a tombstone (Exists
	// false, Version of the deletion) when deleted, the zero state when it
	// never existed.
	Feature(ctx context.Context, layer, id string) (protocol.FeatureState, error)
	// Changes returns the feed after since: the latest version of each
	// feature changed since, in the given layers, in sequence order.
	Changes(ctx context.Context, since int64, limit int, layers []string) (changes []protocol.Change, next int64, more bool, err error)
	// History returns every version of a feature, oldest first.
	History(ctx context.Context, id string) ([]protocol.Version, error)
	// QueryItems returns a page of the current features of a layer that
	// match q, in a stable order, with the number matched (OGC API).
	QueryItems(ctx context.Context, layer string, q ItemsQuery) ([]protocol.Change, int, error)
	// Item returns a layer's current feature; ok is false when the layer
	// has no such feature (never created, or deleted).
	Item(ctx context.Context, layer, id string) (f protocol.Change, ok bool, err error)
	// Extent returns the bounding box of a layer's current geometries; ok
	// is false when none has one.
	Extent(ctx context.Context, layer string) (b orb.Bound, ok bool)
	// TimeExtent returns the first and last values of a layer's date or
	// datetime field among its current features, as schema.Field.Coerce
	// writes them; ok is false when none has one.
	TimeExtent(ctx context.Context, layer, field string) (first, last string, ok bool)
	// Write runs fn in one write transaction.
	Write(ctx context.Context, fn func(WriteTx) error) error

	// Organisation returns an organisation (a commune by INSEE code, or "ccmt").
	Organisation(ctx context.Context, id string) (Organisation, error)
	// PutOrganisation creates or replaces an organisation.
	PutOrganisation(ctx context.Context, o Organisation) error
	// User returns a user with their memberships.
	User(ctx context.Context, name string) (User, error)
	// PutUser creates or replaces a user and their memberships.
	PutUser(ctx context.Context, u User) error
	// PutToken records a token's hash for a user until expiry.
	PutToken(ctx context.Context, hash, user string, expires time.Time) error
	// TokenUser returns the user a token's hash belongs to, if it has not expired.
	TokenUser(ctx context.Context, hash string, now time.Time) (string, error)
	// Accounts lists, removes and records users and revokes their tokens.
	Accounts

	// Blobs returns the attachments' store.
	Blobs() *BlobStore
	// Close releases the storage.
	Close() error
}

// WriteTx is one write transaction of a Storage.
type WriteTx interface {
	// PushResult returns the stored result of a change user already sent:
	// change ids are the user's own, another's never answers.
	PushResult(user, changeID string) (protocol.PushResult, bool, error)
	// SavePushResult stores the answer to a user's change, for re-sends.
	SavePushResult(user, changeID string, r protocol.PushResult) error
	// Feature is Storage.Feature within the transaction.
	Feature(layer, id string) (protocol.FeatureState, error)
	// FeatureVersion returns a feature as it was at a version.
	FeatureVersion(layer, id string, version int64) (protocol.FeatureState, error)
	// WriteVersion stores f as the feature's new version (a deletion when
	// !f.Exists) with its history entry, and returns its feed sequence.
	WriteVersion(layer, id string, f protocol.FeatureState, op protocol.Op, author string, changed []string) (int64, error)
	// Layer returns a layer's record.
	Layer(name string) (LayerRecord, error)
}

// EditRight says who may edit a layer.
type EditRight string

// The edit rights of a layer.
const (
	// EditByEditors: editors (within their territory) and admins.
	EditByEditors EditRight = protocol.EditByEditors
	// EditByAdmins: only admins (reference data such as communes, flood zones).
	EditByAdmins EditRight = protocol.EditByAdmins
)

// LayerRecord is a layer of the platform.
type LayerRecord struct {
	Schema schema.Layer
	// Style is the layer's default style, JSON opaque to the server.
	Style json.RawMessage
	// EditBy says who may edit it; empty in PutLayer: unchanged.
	EditBy EditRight
}

// Organisation is the intercommunality ("ccmt") or one of its communes.
type Organisation struct {
	// ID is the commune's INSEE code, or protocol.OrgCCMT.
	ID   string
	Name string
	// Territory is where its editors may edit; nil for the intercommunality.
	Territory orb.Geometry
}

// User is an account of the platform.
type User struct {
	Name         string
	PasswordHash string
	Memberships  []protocol.Membership
}

// ItemsQuery selects current features of a layer for Storage.QueryItems.
type ItemsQuery struct {
	// Bound, when not nil, keeps features whose geometry intersects it
	// (longitude/latitude).
	Bound *orb.Bound
	// Equals keeps features whose field equals the value, typed as the
	// field says (schema.Field.Coerce); nil matches an empty field.
	Equals map[string]any
	// During, when not nil, keeps features whose temporal field lies in
	// the interval.
	During *TimeInterval
	// Limit is the page size; Offset skips the first matches.
	Limit, Offset int
}
