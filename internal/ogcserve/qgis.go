package ogcserve

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// qgisProjectScript writes a QGIS project publishing one GeoPackage layer
// as WFS, OGC API – Features (WFS3) and WMS; argv: gpkg, layer, title,
// abstract, project path.
const qgisProjectScript = `
import sys
from qgis.core import QgsApplication, QgsProject, QgsVectorLayer, QgsCoordinateReferenceSystem
gpkg, layer, title, abstract, out = sys.argv[1:6]
app = QgsApplication([], False)
app.initQgis()
p = QgsProject.instance()
l = QgsVectorLayer(gpkg + "|layername=" + layer, layer, "ogr")
if not l.isValid():
    sys.exit("ogcserve: QGIS cannot open " + gpkg + " layer " + layer)
l.setTitle(title)
l.setAbstract(abstract)
p.addMapLayer(l)
p.setCrs(QgsCoordinateReferenceSystem("EPSG:2154"))
p.setTitle(title)
p.writeEntry("WFSLayers", "/", [l.id()])
p.writeEntry("WFSLayersPrecision", "/" + l.id(), 8)
p.writeEntry("WMSServiceCapabilities", "/", True)
p.writeEntry("WMSServiceTitle", "/", title)
p.writeEntry("WMSCrsList", "/", ["EPSG:2154", "EPSG:4326", "EPSG:3857"])
ext = l.extent()
p.writeEntry("WMSExtent", "/", [repr(ext.xMinimum()), repr(ext.yMinimum()), repr(ext.xMaximum()), repr(ext.yMaximum())])
if not p.write(out):
    sys.exit("ogcserve: cannot write " + out)
app.exitQgis()
`

// QGIS layer metadata the tests find in the capabilities.
const (
	QGISTitle    = "Communes de Saône-et-Loire"
	QGISAbstract = "Limites communales (IGN ADMIN EXPRESS COG 2018, Licence Ouverte), servies par QGIS Server pour les tests."
)

// QGIS starts QGIS Server (qgis_mapserver, the development server of
// Debian's qgis-server) on a free loopback port, with a project written
// by PyQGIS that publishes layer of gpkg as WFS (…/ows/, versions 1.1.0
// and 1.0.0: QGIS Server 3.22 has no WFS 2.0), OGC API – Features
// (…/wfs3) and WMS (…/ows/). The server reads gpkg at each request: a
// change to the file shows at the next one.
func QGIS(tb testing.TB, gpkg, layer string) *Server {
	tb.Helper()
	needProgram(tb, "/usr/bin/qgis_mapserver", "qgis-server")
	dir := tb.TempDir()
	project := filepath.Join(dir, "project.qgs")
	script := filepath.Join(dir, "project.py")
	if err := os.WriteFile(script, []byte(qgisProjectScript), 0o644); err != nil {
		tb.Fatalf("ogcserve: %v", err)
	}
	py := exec.Command("/usr/bin/python3", script, gpkg, layer, QGISTitle, QGISAbstract, project)
	py.Env = qgisEnv(dir)
	if out, err := py.CombinedOutput(); err != nil {
		tb.Fatalf("ogcserve: writing the QGIS project with PyQGIS (python3-qgis): %v\n%s", err, out)
	}
	port := FreePort(tb)
	s := &Server{Base: "http://127.0.0.1:" + strconv.Itoa(port), Layer: layer}
	s.WFS = s.Base + "/ows/"
	s.WMS = s.Base + "/ows/"
	s.OGCAPI = s.Base + "/wfs3"
	log, err := os.Create(filepath.Join(dir, "qgis_mapserver.log"))
	if err != nil {
		tb.Fatalf("ogcserve: %v", err)
	}
	tb.Cleanup(func() { log.Close() })
	cmd := exec.Command("/usr/bin/qgis_mapserver", "-p", project, fmt.Sprintf("127.0.0.1:%d", port))
	cmd.Env = qgisEnv(dir)
	cmd.Dir = dir
	s.start(tb, cmd, s.WFS+"?SERVICE=WFS&REQUEST=GetCapabilities", log)
	return s
}

// qgisEnv runs QGIS without a display, its settings in dir.
func qgisEnv(dir string) []string {
	return append(os.Environ(),
		"QT_QPA_PLATFORM=offscreen",
		"XDG_RUNTIME_DIR="+dir,
		"HOME="+dir,
		"QGIS_SERVER_LOG_STDERR=1",
		"QGIS_SERVER_LOG_LEVEL=2",
	)
}
