"""Edits the hydrants of a Terrimap platform as a GIS technician does in QGIS:
through QGIS's own PostgreSQL provider, in one edit session committed at the
end (the layer's edit buffer, as the «Toggle editing» / «Save» buttons do).

Usage: python3 qgis_edit.py '<json config>'; prints a JSON report on stdout.
The config names the database (host = Unix socket folder, port, dbname,
user) and the edits: {"set_debit": [numero, value], "move": [numero, x, y],
"add": {numero, type_pei, x, y}, "delete": numero}.
"""
import json
import sys

from qgis.core import (QgsApplication, QgsDataSourceUri, QgsFeature,
                       QgsGeometry, QgsPointXY, QgsVectorLayer)


def main():
    cfg = json.loads(sys.argv[1])
    app = QgsApplication([], False)
    app.initQgis()
    try:
        return edit(cfg)
    finally:
        app.exitQgis()


def edit(cfg):
    uri = QgsDataSourceUri()
    uri.setConnection(cfg["host"], str(cfg["port"]), cfg["dbname"], cfg["user"], "")
    uri.setDataSource("reseaux", "pei", "geom", "", "uuid")
    layer = QgsVectorLayer(uri.uri(False), "pei", "postgres")
    if not layer.isValid():
        print(json.dumps({"error": "layer not valid: " + layer.error().summary()}))
        return 2
    report = {
        "fields": {f.name(): f.typeName() for f in layer.fields()},
        "crs": layer.crs().authid(),
        "geometry": layer.wkbType(),
        "count_before": layer.featureCount(),
    }
    by_number = {f["numero"]: f for f in layer.getFeatures()}
    if not layer.startEditing():
        print(json.dumps({"error": "cannot start editing"}))
        return 2
    numero, value = cfg["set_debit"]
    layer.changeAttributeValue(by_number[numero].id(), layer.fields().indexOf("debit"), value)
    numero, x, y = cfg["move"]
    layer.changeGeometry(by_number[numero].id(), QgsGeometry.fromPointXY(QgsPointXY(x, y)))
    add = cfg["add"]
    f = QgsFeature(layer.fields())
    for name in ("numero", "type_pei"):
        f.setAttribute(name, add[name])
    f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(add["x"], add["y"])))
    layer.addFeature(f)
    layer.deleteFeature(by_number[cfg["delete"]].id())
    report["committed"] = layer.commitChanges()
    report["errors"] = layer.commitErrors()
    report["count_after"] = layer.featureCount()
    print(json.dumps(report))
    return 0 if report["committed"] else 1


if __name__ == "__main__":
    sys.exit(main())
