package app

import (
	"errors"
	"strings"
	"testing"

	"terrimap/store"
	"terrimap/sync/client"
)

func TestPreviewText(t *testing.T) {
	useLocale(t, "fr_FR.UTF-8")
	ws, err := store.Open(demoWorkspaceFile(t, "apercu.gpkg"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	pv := client.Preview{ToSend: map[string]map[string]int{"pei": {"create": 2, "delete": 1}}, Waiting: map[string]int{"pei": 7}, Held: map[string]int{"pei": 1}, More: true, Conflicts: 1}
	got := previewText(ws, pv, nil)
	for _, want := range []string{"À envoyer", "2 nouveau(x), 1 supprimé(s)", "À recevoir", "7 modifications", "d'autres encore", "1 conflit(s)", " : 1 modification\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("preview lacks %q:\n%s", want, got)
		}
	}
	got = previewText(ws, client.Preview{}, errors.New("offline"))
	if !strings.Contains(got, "Rien à envoyer") || !strings.Contains(got, "hors ligne") {
		t.Errorf("offline preview:\n%s", got)
	}
}
