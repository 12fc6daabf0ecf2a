package app

import (
	"context"
	"path/filepath"
	"testing"

	"terrimap/store"
	"terrimap/store/schema"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
)

// A layer kept on this computer comes with why: the platform's refusal
// when the sync offered it, or — made during the sync, after its layers
// step — that the next sync offers it (never «could not be asked»).
func TestHeldLayersTextSaysWhy(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws, err := store.Create(filepath.Join(t.TempDir(), "ws.gpkg"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.Close() })
	err = ws.Edit(context.Background(), func(tx *store.Tx) error {
		for _, l := range []schema.Layer{{Name: "releves", Title: "Relevés de terrain", GeometryType: schema.Point}, {Name: "import", Title: "Import en cours", GeometryType: schema.Point}} {
			if _, err := tx.CreateLayer(l); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	refused := &protocol.APIError{StatusCode: 403, Code: "forbidden", Message: "Seul un administrateur de la plateforme peut publier une couche."}
	for _, tc := range []struct {
		name    string
		publish map[string]error
		held    map[string]int
		want    string
	}{
		{"refused when offered", map[string]error{"releves": refused}, map[string]int{"releves": 2},
			"« Relevés de terrain » : 2 modifications attendent sur cet ordinateur, la plateforme n'ayant pas cette couche (seul un administrateur de la plateforme peut publier une couche). Elles seront envoyées dès que la plateforme l'aura."},
		{"made during the sync", map[string]error{}, map[string]int{"import": 1},
			"« Import en cours » : 1 modification attend sur cet ordinateur : la couche a été créée pendant la synchronisation ; la prochaine la proposera à la plateforme et enverra la modification dès que la plateforme l'aura."},
		{"made during the sync, many", nil, map[string]int{"import": 3},
			"« Import en cours » : 3 modifications attendent sur cet ordinateur : la couche a été créée pendant la synchronisation ; la prochaine la proposera à la plateforme et enverra ces modifications dès que la plateforme l'aura."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sum := client.Summary{Layers: client.LayerReport{Publish: tc.publish}, Push: client.PushReport{Held: tc.held}}
			if got := heldLayersText(ws, sum); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// Every count of a sync's outcome has its thousands grouped, not only some
// of them: «1 500 envoyées, 2000 refusées» read as a mistake.
func TestPushOutcomeTextGroupsEveryCount(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	push := client.PushReport{Applied: 1200, Merged: 300, Rejected: 2000, Conflicts: 1001, Held: map[string]int{"a": 1000, "b": 200}}
	want := "1\u00a0500 modifications envoyées, 2\u00a0000 refusées, 1\u00a0001 en conflit, 1\u00a0200 gardées sur cet ordinateur"
	if got := pushOutcomeText(push); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got, want := pendingText(150000)+" · "+receivedText(12418), "150\u00a0000 modifications en attente · 12\u00a0418 modifications reçues"; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
