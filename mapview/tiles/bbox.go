package tiles

import (
	"strconv"
	"strings"

	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/project"
)

// The bounding-box placeholders of a WMS GetMap template: a tile's bounds
// as minx,miny,maxx,maxy in the order the request's CRS and version want.
const (
	// bboxMercator is in EPSG:3857 metres (WMS 1.1.1 and 1.3.0 alike).
	bboxMercator = "{bbox}"
	// bboxLonLat is in degrees, longitude first: EPSG:4326 in WMS 1.1.1,
	// CRS:84 in 1.3.0.
	bboxLonLat = "{bbox-lonlat}"
	// bboxLatLon is in degrees, latitude first: EPSG:4326 in WMS 1.3.0,
	// whose axis order is the EPSG registry's.
	bboxLatLon = "{bbox-latlon}"
)

// BBoxPlaceholder returns the placeholder of a GetMap template giving a
// tile's bounds in crs for WMS version (1.1.1 or 1.3.0), and false for a
// CRS a tile cannot be asked in: EPSG:3857 and its aliases, EPSG:4326 and
// CRS:84.
func BBoxPlaceholder(crs, version string) (string, bool) {
	switch strings.ToUpper(strings.TrimSpace(crs)) {
	case "EPSG:3857", "EPSG:900913", "EPSG:102100", "EPSG:102113", "EPSG:3785":
		return bboxMercator, true
	case "CRS:84":
		return bboxLonLat, true
	case "EPSG:4326":
		if version == "1.3.0" {
			return bboxLatLon, true
		}
		return bboxLonLat, true
	}
	return "", false
}

// tileBBox formats t's bounds as placeholder p wants them.
func tileBBox(t maptile.Tile, p string) string {
	b := t.Bound() // longitude, latitude
	var v [4]float64
	switch p {
	case bboxMercator:
		lo, hi := project.WGS84.ToMercator(b.Min), project.WGS84.ToMercator(b.Max)
		v = [4]float64{lo[0], lo[1], hi[0], hi[1]}
	case bboxLonLat:
		v = [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}
	case bboxLatLon:
		v = [4]float64{b.Min[1], b.Min[0], b.Max[1], b.Max[0]}
	}
	parts := make([]string, 4)
	for i, f := range v {
		parts[i] = strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strings.Join(parts, ",")
}
