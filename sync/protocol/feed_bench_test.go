package protocol

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
)

// benchPage is a page of 1,000 changes of every geometry type, as the
// platform writes it, and its JSON.
func benchPage(b *testing.B) (ChangesResponse, []byte) {
	b.Helper()
	page := randomPage(rand.New(rand.NewPCG(7, 13)), 1000)
	var buf bytes.Buffer
	if err := Encode(&buf, page); err != nil {
		b.Fatal(err)
	}
	return page, buf.Bytes()
}

// BenchmarkDecodeChangesPage reads a page of the feed (feedscan.go).
func BenchmarkDecodeChangesPage(b *testing.B) {
	_, data := benchPage(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeChangesResponse(bytes.NewReader(data), 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeChangesPage writes a page of the feed (feedwrite.go).
func BenchmarkEncodeChangesPage(b *testing.B) {
	page, data := benchPage(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := Encode(io.Discard, page); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodePropertiesObject reads one version's properties as the
// platform stores them.
func BenchmarkDecodePropertiesObject(b *testing.B) {
	data := []byte(`{"commentaire":"Église \"Saint-Philibert\"","date_ct":null,"debit":61.25,"disponible":true,"numero":1234,"petit":1e-7}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodePropertiesObject(data); err != nil {
			b.Fatal(err)
		}
	}
}
