package srs

import "fmt"

// esriWKT are the .prj contents of the systems Terrimap writes Shapefiles
// in, in the ESRI dialect of WKT that ArcGIS, QGIS and GDAL read.
var esriWKT = map[int]string{
	WGS84: `GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]`,
	Lambert93: `PROJCS["RGF_1993_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],` +
		`PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],` +
		`PARAMETER["Standard_Parallel_1",49.0],PARAMETER["Standard_Parallel_2",44.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]`,
}

// PRJ returns the content of a Shapefile's .prj for the system code
// (EPSG:4326 or EPSG:2154), or ErrUnsupportedSRS.
func PRJ(code int) (string, error) {
	if w, ok := esriWKT[code]; ok {
		return w, nil
	}
	return "", fmt.Errorf("%w: no .prj for EPSG:%d", ErrUnsupportedSRS, code)
}
