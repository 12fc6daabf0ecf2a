package protocol

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden/")

// decoders decodes each message kind, by golden file name.
var decoders = map[string]func(io.Reader) (any, error){
	"token_request":    func(r io.Reader) (any, error) { return DecodeTokenRequest(r, 0) },
	"token_response":   func(r io.Reader) (any, error) { return DecodeTokenResponse(r, 0) },
	"layers_response":  func(r io.Reader) (any, error) { return DecodeLayersResponse(r, 0) },
	"changes_response": func(r io.Reader) (any, error) { return DecodeChangesResponse(r, 0) },
	"push_request":     func(r io.Reader) (any, error) { return DecodePushRequest(r, 0) },
	"push_response":    func(r io.Reader) (any, error) { return DecodePushResponse(r, 0) },
	"history_response": func(r io.Reader) (any, error) { return DecodeHistoryResponse(r, 0) },
	"blob_status":      func(r io.Reader) (any, error) { return DecodeBlobStatus(r, 0) },
	"error_response":   func(r io.Reader) (any, error) { return DecodeErrorResponse(r, 0) },
}

// territory is a rough outline of Tournus.
var territory = orb.Polygon{{{4.88, 46.54}, {4.95, 46.54}, {4.95, 46.59}, {4.88, 46.59}, {4.88, 46.54}}}

var pipe = orb.MultiLineString{{{4.9086, 46.5628}, {4.9101, 46.5633}, {4.9120, 46.5641}}}

// samples are one message of each kind, as the golden files hold them.
// Properties hold json.Number, as they read back.
func samples() map[string]any {
	pei, canal := peiLayer(), canalLayer()
	canal.Fields[1].Default = int64(100)
	upsert := Change{Seq: 1041, Layer: "pei", ID: feature1, Version: 4, Geometry: tournus,
		Properties: map[string]any{"numero": num("12"), "type_pei": "PI", "debit": num("60.5"), "disponible": true, "date_ct": "2025-03-01", "commentaire": nil},
		ModifiedBy: "agent.tournus", ModifiedAt: when}
	return map[string]any{
		"token_request": TokenRequest{Username: "agent.tournus", Password: "correct horse battery staple"},
		"token_response": TokenResponse{Token: "tm_7f3a9c0e5b2d4f18", ExpiresAt: when.Add(12 * time.Hour), User: UserInfo{Name: "agent.tournus", Roles: []Membership{
			{Org: OrgCCMT, OrgName: "Communauté de communes du Mâconnais-Tournugeois", Role: RoleViewer},
			{Org: "71543", OrgName: "Tournus", Role: RoleEditor}}}},
		"layers_response": LayersResponse{SchemaVersion: 7, Layers: []LayerInfo{
			{Schema: *pei, Style: json.RawMessage(`{"symbol":"hydrant","color":"#d62828"}`),
				Access: Access{Read: true, Create: true, Update: true, Delete: true, Territory: territory,
					Reason: "Modification limitée au territoire de Tournus."}},
			{Schema: *canal, Access: Access{Read: true, Reason: "Lecture seule : couche gérée par le syndicat des eaux."}},
		}},
		"changes_response": ChangesResponse{Next: 1042, More: true, SchemaVersion: 7, Changes: []Change{
			upsert,
			{Seq: 1042, Layer: "canalaep", ID: feature2, Version: 9, Deleted: true, ModifiedBy: "admin", ModifiedAt: when.Add(time.Minute)},
		}},
		"push_request": PushRequest{ClientID: "poste-mairie-tournus", Changes: []PushChange{
			{ChangeID: changeA, Layer: "pei", ID: feature2, Op: OpCreate, Properties: map[string]any{"numero": num("13"), "type_pei": "BI", "disponible": true},
				GeometryChanged: true, Geometry: orb.Point{4.9101, 46.5633}, Attachments: []string{hashA}},
			{ChangeID: changeB, Layer: "pei", ID: feature1, Op: OpUpdate, BaseVersion: 4, Properties: map[string]any{"debit": num("61"), "commentaire": "Contrôle annuel OK"}},
			{ChangeID: changeC, Layer: "canalaep", ID: "imported-1789", Op: OpUpdate, BaseVersion: 2, GeometryChanged: true, Geometry: nil},
			{ChangeID: changeD, Layer: "pei", ID: "01920000-0000-7000-8000-000000000003", Op: OpDelete, BaseVersion: 1},
		}},
		"push_response": PushResponse{Results: []PushResult{
			{ChangeID: changeA, Status: StatusApplied, Version: 1, Seq: 1043},
			{ChangeID: changeB, Status: StatusMerged, Version: 5, Seq: 1044, Message: "Vos modifications ont été combinées avec celles faites entre-temps sur la plateforme.",
				Current: &Change{Seq: 1044, Layer: "pei", ID: feature1, Version: 5, Geometry: tournus,
					Properties: map[string]any{"numero": num("12"), "debit": num("61"), "commentaire": "Contrôle annuel OK"}, ModifiedBy: "agent.tournus", ModifiedAt: when}},
			{ChangeID: changeC, Status: StatusConflict, Code: CodeFieldConflict, ConflictFields: []string{GeometryField},
				Message: "L'objet a aussi été modifié sur la plateforme depuis votre dernière synchronisation : la géométrie a changé des deux côtés. Choisissez la version à garder, champ par champ.",
				Current: &Change{Seq: 1000, Layer: "canalaep", ID: "imported-1789", Version: 3, Geometry: pipe, Properties: map[string]any{"materiau": "01", "diametre": num("150")}}},
			{ChangeID: changeD, Status: StatusRejected, Code: CodeInvalidValue, Message: "Couche « Poteaux et bouches incendie » : Le champ « Numéro » est obligatoire.",
				Fields: []FieldIssue{{Field: "numero", Code: CodeRequired, Message: "Le champ « Numéro » est obligatoire."}}},
		}},
		"history_response": HistoryResponse{Versions: []Version{
			{Version: 1, Seq: 12, Op: OpCreate, Author: "import", At: when.Add(-24 * time.Hour), Changed: []string{GeometryField, "numero"},
				Geometry: tournus, Properties: map[string]any{"numero": num("12")}},
			{Version: 2, Seq: 1041, Op: OpUpdate, Author: "agent.tournus", At: when, Changed: []string{"debit"},
				Geometry: tournus, Properties: map[string]any{"numero": num("12"), "debit": num("60.5")}},
			{Version: 3, Seq: 1050, Op: OpDelete, Author: "admin", At: when.Add(time.Hour)},
		}},
		"blob_status":    BlobStatus{Size: 1 << 20, Complete: false},
		"error_response": ErrorResponse{Code: CodeUnauthorized, Message: "Votre session a expiré : reconnectez-vous."},
	}
}

// TestGolden encodes each sample, compares it with its golden file (go test
// -update rewrites them) and decodes the file back to the sample.
func TestGolden(t *testing.T) {
	for name, msg := range samples() {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Encode(&buf, msg); err != nil {
				t.Fatal(err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, buf.Bytes(), "", "  "); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", name+".json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(pretty.Bytes(), want) {
				failed := filepath.Join("testdata", "failed", name+".json")
				_ = os.MkdirAll(filepath.Dir(failed), 0o755)
				_ = os.WriteFile(failed, pretty.Bytes(), 0o644)
				t.Errorf("encoding differs from %s (actual output in %s; go test -update accepts it)", path, failed)
			}
			got, err := decoders[name](bytes.NewReader(want))
			if err != nil {
				t.Fatalf("decode %s: %v", path, err)
			}
			if !reflect.DeepEqual(got, msg) {
				t.Errorf("decoded\n%#v\nwant\n%#v", got, msg)
			}
			// The compact form, as sent, reads back the same.
			got, err = decoders[name](&buf)
			if err != nil || !reflect.DeepEqual(got, msg) {
				t.Errorf("compact form: %v", err)
			}
		})
	}
}

// TestGoldenSchemasValid checks the sample layers are valid schemas, as the
// platform would send.
func TestGoldenSchemasValid(t *testing.T) {
	for _, l := range []*schema.Layer{peiLayer(), canalLayer()} {
		if err := l.Validate(); err != nil {
			t.Error(err)
		}
	}
}
