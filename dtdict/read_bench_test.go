package dtdict

import (
	"bytes"
	"testing"
	"time"
)

// BenchmarkRead reads the DICT fixture (two polygons, a hole).
func BenchmarkRead(b *testing.B) {
	data := readFixture(b, "dict-tournus.xml")
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDue computes a DT's due date over the year's May holidays.
func BenchmarkDue(b *testing.B) {
	received := day(time.UTC, 2026, 4, 29)
	b.ReportAllocs()
	for b.Loop() {
		Due(KindDT, received, false)
	}
}
