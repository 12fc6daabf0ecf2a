package client

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"

	"terrimap/internal/ogcserve"
	"terrimap/mapview"
	"terrimap/mapview/export"
	"terrimap/store"
)

// mapCredits is the map's credit line for these layers, as the app and
// the exports make it (export.DataAttributions through mapview.Credits).
func mapCredits(ws *store.Workspace, layers ...string) []string {
	var ml []mapview.Layer
	for _, l := range layers {
		ml = append(ml, mapview.Layer{Name: l})
	}
	return mapview.Credits(export.DataAttributions(ws, ml))
}

func apiInfo(title, contact, licence, licenceURL string) ogcAPIInfo {
	var i ogcAPIInfo
	i.Title, i.Contact.Name, i.License.Name, i.License.URL = title, contact, licence, licenceURL
	return i
}

func TestOGCCredit(t *testing.T) {
	const server = "https://data.example.fr/ogcapi"
	for _, tc := range []struct {
		name string
		land ogcLanding
		col  ogcCollection
		want string
	}{
		{"collection attribution in HTML, licence link title",
			ogcLanding{Attribution: "Région"},
			ogcCollection{Attribution: `<a href="https://ign.fr">&copy; IGN</a>`, Links: []ogcLink{{Rel: "license", Href: "https://x/lo", Title: "Licence Ouverte 2.0"}}},
			"© IGN, Licence Ouverte 2.0"},
		{"landing attribution and licence link address",
			ogcLanding{Attribution: "IDéO BFC", Links: []ogcLink{{Rel: "self", Href: "a"}, {Rel: "license", Href: "https://opendatacommons.org/licenses/odbl/"}}},
			ogcCollection{},
			"© IDéO BFC, https://opendatacommons.org/licenses/odbl/"},
		{"collection license field", ogcLanding{}, ogcCollection{Attribution: "SDIS 71", License: "etalab-2.0"}, "© SDIS 71, etalab-2.0"},
		{"provider object", ogcLanding{Provider: "Syndicat des eaux", Title: "Service"}, ogcCollection{}, "© Syndicat des eaux"},
		{"contact", ogcLanding{Contact: "Mairie de Tournus", Title: "Service"}, ogcCollection{}, "© Mairie de Tournus"},
		{"landing title", ogcLanding{Title: "Géoservices du Tournugeois"}, ogcCollection{}, "© Géoservices du Tournugeois"},
		{"OpenAPI info (QGIS Server)", ogcLanding{API: apiInfo("Réseaux d'eau", "CC Mâconnais-Tournugeois", "", "https://x/licence")}, ogcCollection{}, "© CC Mâconnais-Tournugeois, https://x/licence"},
		{"OpenAPI title", ogcLanding{API: apiInfo("Réseaux d'eau", "", "Licence Ouverte", "")}, ogcCollection{}, "© Réseaux d'eau, Licence Ouverte"},
		{"nothing said: the host", ogcLanding{}, ogcCollection{}, "© data.example.fr"},
		{"attribution that names its licence", ogcLanding{}, ogcCollection{Attribution: "© OpenStreetMap (ODbL)", License: "ODbL"}, "© OpenStreetMap (ODbL)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ogcCredit(tc.land, tc.col, server); got != tc.want {
				t.Errorf("credit %q, want %q", got, tc.want)
			}
		})
	}
}

// attributedOGC is an OGC API server whose landing page gives a provider
// as an object and a licence link, and whose collection "pei" has its own
// attribution while "bornes" has none.
func attributedOGC(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ogc/{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"title":"Plateforme","provider":{"name":"IDéO BFC"},"links":[{"rel":"license","href":"https://www.etalab.gouv.fr/licence-ouverte-open-licence","title":"Licence Ouverte"}]}`)
	})
	mux.HandleFunc("GET /ogc/collections", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"collections":[{"id":"pei","title":"PEI","description":"Points d'eau incendie","attribution":"<b>SDIS 71</b>"},{"id":"bornes","title":"Bornes"}]}`)
	})
	mux.HandleFunc("GET /ogc/collections/{id}/items", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"type":"FeatureCollection","features":[{"type":"Feature","id":"%s.1","geometry":{"type":"Point","coordinates":[4.9,46.5]},"properties":{}}]}`, r.PathValue("id"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestOGCSourceCreditsItsServer: the attribution a server gives reaches
// the layer's description and the map's credit line; a second server's
// collection of the same title shows under a title of its own.
func TestOGCSourceCreditsItsServer(t *testing.T) {
	ctx := context.Background()
	ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	srv := attributedOGC(t)
	sc := NewSourceClient(ws, srv.Client())
	layers, err := sc.Add(ctx, srv.URL+"/ogc", "", nil)
	if err != nil || len(layers) != 2 {
		t.Fatalf("%v %v", layers, err)
	}
	pei, _ := ws.Layer(layers[0])
	if want := "Points d'eau incendie (© SDIS 71, Licence Ouverte)"; pei.Schema.Description != want {
		t.Errorf("description %q, want %q", pei.Schema.Description, want)
	}
	got := mapCredits(ws, layers...)
	want := []string{"Bornes : © IDéO BFC, Licence Ouverte", "PEI : © SDIS 71, Licence Ouverte"}
	if !slices.Equal(got, want) {
		t.Errorf("credits %q, want %q", got, want)
	}

	// The same collection from another server: another layer, another title.
	other := attributedOGC(t)
	again, err := NewSourceClient(ws, other.Client()).Add(ctx, other.URL+"/ogc", "pei", nil)
	if err != nil || len(again) != 1 || again[0] == layers[0] {
		t.Fatalf("%v %v", again, err)
	}
	l2, _ := ws.Layer(again[0])
	if want := "PEI (" + hostOf(other.URL) + ")"; l2.Schema.Title != want {
		t.Errorf("second title %q, want %q", l2.Schema.Title, want)
	}
	if pei, _ = ws.Layer(layers[0]); pei.Schema.Title != "PEI" {
		t.Errorf("the first layer's title became %q", pei.Schema.Title)
	}
	// Subscribing again to the first server's collection keeps its layer and title.
	if re, err := sc.Add(ctx, srv.URL+"/ogc", "pei", nil); err != nil || re[0] != layers[0] {
		t.Errorf("again: %v %v", re, err)
	}
	if pei, _ = ws.Layer(layers[0]); pei.Schema.Title != "PEI" {
		t.Errorf("after a refresh the title is %q", pei.Schema.Title)
	}
}

// TestOGCSourceCreditFromQGISServer: QGIS Server 3.22's OGC API – Features
// gives no attribution; its layer still credits a source on the map's
// credit line, and the same layer read through its WFS shows under a
// title of its own in the layer panel.
func TestOGCSourceCreditFromQGISServer(t *testing.T) {
	ctx := context.Background()
	gpkg := ogcserve.CopyCommunes(t)
	qgis := ogcserve.QGIS(t, gpkg, ogcserve.CommunesLayer)
	ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	sc := NewSourceClient(ws, nil)
	land := sc.landing(ctx, qgis.OGCAPI)
	cols, err := sc.Collections(ctx, qgis.OGCAPI)
	if err != nil || len(cols) == 0 {
		t.Fatalf("%v %v", cols, err)
	}
	// Its landing page has links only; its OpenAPI document's info gives
	// the project's title.
	if c := ogcCredit(land, cols[0], qgis.OGCAPI); c != "© "+ogcserve.QGISTitle {
		t.Errorf("QGIS Server's credit %q", c)
	}
	ogc, err := sc.Add(ctx, qgis.OGCAPI, ogcserve.CommunesLayer, nil)
	if err != nil {
		t.Fatal(err)
	}
	wfsLayer, err := sc.AddWFS(ctx, qgis.WFS, ogcserve.CommunesLayer, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mapCredits(ws, ogc[0]), []string{ogcserve.QGISTitle + " : IGN ADMIN EXPRESS COG 2018, Licence Ouverte"}; !slices.Equal(got, want) {
		t.Errorf("credits %q, want %q", got, want)
	}
	a, _ := ws.Layer(ogc[0])
	b, _ := ws.Layer(wfsLayer)
	if a.Schema.DisplayTitle() == b.Schema.DisplayTitle() || b.Schema.DisplayTitle() != ogcserve.QGISTitle+" ("+hostOf(qgis.WFS)+")" {
		t.Errorf("the layer panel shows %q and %q", a.Schema.DisplayTitle(), b.Schema.DisplayTitle())
	}
}
