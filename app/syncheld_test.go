package app

import (
	"context"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"terrimap/internal/testplatform"
	"terrimap/store"
	"terrimap/store/schema"
)

// The changes of a layer the platform refuses to publish are not counted
// as sent: the status says what the platform took and what stays here,
// and the sync panel names the layer, how many wait and the platform's
// reason. The preview says it before.
func TestSyncSaysWhatStaysOnThisComputer(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws, c := testplatform.Desk(t, testPlatform(t), "agent")
	err := ws.Edit(context.Background(), func(tx *store.Tx) error {
		if _, err := tx.CreateLayer(schema.Layer{Name: "releves", Title: "Relevés de terrain", GeometryType: schema.Point}); err != nil {
			return err
		}
		for range 3 {
			if _, err := tx.Create("releves", store.Feature{Geometry: orb.Point{4.91, 46.56}}); err != nil {
				return err
			}
		}
		_, err := tx.Create("pei", store.Feature{Geometry: orb.Point{4.91, 46.56}, Properties: map[string]any{"numero": "H-1", "type_pei": "PI"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	pv, err := c.Preview(context.Background())
	if got := previewText(ws, pv, err); !strings.Contains(got, "Gardées sur cet ordinateur") || !strings.Contains(got, "Relevés de terrain : 3 modifications") {
		t.Errorf("preview:\n%s", got)
	}

	m, q := openDeskInShell(t, ws, true)
	v := m.view
	typeCtrlS(m)
	q.runUntil(t, func() bool { return v.sync.idle() && strings.Contains(v.syncDetail.Text, "dernière synchronisation") })

	if got := m.statusLabel.Text; !strings.Contains(got, "1 modification envoyée, 3 gardées sur cet ordinateur") || strings.Contains(got, "4 modifications") {
		t.Errorf("status after the sync: %q", got)
	}
	// The reason is long: it wraps rather than widen the window past a
	// 1366-pixel screen.
	if w := m.window.Content().MinSize().Width; w > 1366 {
		t.Errorf("after the sync the window needs %.0f pixels of width", w)
	}
	stage := v.sync.stage.Text
	for _, want := range []string{"Synchronisation terminée : 1 modification envoyée, 3 gardées sur cet ordinateur",
		"« Relevés de terrain » : 3 modifications attendent sur cet ordinateur, la plateforme n'ayant pas cette couche (",
		"(seul un administrateur de la plateforme peut publier une couche", "Elles seront envoyées dès que la plateforme l'aura."} {
		if !strings.Contains(stage, want) {
			t.Errorf("the sync panel says %q, without %q", stage, want)
		}
	}
}
