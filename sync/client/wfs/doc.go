// Package wfs reads OGC Web Feature Services (WFS 2.0, 1.1 and 1.0: what
// GeoServer, QGIS Server and MapServer speak): the capabilities document,
// a feature type's schema from DescribeFeatureType, and its features from
// GetFeature, paged with STARTINDEX/COUNT where the server implements
// result paging, as GeoJSON where the server offers it and as GML
// otherwise (a streaming reader of the simple-features profile: points,
// lines, polygons and their multi-geometries, GML 2, 3.1 and 3.2).
//
// Coordinates come out in longitude/latitude (EPSG:4326 in GeoJSON's
// order) whatever the server answers in: urn:ogc:def:crs:EPSG::4326 and
// its http://www.opengis.net/def/crs/ form are latitude first, as the
// EPSG registry says; Lambert-93 (EPSG:2154) and the other systems of
// store/srs are reprojected.
//
// Nothing here panics on a server's answer; errors start with "wfs:".
package wfs
