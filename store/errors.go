package store

import "errors"

// Sentinel errors callers tell apart with errors.Is.
var (
	// ErrNotGeoPackage is returned when a file is not a GeoPackage Terrimap can use.
	ErrNotGeoPackage = errors.New("store: not a GeoPackage")
	// ErrMBTiles is returned when the file is an MBTiles tile set, not a workspace.
	ErrMBTiles = errors.New("store: an MBTiles tile set, not a GeoPackage workspace")
	// ErrCorrupt is returned when the file is damaged or truncated.
	ErrCorrupt = errors.New("store: damaged or truncated file")
	// ErrNoLayers is returned when a GeoPackage has no vector layer to work with.
	ErrNoLayers = errors.New("store: the GeoPackage has no vector layer")
	// ErrExists is returned when creating a workspace over an existing file.
	ErrExists = errors.New("store: file already exists")
	// ErrLayerNotFound is returned for an unknown layer name.
	ErrLayerNotFound = errors.New("store: no such layer")
	// ErrLayerExists is returned when creating a layer whose name is taken.
	ErrLayerExists = errors.New("store: layer already exists")
	// ErrReadOnly is returned when writing to a read-only layer or workspace.
	ErrReadOnly = errors.New("store: read-only")
	// ErrFeatureNotFound is returned for an unknown feature UUID.
	ErrFeatureNotFound = errors.New("store: no such feature")
	// ErrFeatureExists is returned when creating a feature whose UUID is taken.
	ErrFeatureExists = errors.New("store: feature already exists")
	// ErrInvalidGeometry is returned for a geometry that does not fit its layer.
	ErrInvalidGeometry = errors.New("store: invalid geometry")
	// ErrPendingEdits is returned when a remote change would overwrite a
	// feature that still has local edits waiting to be sent.
	ErrPendingEdits = errors.New("store: feature has pending local edits")
	// ErrInvalidProperties is returned (wrapped in a *ValidationError) when
	// properties do not fit the layer schema.
	ErrInvalidProperties = errors.New("store: invalid properties")
)
