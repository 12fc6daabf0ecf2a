#!/usr/bin/env python3
"""Writes demo.map (MapServer 8) and demo.xml (Mapnik 3) from one description
of what BenchmarkFrameCold1080p shows at zoom 14: the default styles of
assets/styles/*.json evaluated at zoom 14 (stops interpolated, minzoom rules
applied), layers in the styles' order, commune labels on top.

Usage: gen.py DATA.gpkg MINX MINY MAXX MAXY (EPSG:3857 outer pixel edges)."""
import sys
from xml.sax.saxutils import quoteattr

gpkg, minx, miny, maxx, maxy = sys.argv[1], *map(float, sys.argv[2:6])
W, H = 1920, 1080
here = sys.path[0]

def lines(colours, widths):
    """colours: {colour: [codes]} on field f; widths: [(lo, hi, w)] on diametre."""
    out = []
    for c, codes in colours.items():
        for lo, hi, w in widths:
            out.append(dict(codes=codes, lo=lo, hi=hi, stroke=c, width=w))
    return out

# Each layer: name, kind, base filter (codes on a field visible at z14),
# classes (filter + paint).
AEP_COL = {"#08306b": ["11", "12"], "#4a5a8c": ["01", "28"], "#1aa3e8": ["16", "17", "18"],
           "#3f48cc": ["24", "25", "26", "27"], "#00838f": ["02", "08", "10"], "#7b3fb0": ["19"],
           "#4f7fa8": ["03", "04", "05", "06"], "#8aa4b8": ["00", "99"]}
AEP_W = [(None, 63, 0.7), (63, 100, 1.125), (100, 150, 1.725), (150, 250, 2.425), (250, None, 3.15)]
ASS_COL = {"#8c3b0a": ["02"], "#3d8c40": ["01"], "#d9760f": ["03"]}
ASS_W = [(None, 200, 1.225), (200, 400, 1.9), (400, None, 2.6)]

LAYERS = [
    dict(name="zone_inondable", kind="polygon", field="alea", classes=[
        dict(codes=["faible"], fill="#a6dcd040"),
        dict(codes=["moyen"], fill="#5fb8b04a"),
        dict(codes=["fort"], fill="#2b8c9a55", stroke="#2b8c9a99", width=0.8)]),
    dict(name="communes", kind="polygon", classes=[
        dict(stroke="#6b6b6b", width=1.6, dash=[10, 3, 2, 3])]),
    dict(name="batiment", kind="polygon", classes=[
        dict(fill="#cab2d6bb", stroke="#6a3d9a", width=1)]),
    # Service connections (branchemnt = 'O') only show from zoom 15.5.
    dict(name="canalaep", kind="line", field="materiau", where=("branchemnt", "!=", "O"),
         classes=lines(AEP_COL, AEP_W)),
    dict(name="canalass", kind="line", field="typreseau", where=("branchemnt", "!=", "O"), dash=[6, 4],
         classes=lines(ASS_COL, ASS_W)),
    # Only works with a minzoom ≤ 14 show: pumping stations, treatment plants...
    dict(name="ouvrass", kind="point", field="fnouvass", classes=[
        dict(codes=["01"], fill="#8c3b0a", stroke="#ffffff", width=1.2, size=8),
        dict(codes=["02"], fill="#5c2a06", stroke="#ffffff", width=1.2, size=10.75),
        dict(codes=["03"], fill="#8c3b0a", stroke="#ffffff", width=1.2, size=9),
        dict(codes=["04"], fill="#d9760f", stroke="#5c2a06", width=1.2, size=9),
        dict(codes=["05"], fill="#8c3b0a", stroke="#ffffff", width=1.2, size=8)]),
    dict(name="ouvraep", kind="point", field="fnouvaep", classes=[
        dict(codes=["03"], fill="#2171b5", stroke="#ffffff", width=1.2, size=9.75),
        dict(codes=["04"], fill="#08306b", stroke="#ffffff", width=1.2, size=6),
        dict(codes=None, fill="#08306b", stroke="#ffffff", width=1.2, size=9.75)]),
    dict(name="pei", kind="point", field="disponible", classes=[
        dict(codes=[0], fill="#9e9e9e", stroke="#e31a1c", width=1.2, size=6.5),
        dict(codes=None, fill="#e31a1c", stroke="#ffffff", width=1.2, size=6.5)]),
    dict(name="interventions", kind="point", field="statut", classes=[
        dict(codes=["planifiee"], fill="#ffd0a0", stroke="#ff7f00", width=1, size=8),
        dict(codes=["en_cours"], fill="#ff7f00", stroke="#5a2d00", width=1, size=8),
        dict(codes=["terminee"], fill="#b8b8b8", stroke="#6b6b6b", width=1, size=8),
        dict(codes=None, fill="#ff7f00", stroke="#5a2d00", width=1, size=8)]),
]

def lit(v):
    return str(v) if isinstance(v, int) else "'%s'" % v

def cond(layer, cl, ms):
    """The class filter, in MapServer (ms) or Mapnik syntax."""
    # MapServer compares strings only with the attribute quoted too.
    att = lambda f, v: ("'[%s]'" if ms and isinstance(v, str) else "[%s]") % f
    parts = []
    if cl.get("codes") is not None:
        f = layer["field"]
        parts.append("(" + " OR ".join("%s = %s" % (att(f, c), lit(c)) for c in cl["codes"]) + ")")
    if "lo" in cl:
        if cl["lo"] is not None:
            parts.append("[diametre] >= %d" % cl["lo"])
        if cl["hi"] is not None:
            parts.append("[diametre] < %d" % cl["hi"])
    if layer.get("where"):
        f, op, v = layer["where"]
        parts.append("%s %s %s" % (att(f, v), op, lit(v)))
    s = " AND ".join(parts)
    if not ms:
        s = s.replace(" OR ", " or ").replace(" AND ", " and ")
    return s

def ms_colour(c):
    return '"%s"' % c

# ---------------------------------------------------------------- MapServer
half = (maxx - minx) / W / 2  # MapServer's EXTENT runs between pixel centres
out = ["MAP", '  NAME "terrimap_demo"', "  SIZE %d %d" % (W, H),
       "  EXTENT %.3f %.3f %.3f %.3f" % (minx + half, miny + half, maxx - half, maxy - half),
       "  UNITS METERS", '  FONTSET "%s/fonts.txt"' % here, "  IMAGETYPE png",
       '  PROJECTION "init=epsg:3857" END',
       "  OUTPUTFORMAT", '    NAME "png"', '    DRIVER "AGG/PNG"', '    MIMETYPE "image/png"',
       "    IMAGEMODE RGBA", "    TRANSPARENT ON", '    EXTENSION "png"',
       '    FORMATOPTION "COMPRESSION=1"', "  END",
       '  SYMBOL NAME "circle" TYPE ELLIPSE FILLED TRUE POINTS 1 1 END END']
for L in LAYERS:
    t = {"polygon": "POLYGON", "line": "LINE", "point": "POINT"}[L["kind"]]
    out += ["  LAYER", '    NAME "%s"' % L["name"], "    TYPE %s" % t, "    STATUS ON",
            "    CONNECTIONTYPE OGR", '    CONNECTION "%s"' % gpkg, '    DATA "%s"' % L["name"],
            '    PROJECTION "init=epsg:4326" END']
    if L["name"] == "communes":
        out += ['    LABELITEM "nom_officiel"']
    for cl in L["classes"]:
        out += ["    CLASS"]
        e = cond(L, cl, True)
        if e:
            out += ["      EXPRESSION (%s)" % e]
        if L["kind"] == "point":
            out += ['      STYLE SYMBOL "circle" SIZE %g COLOR %s OUTLINECOLOR %s WIDTH %g END'
                    % (cl["size"], ms_colour(cl["fill"]), ms_colour(cl["stroke"]), cl["width"])]
        else:
            if cl.get("fill"):
                out += ["      STYLE COLOR %s END" % ms_colour(cl["fill"])]
            if cl.get("stroke"):
                dash = cl.get("dash") or L.get("dash")
                st = "      STYLE OUTLINECOLOR %s WIDTH %g" if L["kind"] == "polygon" else "      STYLE COLOR %s WIDTH %g"
                st = st % (ms_colour(cl["stroke"]), cl["width"])
                if dash:
                    st += " LINECAP BUTT PATTERN %s END" % " ".join(map(str, dash))
                else:
                    st += " LINECAP ROUND LINEJOIN ROUND"
                out += [st + " END"]
        if L["name"] == "communes":
            out += ['      LABEL TYPE TRUETYPE FONT "bold" SIZE 13 COLOR "#3c3c3c" OUTLINECOLOR "#ffffffe6"',
                    '        OUTLINEWIDTH 2 POSITION CC PARTIALS FALSE MINDISTANCE 200 PRIORITY 8 END']
        out += ["    END"]
    out += ["  END"]
out += ["END", ""]
open(here + "/demo.map", "w").write("\n".join(out))

# ---------------------------------------------------------------- Mapnik
MERC = "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs"
LL = "+proj=longlat +datum=WGS84 +no_defs"
x = ['<?xml version="1.0" encoding="utf-8"?>',
     '<Map srs="%s" background-color="transparent" font-directory="/usr/share/fonts/truetype/dejavu">' % MERC]
def filt(L, cl):
    e = cond(L, cl, False)
    return "<Filter>%s</Filter>" % e.replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;") if e else ""
for L in LAYERS:
    x.append('<Style name="%s">' % L["name"])
    for i, cl in enumerate(L["classes"]):
        # A class without codes is the fallback: MapServer stops at the first
        # matching class; Mapnik's ElseFilter does the same.
        body = filt(L, cl) if (cl.get("codes") is not None or "lo" in cl or not L.get("field")) else "<ElseFilter/>"
        if L["kind"] == "point":
            sym = ('<MarkersSymbolizer marker-type="ellipse" width="%g" height="%g" fill="%s" stroke="%s" '
                   'stroke-width="%g" allow-overlap="true" ignore-placement="true"/>'
                   % (cl["size"], cl["size"], cl["fill"], cl["stroke"], cl["width"]))
        else:
            sym = ""
            if cl.get("fill"):
                sym += '<PolygonSymbolizer fill="%s"/>' % cl["fill"]
            if cl.get("stroke"):
                dash = cl.get("dash") or L.get("dash")
                d = ' stroke-dasharray="%s" stroke-linecap="butt"' % ",".join(map(str, dash)) if dash else ' stroke-linecap="round" stroke-linejoin="round"'
                sym += '<LineSymbolizer stroke="%s" stroke-width="%g"%s/>' % (cl["stroke"], cl["width"], d)
        x.append("  <Rule>%s%s</Rule>" % (body, sym))
    x.append("</Style>")
x.append('<Style name="communes_labels"><Rule><TextSymbolizer face-name="DejaVu Sans Bold" size="13" '
         'fill="#3c3c3c" halo-fill="#ffffffe6" halo-radius="1.6" placement="interior" '
         'minimum-distance="200">[nom_officiel]</TextSymbolizer></Rule></Style>')
for name in [L["name"] for L in LAYERS] + ["communes_labels"]:
    data = name.replace("_labels", "") if name == "communes_labels" else name
    x.append('<Layer name="%s" srs="%s"><StyleName>%s</StyleName><Datasource>'
             '<Parameter name="type">ogr</Parameter><Parameter name="file">%s</Parameter>'
             '<Parameter name="layer">%s</Parameter></Datasource></Layer>' % (name, LL, name, gpkg, data))
x += ["</Map>", ""]
open(here + "/demo.xml", "w").write("\n".join(x))
