package dtdict

import (
	"context"
	"io"
	"testing"
)

// BenchmarkWritePlans writes the plans of a block of Tournus on A3 at
// 1:500 (16 features).
func BenchmarkWritePlans(b *testing.B) {
	ws := pdfWorkspace(b)
	r := testRenderer(ws)
	d := testDeclaration(zoneRect(4.9070, 46.5670, 80, 40), "A3", true)
	a := testAnalysis(b, ws, d)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := WritePlans(context.Background(), io.Discard, r, a, AnswerMeta{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteRecepisse writes the récépissé of the same answer.
func BenchmarkWriteRecepisse(b *testing.B) {
	ws := pdfWorkspace(b)
	r := testRenderer(ws)
	d := testDeclaration(zoneRect(4.9070, 46.5670, 80, 40), "A3", true)
	a := testAnalysis(b, ws, d)
	m := recepisseMeta([]PlanRef{{Reference: "2026120100417-P1", Scale: 500, Size: "A3 paysage", Sheet: 1, Sheets: 1}})
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteRecepisse(context.Background(), io.Discard, r, a, m); err != nil {
			b.Fatal(err)
		}
	}
}
