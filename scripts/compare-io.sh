#!/bin/sh
# Times Terrimap's imports and exports side by side with GDAL's ogr2ogr
# (issue 18), whole processes, with hyperfine, and prints the medians, the
# ratios, each one's peak RSS (GNU time, one run each) and the issue's
# targets, ✓ or ✗. The files are generated (tools/iogen, seeded): 100,000
# points with 5 fields as GeoJSON (~23 MB) and, made from it by ogr2ogr,
# as Shapefile, CSV and GeoPackage; 1,000,000 points; a GeoJSON of about
# 1 GB (4.5 million points); a surveyor's DXF plan of 10,000 entities in
# Lambert-93 in Tournus.
#
# Usage (from anywhere): scripts/compare-io.sh   (make compare-io)
#   TERRIMAP_BIN=/path/terrimap  time that binary (default: bin/terrimap, built)
#   COMPARE_IO_BIG=0             leave out the 1 GB GeoJSON
#   COMPARE_IO_RUNS=5            hyperfine runs (after 1 warm-up) of each row
#   COMPARE_IO_OUT=FILE          also write the table (markdown) to FILE
#   COMPARE_IO_KEEP=1            keep the temporary directory
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
runs=${COMPARE_IO_RUNS:-5}
big=${COMPARE_IO_BIG:-1}
missing=
for t in go hyperfine ogr2ogr ogrinfo jq /usr/bin/time; do command -v "$t" >/dev/null || missing="$missing $t"; done
if [ -n "$missing" ]; then
	echo "missing:$missing (make compare-io installs hyperfine, gdal-bin, jq and time)" >&2
	exit 1
fi
if [ -z "${TERRIMAP_BIN:-}" ]; then
	mkdir -p bin
	go build -o bin/terrimap ./cmd/terrimap
	TERRIMAP_BIN=$root/bin/terrimap
fi
T=$TERRIMAP_BIN
d=$(mktemp -d "${TMPDIR:-/tmp}/compare-io.XXXXXX")
if [ "${COMPARE_IO_KEEP:-0}" != 1 ]; then trap 'rm -rf "$d"' EXIT; fi
table=$d/table.md
targets=$d/targets.md

echo "== Terrimap: $T"
echo "== ogr2ogr: $(ogr2ogr --version)"
echo "== load at the start:$(uptime | sed 's/.*load average/ load average/')"
echo "== generating the files in $d"
go build -o "$d/iogen" ./tools/iogen
"$d/iogen" points -n 100000 -seed 1 -o "$d/points.geojson"
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$d/points.shp" "$d/points.geojson"
ogr2ogr -f CSV -lco GEOMETRY=AS_XY "$d/points.csv" "$d/points.geojson"
ogr2ogr -f GPKG "$d/points.gpkg" "$d/points.geojson"
"$d/iogen" points -n 1000000 -seed 2 -o "$d/million.geojson"
"$d/iogen" mains -n 20 -seed 3 -o "$d/mains.geojson"
"$d/iogen" dxf -n 10000 -seed 4 -o "$d/plan.dxf"
# The workspace exports read, and the one a DXF plan goes into (its line
# layer and its territory).
"$T" import --workspace "$d/ws.gpkg" --layer points "$d/points.geojson" >/dev/null
"$T" import --workspace "$d/dxfbase.gpkg" --layer conduites "$d/mains.geojson" >/dev/null
ls -l "$d" | awk 'NR > 1 { printf "   %-20s %6.1f MB\n", $NF, $5 / 1e6 }'

printf '| command | Terrimap | ogr2ogr | ratio | Terrimap CPU | ogr2ogr CPU | Terrimap peak RSS | ogr2ogr peak RSS |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n' >"$table"
: >"$targets"

# rss CMD: the peak RSS of one run of CMD, in MB.
rss() {
	eval "/usr/bin/time -f %M -o \"$d/rss\" $1" >/dev/null 2>"$d/rss.err" || {
		cat "$d/rss.err" >&2
		exit 1
	}
	awk '{ printf "%.0f", $1 / 1024 }' "$d/rss"
}

# row NAME PREPARE TERRIMAP_CMD OGR2OGR_CMD [WARMUP RUNS]: times both
# commands with hyperfine (PREPARE before each run), measures their peak
# RSS, adds the row to the table and sets $tmed (Terrimap's median, s) and
# $ratio. The CPU columns are the mean user + system time of the runs: on a
# loaded machine, steadier than the elapsed time.
row() {
	echo "== $1"
	hyperfine -w "${5:-1}" -r "${6:-$runs}" --prepare "$2" --export-json "$d/h.json" \
		-n terrimap "$3" -n ogr2ogr "$4" >"$d/h.log" 2>&1 || {
		cat "$d/h.log" >&2
		exit 1
	}
	tmed=$(jq '.results[0].median' "$d/h.json")
	omed=$(jq '.results[1].median' "$d/h.json")
	tcpu=$(jq '.results[0].user + .results[0].system' "$d/h.json")
	ocpu=$(jq '.results[1].user + .results[1].system' "$d/h.json")
	ratio=$(echo "$tmed $omed" | awk '{ printf "%.2f", $1 / $2 }')
	sh -c "$2"
	trss=$(rss "$3")
	sh -c "$2"
	orss=$(rss "$4")
	line=$(echo "$tmed $omed $tcpu $ocpu" | awk -v n="$1" -v r="$ratio" -v tr="$trss" -v or="$orss" \
		'{ printf "| %s | %.2f s | %.2f s | %s× | %.2f s | %.2f s | %s MB | %s MB |", n, $1, $2, r, $3, $4, tr, or }')
	echo "$line" | tee -a "$table"
}

# target TEXT OK: adds a target line, ✓ when OK is 1.
target() {
	mark="✗"
	if [ "$2" = 1 ]; then mark="✓"; fi
	echo "- $mark $1" >>"$targets"
}

# atmost A B: 1 when A ≤ B.
atmost() { echo "$1 $2" | awk '{ print ($1 <= $2) ? 1 : 0 }'; }

clean="rm -rf $d/out; mkdir $d/out"
for f in geojson shp csv gpkg; do
	extra=
	if [ $f = csv ]; then extra="-oo X_POSSIBLE_NAMES=X -oo Y_POSSIBLE_NAMES=Y -oo AUTODETECT_TYPE=YES -a_srs EPSG:4326"; fi
	row "import 100k points $f → workspace" "$clean" \
		"$T import --workspace $d/out/t.gpkg --layer points $d/points.$f" \
		"ogr2ogr -f GPKG -nln points $extra $d/out/o.gpkg $d/points.$f"
	target "import $f ≤ 0.5× ogr2ogr: $ratio×" "$(atmost "$ratio" 0.5)"
done
fields="-select nom,numero,debit,datemaj,commune"
for f in geojson gpkg shp csv; do
	driver=$(echo $f | sed 's/geojson/GeoJSON/; s/gpkg/GPKG/; s/shp/ESRI Shapefile/; s/csv/CSV/')
	extra=
	if [ $f = csv ]; then extra="-lco GEOMETRY=AS_WKT"; fi
	if [ $f = shp ]; then extra="-lco ENCODING=UTF-8"; fi
	row "export 100k points → $f" "$clean" \
		"$T export --workspace $d/ws.gpkg --layer points $d/out/t.$f" \
		"ogr2ogr -f '$driver' $extra $fields $d/out/o.$f $d/ws.gpkg points"
	target "export $f ≤ 0.5× ogr2ogr: $ratio×" "$(atmost "$ratio" 0.5)"
done
row "DXF plan, 10,000 entities → layer" "$clean; cp $d/dxfbase.gpkg $d/out/t.gpkg" \
	"$T import --workspace $d/out/t.gpkg --layer conduites --dxf-extent 4.7428,46.3991,4.9862,46.5960 $d/plan.dxf" \
	"ogr2ogr -f GPKG -s_srs EPSG:2154 -t_srs EPSG:4326 $d/out/o.gpkg $d/plan.dxf"
target "DXF plan of 10,000 entities ≤ 1 s: $(printf %.2f "$tmed") s" "$(atmost "$tmed" 1)"
row "import 1M points geojson → workspace (3 runs, no warm-up)" "$clean" \
	"$T import --workspace $d/out/t.gpkg --layer points $d/million.geojson" \
	"ogr2ogr -f GPKG -nln points $d/out/o.gpkg $d/million.geojson" 0 3
target "1,000,000 points ≤ 15 s: $(printf %.1f "$tmed") s" "$(atmost "$tmed" 15)"

if [ "$big" = 1 ]; then
	free=$(df -Pk "$d" | awk 'NR == 2 { print int($4 / 1048576) }')
	if [ "$free" -lt 6 ]; then
		echo "== 1 GB GeoJSON left out: $free GB free in $d, 6 needed" | tee -a "$targets"
	else
		echo "== 1 GB GeoJSON (one run each: time and peak RSS)"
		"$d/iogen" points -n 4500000 -seed 5 -o "$d/big.geojson"
		rm -f "$d/million.geojson"
		size=$(ls -l "$d/big.geojson" | awk '{ printf "%.0f", $5 / 1e6 }')
		# one CMD: one run of CMD; sets $secs and $mb (peak RSS).
		one() {
			sh -c "$clean"
			/usr/bin/time -f "%e %M %U %S" -o "$d/one" sh -c "exec $1" >/dev/null 2>"$d/one.err" || {
				cat "$d/one.err" >&2
				exit 1
			}
			secs=$(awk '{ printf "%.1f", $1 }' "$d/one")
			mb=$(awk '{ printf "%.0f", $2 / 1024 }' "$d/one")
			cpu=$(awk '{ printf "%.1f", $3 + $4 }' "$d/one")
		}
		# bigrow NAME TERRIMAP_CMD OGR2OGR_CMD: a row of one run each.
		bigrow() {
			one "$2"
			ts=$secs tm=$mb tc=$cpu
			case $1 in import*) mv "$d/out/t.gpkg" "$d/big.gpkg" ;; esac
			one "$3"
			echo "$ts $secs $tc $cpu" | awk -v n="$1" -v tm="$tm" -v om="$mb" \
				'{ printf "| %s | %.1f s | %.1f s | %.2f× | %.1f s | %.1f s | %s MB | %s MB |\n", n, $1, $2, $1 / $2, $3, $4, tm, om }' | tee -a "$table"
		}
		bigrow "import $size MB GeoJSON (4.5M points) → workspace, one run" \
			"$T import --workspace $d/out/t.gpkg --layer points $d/big.geojson" \
			"ogr2ogr -f GPKG -nln points $d/out/o.gpkg $d/big.geojson"
		target "import of the $size MB GeoJSON, peak RSS ≤ 300 MB: $tm MB" "$(atmost "$tm" 300)"
		rm -f "$d/big.geojson"
		bigrow "export of those 4.5M points → geojson, one run" \
			"$T export --workspace $d/big.gpkg --layer points $d/out/t.geojson" \
			"ogr2ogr -f GeoJSON $fields $d/out/o.geojson $d/big.gpkg points"
		target "export of the 4.5M points, peak RSS ≤ 300 MB: $tm MB" "$(atmost "$tm" 300)"
	fi
fi

echo
echo "Medians of $runs runs after 1 warm-up (hyperfine), mean CPU (user + system); peak RSS of one run (GNU time); the 1 GB rows: one run each."
echo "Load at the end:$(uptime | sed 's/.*load average/ load average/') ($(nproc) cores)"
echo
cat "$table"
echo
echo "Targets of issue 18:"
cat "$targets"
if [ -n "${COMPARE_IO_OUT:-}" ]; then
	{
		echo "Terrimap: $T; $(ogr2ogr --version); load at the end:$(uptime | sed 's/.*load average/ load average/')"
		echo
		cat "$table"
		echo
		cat "$targets"
	} >"$COMPARE_IO_OUT"
fi
