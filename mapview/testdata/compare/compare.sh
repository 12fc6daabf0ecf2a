#!/bin/sh
# Renders the BenchmarkFrameCold1080p frame (Tournus, zoom 14, 1920×1080)
# with terrimap, Mapnik and MapServer on the same GeoPackage and prints the
# medians. Installs nothing: see README.md for the packages it needs.
# Usage (from anywhere): mapview/testdata/compare/compare.sh [N]
set -eu
N=${1:-20}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${TMPDIR:-/tmp}
PY=/usr/bin/python3 # Debian's python: python3-mapnik and python3-mapscript live there
missing=
for t in go map2img hyperfine $PY; do command -v "$t" >/dev/null || missing="$missing $t"; done
$PY -c 'import mapnik' 2>/dev/null || missing="$missing python3-mapnik"
$PY -c 'import mapscript' 2>/dev/null || missing="$missing python3-mapscript"
if [ -n "$missing" ]; then
	echo "missing:$missing (apt-get install --no-install-recommends mapserver-bin python3-mapscript python3-mapnik mapnik-utils hyperfine)" >&2
	exit 1
fi
cd "$root"
# The data: the benchmark's demo workspace, a GeoPackage (EPSG:4326).
go test ./mapview -run '^$' -bench 'FrameCold1080p$' -benchtime 1x >/dev/null
cp "$out/terrimap-mapview-v1-demo.gpkg" "$out/cmp-demo.gpkg"
bound=$(go run ./mapview/testdata/compare/bound | head -1)
# shellcheck disable=SC2086
$PY "$here/gen.py" "$out/cmp-demo.gpkg" $bound
# Each benchmark line gives the median elapsed time of its frames
# (median-ms) and their mean CPU time on all threads (cpu-ms/op).
runs='/^Benchmark/ {
	for (i = 2; i < NF; i++) {
		if ($(i + 1) == "median-ms") m = m " " $i
		if ($(i + 1) == "cpu-ms/op") c = c " " $i
	}
}
END { print "  median-ms of each run:" m; if (c != "") print "  cpu-ms/op of each run:" c }'
echo "== terrimap BenchmarkFrameCold1080p (first frame: new renderer and tile cache, nothing cached; tiles drawn on both cores)"
go test ./mapview -run '^$' -bench 'FrameCold1080p$' -count 5 | awk "$runs"
echo "== terrimap BenchmarkFrameNewZoom1080p (tiles cold, features read before by a frame at zoom 13.5)"
go test ./mapview -run '^$' -bench 'FrameNewZoom1080p$' -count 5 | awk "$runs"
go run ./mapview/testdata/compare/render -n "$N" -o "$out/cmp-terrimap.png" "$out/cmp-demo.gpkg"
echo "== Mapnik (in process)"
# shellcheck disable=SC2086
$PY "$here/mapnik_bench.py" "$here/demo.xml" "$N" "$out/cmp-mapnik.png" $bound
echo "== MapServer (in process, MapScript)"
$PY "$here/mapserver_bench.py" "$here/demo.map" "$N" "$out/cmp-mapserver-mapscript.png"
echo "== MapServer (map2img CLI, start-up and PNG encoding included; empty map = start-up)"
cd "$here"
hyperfine -N -w 2 -r "$N" --export-json "$out/cmp-hyperfine.json" \
	"map2img -m demo.map -o $out/cmp-mapserver.png" "map2img -m empty.map -o $out/cmp-empty.png" >/dev/null
$PY -c 'import json, sys
r = [x["median"] * 1000 for x in json.load(open(sys.argv[1]))["results"]]
print("map2img median %.1f ms, empty map %.1f ms, difference %.1f ms" % (r[0], r[1], r[0] - r[1]))' "$out/cmp-hyperfine.json"
echo "images: $out/cmp-terrimap.png $out/cmp-mapnik.png $out/cmp-mapserver.png"
