package protocol

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"terrimap/store/schema"
)

func TestCheckPublishable(t *testing.T) {
	fields := func(n int) []schema.Field {
		out := make([]schema.Field, n)
		for i := range out {
			out[i] = schema.Field{Name: fmt.Sprintf("f%d", i), Type: schema.Text}
		}
		return out
	}
	cases := []struct {
		name   string
		layer  schema.Layer
		editBy string
		ok     bool
	}{
		{"plain layer", schema.Layer{Name: "pei", GeometryType: schema.Point}, "", true},
		{"reference layer", schema.Layer{Name: "zone_inondable", GeometryType: schema.Polygon}, EditByAdmins, true},
		{"open layer", schema.Layer{Name: "pei", GeometryType: schema.Point}, EditByEditors, true},
		{"server table", schema.Layer{Name: "srv_users", GeometryType: schema.Point}, "", false},
		{"server table, other case", schema.Layer{Name: "Srv_Tokens", GeometryType: schema.Point}, "", false},
		{"SQLite table", schema.Layer{Name: "sqlite_master", GeometryType: schema.Point}, "", false},
		{"GeoPackage table", schema.Layer{Name: "gpkg_contents", GeometryType: schema.Point}, "", false},
		{"R*Tree", schema.Layer{Name: "rtree_pei_geom", GeometryType: schema.Point}, "", false},
		{"store table", schema.Layer{Name: "TM_journal", GeometryType: schema.Point}, "", false},
		{"a name merely containing srv", schema.Layer{Name: "reservoirs_srv", GeometryType: schema.Point}, "", true},
		{"MaxLayerFields fields", schema.Layer{Name: "wide", GeometryType: schema.Point, Fields: fields(MaxLayerFields)}, "", true},
		{"one field too many", schema.Layer{Name: "wide", GeometryType: schema.Point, Fields: fields(MaxLayerFields + 1)}, "", false},
		{"unknown edit right", schema.Layer{Name: "pei", GeometryType: schema.Point}, "everyone", false},
	}
	for _, c := range cases {
		err := CheckPublishable(c.layer, c.editBy)
		if c.ok != (err == nil) {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		var pe *PublishError
		if err != nil && (!errors.Is(err, ErrUnpublishable) || !errors.As(err, &pe) || !isFrench(pe.Message)) {
			t.Errorf("%s: %v, message %q", c.name, err, pe.Message)
		}
	}
}

// FuzzDecodeLayerInfo feeds any body of PUT /layers/{name} to its decoder
// and what it reads to the publication rules: errors, never panics.
func FuzzDecodeLayerInfo(f *testing.F) {
	for _, s := range []string{
		`{"schema":{"name":"pei","geometry_type":"POINT","fields":[{"name":"n","type":"integer","default":3}]},"style":{"c":1}}`,
		`{"schema":{"name":"zone_inondable","geometry_type":"MULTIPOLYGON","fields":[]},"edit_by":"admin"}`,
		`{"schema":{"name":"pei","geometry_type":"POINT","fields":[]},"edit_by":"everyone"}`,
		`{"schema":{"name":"srv_users","geometry_type":"POINT","fields":[]}}`,
		`{"schema":{"name":"sqlite_master","geometry_type":"POINT","fields":[]}}`,
		`{"schema":{"name":"wide","geometry_type":"POINT","fields":[` + strings.TrimSuffix(strings.Repeat(`{"name":"f","type":"text"},`, 3), ",") + `]}}`,
		`{"schema":{"name":"pei","geometry_type":"POINT"},"edit_by":null}`, `{"edit_by":1}`, `null`, `[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := DecodeLayerInfo(bytes.NewReader(data), 0)
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		if err := CheckPublishable(info.Schema, info.EditBy); err != nil {
			var pe *PublishError
			if !errors.As(err, &pe) || pe.Message == "" {
				t.Fatalf("refusal without a reason: %v", err)
			}
			return
		}
		if len(info.Schema.Fields) > MaxLayerFields || (info.EditBy != "" && info.EditBy != EditByEditors && info.EditBy != EditByAdmins) {
			t.Fatalf("publishable: %d fields, edit_by %q", len(info.Schema.Fields), info.EditBy)
		}
	})
}
