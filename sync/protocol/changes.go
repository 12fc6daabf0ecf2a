package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/paulmach/orb"
)

// ChangesResponse is a page of the change feed: the answer to GET
// ChangesPath(since, limit).
type ChangesResponse struct {
	// Changes are the features changed after the cursor, in increasing Seq
	// order, filtered to what the user may read.
	Changes []Change `json:"changes"`
	// Next is the cursor of the next page: since for the next request, and
	// what the client stores, in the transaction that applies the page.
	Next int64 `json:"next"`
	// More says another page follows at once; the client asks again with
	// since=Next until More is false.
	More bool `json:"more"`
	// SchemaVersion is the platform's LayersResponse.SchemaVersion; when it
	// differs from the client's, the client fetches the layers first.
	SchemaVersion int64 `json:"schema_version"`
}

// Validate checks the page is usable by a client that stores Next: changes
// well formed and in increasing order, Next not before the last of them, and
// a page announcing more is not empty.
func (r ChangesResponse) Validate() error {
	last := int64(0)
	for i, c := range r.Changes {
		if err := c.Validate(); err != nil {
			return within(fmt.Sprintf("changes[%d]", i), err)
		}
		if c.Seq <= last {
			return malformed("changes[%d]: seq %d does not follow %d", i, c.Seq, last)
		}
		last = c.Seq
	}
	switch {
	case r.Next < last:
		return malformed("next %d is before the last change's seq %d", r.Next, last)
	case r.More && len(r.Changes) == 0:
		return malformed("more is true but the page is empty")
	case r.SchemaVersion < 0:
		return malformed("schema_version %d is negative", r.SchemaVersion)
	}
	return nil
}

// UnmarshalJSON reads a page, naming the change at fault in errors.
func (r *ChangesResponse) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil
	}
	var w struct {
		Changes       []json.RawMessage `json:"changes"`
		Next          int64             `json:"next"`
		More          bool              `json:"more"`
		SchemaVersion int64             `json:"schema_version"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return asWire(err)
	}
	changes, err := unmarshalEach[Change](w.Changes, "changes")
	if err != nil {
		return err
	}
	*r = ChangesResponse{Changes: changes, Next: w.Next, More: w.More, SchemaVersion: w.SchemaVersion}
	return nil
}

// Change is one entry of the change feed: a feature as it is after the
// change (an upsert), or a tombstone when Deleted. On the wire it is a
// GeoJSON Feature with foreign members (layer, seq, version, …).
type Change struct {
	// Seq is the change's position in the platform's feed.
	Seq int64
	// Layer is the name of the feature's layer.
	Layer string
	// ID is the feature's id, a UUID for features made by Terrimap.
	ID string
	// Version is the feature's version after the change, counted per feature.
	Version int64
	// Deleted marks a tombstone: the feature was deleted at Version.
	Deleted bool
	// Geometry is the feature's geometry; nil when it has none or is deleted.
	Geometry orb.Geometry
	// Properties holds every attribute (not only the changed ones); nil when
	// deleted. Numbers are json.Number when read: type them with
	// CoerceProperties.
	Properties map[string]any
	// ModifiedBy is the user name of the change's author.
	ModifiedBy string
	// ModifiedAt is when the platform recorded the change.
	ModifiedAt time.Time
}

// Validate checks the change is well formed: positive seq and version, a
// layer name and feature id, scalar properties with plain names, and
// nothing but the identity in a tombstone.
func (c Change) Validate() error {
	switch {
	case c.Seq <= 0:
		return malformed("seq %d is not positive", c.Seq)
	case !ValidName(c.Layer):
		return malformed("layer %q is not a layer name", c.Layer)
	case !validID(c.ID):
		return malformed("id %q is not a feature id", c.ID)
	case c.Version <= 0:
		return malformed("version %d is not positive", c.Version)
	case c.Deleted && (c.Geometry != nil || len(c.Properties) > 0):
		return malformed("a deleted feature has neither geometry nor properties")
	}
	return checkProperties(c.Properties)
}

// State returns the feature as a FeatureState, for Merge.
func (c Change) State() FeatureState {
	return FeatureState{Exists: !c.Deleted, Version: c.Version, Geometry: c.Geometry, Properties: c.Properties}
}

// featureType is the GeoJSON type of a Change on the wire.
const featureType = "Feature"

type changeWire struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Layer      string          `json:"layer"`
	Seq        int64           `json:"seq"`
	Version    int64           `json:"version"`
	Deleted    bool            `json:"deleted,omitempty"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
	ModifiedBy string          `json:"modified_by,omitempty"`
	ModifiedAt time.Time       `json:"modified_at,omitzero"`
}

// MarshalJSON writes the change as a GeoJSON Feature with foreign members.
func (c Change) MarshalJSON() ([]byte, error) {
	return c.appendJSON(nil)
}

// UnmarshalJSON reads a change written by MarshalJSON. Unknown members are
// ignored (a newer platform may add some).
func (c *Change) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil
	}
	if b := firstByte(data); b != '{' {
		return malformed("a change must be an object, not %s", jsonKind(b))
	}
	var w changeWire
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&w); err != nil {
		return asWire(err)
	}
	if w.Type != "" && w.Type != featureType {
		return malformed("type %q is not %q", w.Type, featureType)
	}
	g, err := decodeGeometry(w.Geometry)
	if err != nil {
		return within("geometry", err)
	}
	props, err := decodeProperties(w.Properties)
	if err != nil {
		return err
	}
	*c = Change{Seq: w.Seq, Layer: w.Layer, ID: w.ID, Version: w.Version, Deleted: w.Deleted,
		Geometry: g, Properties: props, ModifiedBy: w.ModifiedBy, ModifiedAt: w.ModifiedAt}
	return nil
}
