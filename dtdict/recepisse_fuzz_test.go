package dtdict

import (
	"bytes"
	"context"
	"testing"
)

// FuzzWriteRecepisseText writes récépissés whose texts come from outside
// (the declaration's XML, the platform's settings) with any characters:
// control characters, emoji, very long words, empty strings. It must
// never fail nor panic.
func FuzzWriteRecepisseText(f *testing.F) {
	f.Add("2026120100417", "Bâtiments Saône-Rivière SARL", "Création d'un branchement", "1. Marquage. 2. Sondages.", "03 85 27 00 00")
	f.Add("", "", "", "", "")
	f.Add("🚧\x00\n\t", "A\u0301\u200b\ufffd", "mot-très-long-"+string(bytes.Repeat([]byte("x"), 400)), "1. 2. 3.", "\x7f")
	ws := pdfWorkspace(f)
	r := testRenderer(ws)
	f.Fuzz(func(t *testing.T, number, name, works, advice, phone string) {
		d := testDeclaration(zoneRect(3.0, 45.0, 50, 50), "A4", false)
		d.Number, d.Declarant.Name, d.Works.Description = number, name, works
		own := ourWater
		own.Recommendations, own.EmergencyPhone, own.Operator = advice, phone, name
		a := &Analysis{Declaration: d, Ours: []Ownership{own}, Concerned: true, Reason: works}
		m := recepisseMeta([]PlanRef{{Reference: number, Scale: 500, Size: "A4 portrait", Sheet: 1, Sheets: 1}})
		m.Signatory = name
		var buf bytes.Buffer
		if err := WriteRecepisse(context.Background(), &buf, r, a, m); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
			t.Fatalf("not a PDF: %.20q", buf.Bytes())
		}
	})
}
