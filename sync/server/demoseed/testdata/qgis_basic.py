"""Opens the platform's OGC API - Features in PyQGIS (QGIS 3.22's OAPIF
provider) with Basic authentication configurations, as a GIS technician
would in QGIS, and prints what QGIS got as one line of JSON.

Usage: python3 qgis_basic.py SPEC.json, where SPEC holds
  ogc       the URL of /ogc
  master    the master password of the QGIS authentication database
            (in $QGIS_AUTH_DB_DIR_PATH)
  layers    every layer of the platform
  accounts  [{user, password}]: for each, one Basic configuration, the
            collections list, and every layer opened and read whole
  wrong     {user, password, tries}: a configuration with a wrong password,
            sent tries times, then a layer opened with it
Written by sync/server/demoseed's TestQGISOpensThePlatformWithBasicAuth,
which compares the output with the platform's own counts.
"""
import json
import sys

from qgis.core import (QgsApplication, QgsAuthMethodConfig,
                       QgsBlockingNetworkRequest, QgsVectorDataProvider,
                       QgsVectorLayer)
from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtNetwork import QNetworkRequest

EDITING = (QgsVectorDataProvider.AddFeatures
           | QgsVectorDataProvider.ChangeAttributeValues
           | QgsVectorDataProvider.DeleteFeatures)


def basic_config(manager, user, password):
    """Stores a Basic authentication configuration; returns its id."""
    cfg = QgsAuthMethodConfig()
    cfg.setName("Terrimap " + user)
    cfg.setMethod("Basic")
    cfg.setConfig("username", user)
    cfg.setConfig("password", password)
    stored = manager.storeAuthenticationConfig(cfg)
    if not (stored[0] if isinstance(stored, tuple) else stored):
        sys.exit("qgis_basic: cannot store the configuration of " + user)
    return cfg.id()


def get(url, authcfg):
    """GETs url through QGIS's network manager; returns status and body."""
    req = QgsBlockingNetworkRequest()
    req.setAuthCfg(authcfg)
    qreq = QNetworkRequest(QUrl(url))
    qreq.setRawHeader(b"Accept", b"application/json")
    req.get(qreq)
    reply = req.reply()
    status = reply.attribute(QNetworkRequest.HttpStatusCodeAttribute)
    return int(status or 0), bytes(reply.content())


def read_layer(ogc, name, authcfg):
    """Opens a layer with the OAPIF provider and reads every feature."""
    uri = "url='%s' typename='%s' authcfg='%s'" % (ogc, name, authcfg)
    layer = QgsVectorLayer(uri, name, "OAPIF")
    out = {"valid": layer.isValid()}
    if not layer.isValid():
        return out
    ids, features, geometries = set(), 0, 0
    for f in layer.getFeatures():
        features += 1
        ids.add(f["id"])
        if f.hasGeometry():
            geometries += 1
    caps = layer.dataProvider().capabilities()
    out.update(features=features, ids=len(ids), geometries=geometries,
               editable=bool(caps & EDITING))
    return out


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    app = QgsApplication([], False)
    app.initQgis()
    manager = QgsApplication.authManager()
    if not manager.setMasterPassword(spec["master"], True):
        sys.exit("qgis_basic: the master password is refused")
    ogc = spec["ogc"]
    result = {"accounts": {}}
    for account in spec["accounts"]:
        authcfg = basic_config(manager, account["user"], account["password"])
        status, body = get(ogc + "/collections", authcfg)
        seen = {"collections_status": status, "collections": [], "layers": {}}
        if status == 200:
            seen["collections"] = [c["id"] for c in json.loads(body)["collections"]]
        for name in spec["layers"]:
            layer = read_layer(ogc, name, authcfg)
            layer["items_status"], _ = get(
                ogc + "/collections/" + name + "/items?limit=1", authcfg)
            seen["layers"][name] = layer
        result["accounts"][account["user"]] = seen
    wrong = spec["wrong"]
    authcfg = basic_config(manager, wrong["user"], wrong["password"])
    statuses = [get(ogc + "/collections", authcfg)[0] for _ in range(wrong["tries"])]
    result["wrong"] = {"statuses": statuses,
                       "layer_valid": read_layer(ogc, spec["layers"][0], authcfg)["valid"]}
    print(json.dumps(result))
    app.exitQgis()


main()
