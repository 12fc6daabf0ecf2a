package ogcserve

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// MapServer metadata the tests find in the capabilities.
const (
	MapServerTitle       = "Communes de Saône-et-Loire (MapServer)"
	MapServerProvider    = "Communauté de communes du Mâconnais-Tournugeois"
	MapServerAttribution = "IGN – ADMIN EXPRESS COG 2018, Licence Ouverte"
)

// The colours MapServer draws the communes with, for tests that look at
// its images: a yellow fill, a red outline.
var (
	MapServerFill    = [3]uint8{255, 204, 0}
	MapServerOutline = [3]uint8{200, 0, 0}
)

// mapfileTemplate publishes one GeoPackage layer as WMS (1.3.0 and 1.1.1,
// EPSG:4326, 3857 and 2154) and WFS 2.0 (GML 3.2 and GeoJSON); the %[n]s
// are: 1 the endpoint, 2 the GeoPackage, 3 the layer, 4 the title,
// 5 the provider, 6 the attribution, 7 the fill, 8 the outline (as
// "R G B").
const mapfileTemplate = `MAP
  NAME "communes"
  EXTENT -180 -90 180 90
  SIZE 256 256
  UNITS DD
  PROJECTION "init=epsg:4326" END
  IMAGECOLOR 255 255 255
  OUTPUTFORMAT
    NAME "png"
    DRIVER AGG/PNG
    MIMETYPE "image/png"
    IMAGEMODE RGBA
    EXTENSION "png"
    TRANSPARENT ON
  END
  OUTPUTFORMAT
    NAME "geojson"
    DRIVER "OGR/GEOJSON"
    MIMETYPE "application/json; subtype=geojson"
    FORMATOPTION "STORAGE=stream"
    FORMATOPTION "FORM=SIMPLE"
  END
  WEB
    METADATA
      "ows_title" "%[4]s"
      "ows_abstract" "Limites communales servies par MapServer pour les tests de Terrimap."
      "ows_onlineresource" "%[1]s?"
      "ows_srs" "EPSG:4326 EPSG:3857 EPSG:2154"
      "ows_enable_request" "*"
      "ows_contactorganization" "%[5]s"
      "ows_accessconstraints" "Licence Ouverte"
      "wms_encoding" "UTF-8"
      "wfs_encoding" "UTF-8"
      "wfs_getfeature_formatlist" "geojson"
    END
  END
  LAYER
    NAME "%[3]s"
    TYPE POLYGON
    STATUS ON
    CONNECTIONTYPE OGR
    CONNECTION "%[2]s"
    DATA "%[3]s"
    PROJECTION "init=epsg:4326" END
    METADATA
      "ows_title" "%[4]s"
      "ows_attribution_title" "%[6]s"
      "gml_include_items" "all"
      "gml_types" "auto"
      "gml_featureid" "code"
      "wfs_getfeature_formatlist" "geojson"
    END
    CLASS
      STYLE COLOR %[7]s END
      STYLE OUTLINECOLOR %[8]s WIDTH 2 END
    END
  END
END
`

// lighttpdTemplate runs mapserv as CGI at /cgi-bin/mapserv, the mapfile
// given by MS_MAPFILE (no map= in the addresses); %[n]s: 1 the folder,
// 2 the port, 3 mapserv, 4 the mapfile, 5 MapServer's configuration.
const lighttpdTemplate = `server.document-root = "%[1]s"
server.port = %[2]s
server.bind = "127.0.0.1"
server.modules = ("mod_alias", "mod_cgi", "mod_setenv")
server.errorlog = "%[1]s/lighttpd-error.log"
alias.url = ("/cgi-bin/mapserv" => "%[3]s")
cgi.assign = ("" => "")
setenv.add-environment = ("MS_MAPFILE" => "%[4]s", "MAPSERVER_CONFIG_FILE" => "%[5]s")
`

// mapserverConfig is MapServer 8's configuration file: mapfiles only from
// the test's folder.
const mapserverConfig = `CONFIG
  ENV
    MS_MAP_PATTERN "^%s/"
  END
END
`

const (
	mapservPath  = "/usr/bin/mapserv"
	lighttpdPath = "/usr/sbin/lighttpd"
)

// MapServer starts MapServer 8 (Debian's cgi-mapserver) as CGI under
// lighttpd on a free loopback port, with a mapfile that publishes layer of
// gpkg as WMS and WFS 2.0 at …/cgi-bin/mapserv. MapServer reads gpkg at
// each request.
func MapServer(tb testing.TB, gpkg, layer string) *Server {
	tb.Helper()
	needProgram(tb, mapservPath, "cgi-mapserver")
	needProgram(tb, lighttpdPath, "lighttpd")
	for _, s := range []string{gpkg, layer} {
		if strings.ContainsAny(s, "\"\n") {
			tb.Fatalf("ogcserve: %q cannot go in a mapfile", s)
		}
	}
	dir := tb.TempDir()
	port := FreePort(tb)
	s := &Server{Base: "http://127.0.0.1:" + strconv.Itoa(port), Layer: layer}
	s.WMS = s.Base + "/cgi-bin/mapserv"
	s.WFS = s.WMS
	rgb := func(c [3]uint8) string { return fmt.Sprintf("%d %d %d", c[0], c[1], c[2]) }
	mapfile := filepath.Join(dir, "communes.map")
	config := filepath.Join(dir, "mapserver.conf")
	lconf := filepath.Join(dir, "lighttpd.conf")
	for path, text := range map[string]string{
		mapfile: fmt.Sprintf(mapfileTemplate, s.WMS, gpkg, layer, MapServerTitle, MapServerProvider,
			MapServerAttribution, rgb(MapServerFill), rgb(MapServerOutline)),
		config: fmt.Sprintf(mapserverConfig, dir),
		lconf:  fmt.Sprintf(lighttpdTemplate, dir, strconv.Itoa(port), mapservPath, mapfile, config),
	} {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			tb.Fatalf("ogcserve: %v", err)
		}
	}
	log, err := os.Create(filepath.Join(dir, "lighttpd.log"))
	if err != nil {
		tb.Fatalf("ogcserve: %v", err)
	}
	tb.Cleanup(func() { log.Close() })
	// -D: in the foreground, so that its process id is the server's.
	cmd := exec.Command(lighttpdPath, "-D", "-f", lconf)
	cmd.Dir = dir
	s.start(tb, cmd, s.WMS+"?SERVICE=WMS&REQUEST=GetCapabilities", log)
	return s
}
