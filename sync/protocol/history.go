package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/paulmach/orb"
)

// HistoryResponse is the answer to GET HistoryPath(id): every version of a
// feature, oldest first.
type HistoryResponse struct {
	Versions []Version `json:"versions"`
}

// Validate checks each version is well formed and versions increase.
func (r HistoryResponse) Validate() error {
	last := int64(0)
	for i, v := range r.Versions {
		switch {
		case v.Version <= last:
			return malformed("versions[%d]: version %d does not follow %d", i, v.Version, last)
		case v.Seq <= 0:
			return malformed("versions[%d]: seq %d is not positive", i, v.Seq)
		case !v.Op.Valid():
			return malformed("versions[%d]: op %q is not create, update or delete", i, v.Op)
		}
		if err := checkProperties(v.Properties); err != nil {
			return within(fmt.Sprintf("versions[%d]", i), err)
		}
		last = v.Version
	}
	return nil
}

// UnmarshalJSON reads the versions, naming the one at fault in errors.
func (r *HistoryResponse) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil
	}
	var w struct {
		Versions []json.RawMessage `json:"versions"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return asWire(err)
	}
	versions, err := unmarshalEach[Version](w.Versions, "versions")
	if err != nil {
		return err
	}
	*r = HistoryResponse{Versions: versions}
	return nil
}

// Version is one version of a feature, as the platform keeps it.
type Version struct {
	// Version is the feature's version number, from 1.
	Version int64
	// Seq is the version's position in the change feed.
	Seq int64
	// Op is the kind of change that made the version (a merge is an update).
	Op Op
	// Author is the user name of who made it.
	Author string
	// At is when the platform recorded it.
	At time.Time
	// Changed names the fields changed from the previous version,
	// GeometryField for the geometry, sorted.
	Changed []string
	// Geometry is the feature's geometry at this version; nil after a delete.
	Geometry orb.Geometry
	// Properties are the feature's properties at this version (all of them);
	// nil after a delete. Numbers are json.Number when read.
	Properties map[string]any
}

type versionWire struct {
	Version    int64           `json:"version"`
	Seq        int64           `json:"seq"`
	Op         Op              `json:"op"`
	Author     string          `json:"author,omitempty"`
	At         time.Time       `json:"at,omitzero"`
	Changed    []string        `json:"changed,omitempty"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
}

// MarshalJSON writes the geometry as a GeoJSON geometry.
func (v Version) MarshalJSON() ([]byte, error) {
	w := versionWire{Version: v.Version, Seq: v.Seq, Op: v.Op, Author: v.Author, At: v.At, Changed: v.Changed}
	var err error
	if w.Geometry, err = marshalGeometry(v.Geometry); err != nil {
		return nil, err
	}
	if w.Properties, err = json.Marshal(v.Properties); err != nil {
		return nil, err
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads a version written by MarshalJSON.
func (v *Version) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		return nil
	}
	if b := firstByte(data); b != '{' {
		return malformed("a version must be an object, not %s", jsonKind(b))
	}
	var w versionWire
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&w); err != nil {
		return asWire(err)
	}
	g, err := decodeGeometry(w.Geometry)
	if err != nil {
		return within("geometry", err)
	}
	props, err := decodeProperties(w.Properties)
	if err != nil {
		return err
	}
	*v = Version{Version: w.Version, Seq: w.Seq, Op: w.Op, Author: w.Author, At: w.At, Changed: w.Changed,
		Geometry: g, Properties: props}
	return nil
}
