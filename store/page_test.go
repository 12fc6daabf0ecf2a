package store

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// pageWorkspace holds hydrants with names, types, flows, dates and a
// yes/no, some empty; their fids are 1…5 in this order.
func pageWorkspace(t *testing.T) *Workspace {
	t.Helper()
	ws := newWorkspace(t)
	err := ws.Edit(context.Background(), func(tx *Tx) error {
		for i, p := range []map[string]any{
			{"nom": "Écluse", "type_pei": "PI", "debit": 100.0, "date_ct": "2025-09-01", "disponible": true, "nb_ct": int64(10)},
			{"nom": "eau vive", "type_pei": "BI", "debit": 9.5, "date_ct": "2024-01-15", "disponible": false, "nb_ct": int64(2)},
			{"nom": "Fontaine n° 10", "type_pei": "PN", "debit": 60.0, "disponible": true},
			{"nom": "Fontaine n° 2", "type_pei": "PI", "date_ct": "2026-02-10", "disponible": false, "nb_ct": int64(7)},
			{"type_pei": "BI", "debit": 30.25, "date_ct": "2023-03-03", "disponible": true, "nb_ct": int64(1)},
		} {
			if _, err := tx.Create("pei", Feature{Geometry: orb.Point{4.9 + float64(i)*0.001, 46.56}, Properties: p}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

// Conditions and orders are SQLite's, with the table's meaning: a word
// found in any part as shown (dates day first, reals with the user's
// mark, codes by their labels), empty values last either way, French
// order for texts and labels.
func TestTableFIDs(t *testing.T) {
	ws := pageWorkspace(t)
	ctx := context.Background()
	labels := map[string]string{"PI": "Poteau d'incendie", "BI": "Bouche d'incendie", "PN": "Point d'eau naturel"}
	shown := []TextPart{
		{Field: "nom"},
		{Field: "type_pei", Except: []string{"PI", "BI", "PN"}},
		{Field: "debit", Form: FormReal, Mark: ","},
		{Field: "date_ct", Form: FormDate},
		{Field: "nb_ct"},
	}
	for _, tc := range []struct {
		name string
		q    TableQuery
		want []int64
	}{
		{"all, fid order", TableQuery{}, []int64{1, 2, 3, 4, 5}},
		{"accents and case aside", TableQuery{Where: []Cond{Contains("ECLUSE", shown...)}}, []int64{1}},
		{"in any part", TableQuery{Where: []Cond{Contains("fontaine", shown...)}}, []int64{3, 4}},
		{"every word", TableQuery{Where: []Cond{Contains("fontaine", shown...), Contains("2", shown...)}}, []int64{4}},
		{"a date as shown", TableQuery{Where: []Cond{Contains("15/01", shown...)}}, []int64{2}},
		{"a date not as stored", TableQuery{Where: []Cond{Contains("2024-01", shown...)}}, nil},
		{"a real with a comma", TableQuery{Where: []Cond{Contains("30,25", shown...)}}, []int64{5}},
		{"a whole real without .0", TableQuery{Where: []Cond{Contains("100,", shown...)}}, nil},
		{"a code is not searched", TableQuery{Where: []Cond{Contains("pi", shown...)}}, nil},
		{"a label through In", TableQuery{Where: []Cond{AnyOf(Contains("poteau", shown...), In("type_pei", "PI"))}}, []int64{1, 4}},
		{"no value in In", TableQuery{Where: []Cond{In("type_pei")}}, nil},
		{"yes", TableQuery{Where: []Cond{In("disponible", true)}}, []int64{1, 3, 5}},
		{"fids", TableQuery{Where: []Cond{FIDIn([]int64{5, 2, 9})}}, []int64{2, 5}},
		{"number up", TableQuery{Order: &Order{Field: "debit"}}, []int64{2, 5, 3, 1, 4}},
		{"number down, empty last", TableQuery{Order: &Order{Field: "debit", Desc: true}}, []int64{1, 3, 5, 2, 4}},
		{"integer down", TableQuery{Order: &Order{Field: "nb_ct", Desc: true}}, []int64{1, 4, 2, 5, 3}},
		{"text in French order, numbers by value", TableQuery{Order: &Order{Field: "nom"}}, []int64{2, 1, 4, 3, 5}},
		{"date", TableQuery{Order: &Order{Field: "date_ct"}}, []int64{5, 2, 1, 4, 3}},
		{"yes first", TableQuery{Order: &Order{Field: "disponible"}}, []int64{1, 3, 5, 2, 4}},
		{"no first", TableQuery{Order: &Order{Field: "disponible", Desc: true}}, []int64{2, 4, 1, 3, 5}},
		{"labels", TableQuery{Order: &Order{Field: "type_pei", Labels: labels}}, []int64{2, 5, 3, 1, 4}},
		{"filtered and sorted", TableQuery{Where: []Cond{Contains("fontaine", shown...)}, Order: &Order{Field: "nom", Desc: true}}, []int64{3, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Layer = "pei"
			got, err := ws.TableFIDs(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("fids %v, want %v", got, tc.want)
			}
		})
	}
	if _, err := ws.TableFIDs(ctx, TableQuery{Layer: "pei", Order: &Order{Field: "nope"}}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("an unknown field: %v", err)
	}
}

// A page reads whole features in the order asked, without the fids that
// hold no row; CountRows counts the layer.
func TestFeaturesByFID(t *testing.T) {
	ws := pageWorkspace(t)
	ctx := context.Background()
	fs, err := ws.FeaturesByFID(ctx, "pei", []int64{4, 99, 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].FID != 4 || fs[1].FID != 1 || fs[1].Properties["nom"] != "Écluse" || fs[0].Geometry == nil || fs[0].UUID == "" {
		t.Fatalf("page %+v", fs)
	}
	if n, err := ws.CountRows(ctx, "pei"); err != nil || n != 5 {
		t.Errorf("count %d, %v", n, err)
	}
}
