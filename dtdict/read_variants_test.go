package dtdict

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/charmap"
)

// tournusRing is dt-tournus.xml's zone.
var tournusRing = orb.Ring{{4.901977, 46.565020}, {4.903023, 46.565020}, {4.903023, 46.565380}, {4.901977, 46.565380}, {4.901977, 46.565020}}

// withGeometry returns dt-tournus.xml with its geometrie element replaced
// by geom (ns2: is GML's prefix there).
func withGeometry(t *testing.T, geom string) []byte {
	t.Helper()
	src := string(readFixture(t, "dt-tournus.xml"))
	start, end := strings.Index(src, "<geometrie"), strings.Index(src, "</geometrie>")+len("</geometrie>")
	return []byte(src[:start] + geom + src[end:])
}

// polygonXML is tournusRing as a gml:Polygon whose ring holds coords.
func polygonXML(attrs, coords string) string {
	return `<ns2:Polygon` + attrs + `><ns2:exterior><ns2:LinearRing>` + coords + `</ns2:LinearRing></ns2:exterior></ns2:Polygon>`
}

const tournusPosList = `<ns2:posList>4.901977 46.565020 4.903023 46.565020 4.903023 46.565380 4.901977 46.565380 4.901977 46.565020</ns2:posList>`

func TestReadGeometryVariants(t *testing.T) {
	member := func(srs, inner string) string {
		return `<geometrie srsName="` + srs + `"><ns2:surfaceMember>` + inner + `</ns2:surfaceMember></geometrie>`
	}
	plain := polygonXML("", tournusPosList)
	cases := []struct{ name, geom string }{
		{"EPSG:4171", member("EPSG:4171", plain)},
		{"EPSG:4326", member("EPSG:4326", plain)},
		{"URN 4171", member("urn:ogc:def:crs:EPSG::4171", plain)},
		{"URN with version", member("urn:ogc:def:crs:EPSG:6.6:4326", plain)},
		{"URL 4326", member("http://www.opengis.net/def/crs/EPSG/0/4326", plain)},
		{"URL 4171", member("http://www.opengis.net/def/crs/EPSG/0/4171", plain)},
		{"GML srs URL", member("http://www.opengis.net/gml/srs/epsg.xml#4326", plain)},
		{"CRS84", member("urn:ogc:def:crs:OGC:1.3:CRS84", plain)},
		{"srsName on the polygon", `<geometrie><ns2:surfaceMember>` + polygonXML(` srsName="EPSG:4171"`, tournusPosList) + `</ns2:surfaceMember></geometrie>`},
		{"surfaceMembers", `<geometrie srsName="EPSG:4326"><ns2:surfaceMembers>` + plain + `</ns2:surfaceMembers></geometrie>`},
		{"MultiSurface", `<geometrie><ns2:MultiSurface srsName="EPSG:4326"><ns2:surfaceMember>` + plain + `</ns2:surfaceMember></ns2:MultiSurface></geometrie>`},
		{"Polygon alone", `<geometrie srsName="EPSG:4326">` + plain + `</geometrie>`},
		{"posList with heights", member("EPSG:4326", polygonXML("", `<ns2:posList srsDimension="3">4.901977 46.565020 180 4.903023 46.565020 181.5 4.903023 46.565380 182 4.901977 46.565380 181 4.901977 46.565020 180</ns2:posList>`))},
		{"srsDimension on geometrie", `<geometrie srsName="EPSG:4326" srsDimension="3"><ns2:surfaceMember>` + polygonXML("", `<ns2:posList>4.901977 46.565020 0 4.903023 46.565020 0 4.903023 46.565380 0 4.901977 46.565380 0 4.901977 46.565020 0</ns2:posList>`) + `</ns2:surfaceMember></geometrie>`},
		{"pos", member("EPSG:4326", polygonXML("", `<ns2:pos>4.901977 46.565020</ns2:pos><ns2:pos>4.903023 46.565020</ns2:pos><ns2:pos>4.903023 46.565380</ns2:pos><ns2:pos>4.901977 46.565380</ns2:pos><ns2:pos>4.901977 46.565020</ns2:pos>`))},
		{"coordinates on several lines", member("EPSG:4326", polygonXML("", "<ns2:coordinates>\n\t4.901977,46.565020\n\t4.903023,46.565020\n\t4.903023,46.565380\n\t4.901977,46.565380\n\t4.901977,46.565020\n</ns2:coordinates>"))},
		{"coordinates with their own separators", member("EPSG:4326", polygonXML("", `<ns2:coordinates decimal="," cs=";" ts="|">4,901977;46,565020|4,903023;46,565020|4,903023;46,565380|4,901977;46,565380|4,901977;46,565020</ns2:coordinates>`))},
		{"coordinates with heights", member("EPSG:4326", polygonXML("", `<ns2:coordinates>4.901977,46.565020,180 4.903023,46.565020,180 4.903023,46.565380,180 4.901977,46.565380,180 4.901977,46.565020,180</ns2:coordinates>`))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := Read(bytes.NewReader(withGeometry(t, c.geom)))
			if err != nil {
				t.Fatal(err)
			}
			if want := (orb.MultiPolygon{{tournusRing}}); !reflect.DeepEqual(d.Zone, want) {
				t.Errorf("zone %v, want %v", d.Zone, want)
			}
		})
	}
}

// TestReadFileVariants reads dt-tournus.xml as other senders could write
// it: in schema 2.1, with a byte order mark, in Latin-1.
func TestReadFileVariants(t *testing.T) {
	src := readFixture(t, "dt-tournus.xml")
	want, err := Read(bytes.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	latin1, err := charmap.Windows1252.NewEncoder().Bytes(bytes.Replace(src, []byte(`encoding="UTF-8"`), []byte(`encoding="ISO-8859-1"`), 1))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		data    []byte
		version string
	}{
		{"schema 2.1", bytes.ReplaceAll(src, []byte("schema-teleservice/2.2"), []byte("schema-teleservice/2.1")), "2.1"},
		{"byte order mark", append([]byte("\xef\xbb\xbf"), src...), "2.2"},
		{"Latin-1", latin1, "2.2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Read(bytes.NewReader(c.data))
			if err != nil {
				t.Fatal(err)
			}
			w := *want
			w.SchemaVersion = c.version
			if !reflect.DeepEqual(got, &w) {
				t.Errorf("read\n%+v\nwant\n%+v", got, &w)
			}
		})
	}
}

// TestReadDefaults checks what an absent optional element gives.
func TestReadDefaults(t *testing.T) {
	src := string(readFixture(t, "dt-tournus.xml"))
	cut := func(s, from, to string) string {
		i, j := strings.Index(s, from), strings.Index(s, to)+len(to)
		return s[:i] + s[j:]
	}
	src = cut(src, "<souhaitsPourLeRecepisse>", "</souhaitsPourLeRecepisse>")
	src = cut(src, "<projetEtSonCalendrier>", "</projetEtSonCalendrier>")
	src = cut(src, "<dateDeLaDeclaration>", "</dateDeLaDeclaration>")
	src = cut(src, "<surface>", "</surface>")
	src = cut(src, "<representantDuResponsableDeProjet>", "</representantDuResponsableDeProjet>")
	d, err := Read(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if d.Wishes != (Wishes{PlanSize: "A4"}) {
		t.Errorf("wishes %+v, want A4 and nothing else", d.Wishes)
	}
	if !reflect.DeepEqual(d.Works, Works{}) || !d.Declared.IsZero() || d.Surface != 0 {
		t.Errorf("works %+v, declared %s, surface %g: want none", d.Works, d.Declared, d.Surface)
	}
	if d.Declarant.Role != "responsableDuProjet" || d.Declarant.Name != "Commune de Tournus" || len(d.Others) != 0 {
		t.Errorf("declarant %+v, others %+v: want the project's owner alone", d.Declarant, d.Others)
	}
}

// TestReadAlternatives checks that an element given under both its names
// is taken once.
func TestReadAlternatives(t *testing.T) {
	src := strings.Replace(string(readFixture(t, "dt-tournus.xml")),
		"<CP>71700</CP>", "<CP>71700</CP><codePostal>71700</codePostal><commune>Tournus</commune>", 1)
	src = strings.Replace(src, "<tel>0385510742</tel>", "<tel>0385510742</tel><telephone>0385510742</telephone>", 1)
	d, err := Read(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if d.Place.Address != "rue de la République, 71700 Tournus" || d.Place.Commune != "Tournus" || d.Declarant.Phone != "0385510742" {
		t.Errorf("place %+v, phone %q", d.Place, d.Declarant.Phone)
	}
}
