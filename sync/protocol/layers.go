package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

// LayersResponse is the answer to GET PathLayers: every layer the user may
// read.
type LayersResponse struct {
	Layers []LayerInfo `json:"layers"`
	// SchemaVersion changes whenever a layer schema changes; change feed
	// pages carry it too, so the client knows when to fetch the layers again.
	SchemaVersion int64 `json:"schema_version"`
}

// Validate checks every schema is usable and no layer is listed twice.
func (r LayersResponse) Validate() error {
	if r.SchemaVersion < 0 {
		return fmt.Errorf("schema_version %d is negative", r.SchemaVersion)
	}
	seen := make(map[string]bool, len(r.Layers))
	for i, l := range r.Layers {
		if err := l.Schema.Validate(); err != nil {
			return within(fmt.Sprintf("layers[%d]", i), err)
		}
		key := strings.ToLower(l.Schema.Name)
		if seen[key] {
			return malformed("layers[%d]: layer %s listed twice", i, l.Schema.Name)
		}
		seen[key] = true
	}
	return nil
}

// UnmarshalJSON reads the layers, naming the one at fault in errors.
func (r *LayersResponse) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil
	}
	var w struct {
		Layers        []json.RawMessage `json:"layers"`
		SchemaVersion int64             `json:"schema_version"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return asWire(err)
	}
	layers, err := unmarshalEach[LayerInfo](w.Layers, "layers")
	if err != nil {
		return err
	}
	*r = LayersResponse{Layers: layers, SchemaVersion: w.SchemaVersion}
	return nil
}

// LayerInfo is one layer: its schema, its style and what the user may do.
type LayerInfo struct {
	// Schema describes the layer's fields and geometry type.
	Schema schema.Layer `json:"schema"`
	// Style is the layer's default style, opaque to the protocol (mapview
	// reads it); absent when the layer has none.
	Style json.RawMessage `json:"style,omitempty"`
	// Access is what this user may do on the layer.
	Access Access `json:"access"`
	// EditBy says who may edit the layer: EditByEditors or EditByAdmins.
	// In a publication (PUT PathLayers/{name}) it is optional: left out,
	// the layer keeps the edit right it has (editors for a new layer).
	EditBy string `json:"edit_by,omitempty"`
}

// UnmarshalJSON reads a layer; numeric field defaults become int64 when
// whole, float64 otherwise (NormalizeNumber), as schema.Field.Coerce expects.
func (l *LayerInfo) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil
	}
	type plain LayerInfo
	var w plain
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&w); err != nil {
		return asWire(err)
	}
	if len(w.Style) > 0 {
		// Styles are kept compact, whatever the spacing they came with.
		var buf bytes.Buffer
		if err := json.Compact(&buf, w.Style); err != nil {
			return within("style", err)
		}
		w.Style = buf.Bytes()
	}
	for i, f := range w.Schema.Fields {
		if !scalar(f.Default) {
			return malformed("schema: field %s: default must be a string, number or boolean, not %s", f.Name, kindOf(f.Default))
		}
		w.Schema.Fields[i].Default = NormalizeNumber(f.Default)
	}
	*l = LayerInfo(w)
	return nil
}

// Access is what a user may do on a layer.
type Access struct {
	// Read: the layer's features are in the change feed for this user.
	Read bool `json:"read"`
	// Create: the user may add features.
	Create bool `json:"create,omitempty"`
	// Update: the user may change features.
	Update bool `json:"update,omitempty"`
	// Delete: the user may delete features.
	Delete bool `json:"delete,omitempty"`
	// Territory, when not nil, is where the user may edit (the union of the
	// territories of the organisations where they are an editor), a polygon
	// or multipolygon in longitude/latitude; nil means anywhere. On the
	// wire, a GeoJSON geometry.
	Territory orb.Geometry `json:"-"`
	// Reason says in French why the user may not edit, or only within
	// Territory ("Lecture seule : vous êtes élu de Tournus."), for display.
	Reason string `json:"reason,omitempty"`
}

// CanEdit reports whether the user may make some edit on the layer.
func (a Access) CanEdit() bool { return a.Create || a.Update || a.Delete }

// Allows reports whether the access grants op (not checking the territory).
func (a Access) Allows(op Op) bool {
	switch op {
	case OpCreate:
		return a.Create
	case OpUpdate:
		return a.Update
	case OpDelete:
		return a.Delete
	}
	return false
}

type accessWire struct {
	Read      bool            `json:"read"`
	Create    bool            `json:"create,omitempty"`
	Update    bool            `json:"update,omitempty"`
	Delete    bool            `json:"delete,omitempty"`
	Territory json.RawMessage `json:"territory,omitempty"`
	Reason    string          `json:"reason,omitempty"`
}

// MarshalJSON writes the territory as a GeoJSON geometry.
func (a Access) MarshalJSON() ([]byte, error) {
	w := accessWire{Read: a.Read, Create: a.Create, Update: a.Update, Delete: a.Delete, Reason: a.Reason}
	if a.Territory != nil {
		g, err := marshalGeometry(a.Territory)
		if err != nil {
			return nil, err
		}
		w.Territory = g
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the territory from a GeoJSON geometry.
func (a *Access) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil
	}
	var w accessWire
	if err := json.Unmarshal(data, &w); err != nil {
		return asWire(err)
	}
	g, err := decodeGeometry(w.Territory)
	if err != nil {
		return within("territory", err)
	}
	*a = Access{Read: w.Read, Create: w.Create, Update: w.Update, Delete: w.Delete, Territory: g, Reason: w.Reason}
	return nil
}
