package report

import "errors"

// Errors callers tell apart with errors.Is, to explain them to the user.
var (
	// ErrZoneUnreadable is returned when the zone file cannot be read as
	// GeoJSON (or a Shapefile).
	ErrZoneUnreadable = errors.New("report: unreadable zone file")
	// ErrZoneEmpty is returned when the zone file holds no geometry.
	ErrZoneEmpty = errors.New("report: the zone file holds no geometry")
	// ErrZoneShape is returned, in a *ShapeError, when the zone is neither
	// polygons nor lines, or is a mix of both.
	ErrZoneShape = errors.New("report: the zone is neither a polygon nor a line")
	// ErrZoneDegenerate is returned for a polygon without area or a line
	// without length.
	ErrZoneDegenerate = errors.New("report: the zone has no area or no length")
	// ErrZoneCoordinates is returned when the zone's coordinates are not
	// longitudes and latitudes once reprojected, typically Lambert-93
	// metres in a file that does not say so.
	ErrZoneCoordinates = errors.New("report: the zone's coordinates are not longitude/latitude")
	// ErrZoneSRS is returned for a zone in a coordinate system Terrimap
	// cannot reproject.
	ErrZoneSRS = errors.New("report: unsupported coordinate system for the zone")

	// ErrNegativeBuffer is returned for a margin below 0 (or not a number).
	ErrNegativeBuffer = errors.New("report: negative buffer")
	// ErrNoWidth is returned for a route zone without a positive width.
	ErrNoWidth = errors.New("report: a line zone needs a width")
	// ErrZoneOutside is returned when the zone and its margin lie wholly
	// outside the extent of every layer of the workspace (a zone in the
	// territory where no network is known is not outside: nothing is found).
	ErrZoneOutside = errors.New("report: the zone is outside the workspace's data")
	// ErrNoNetworkLayer is returned when the workspace has no layer to search.
	ErrNoNetworkLayer = errors.New("report: the workspace has no network layer")
)
