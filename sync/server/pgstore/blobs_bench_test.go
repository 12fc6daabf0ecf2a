package pgstore

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"

	"terrimap/sync/protocol"
	"terrimap/sync/server"
)

// BenchmarkBlobs uploads a 4 MiB photo whole and reads it back, on the
// folder of a SQLite platform and in PostgreSQL, side by side.
func BenchmarkBlobs(b *testing.B) {
	photo := photoBytes(99, 4<<20)
	stores := []struct {
		name string
		open func(b *testing.B) *server.BlobStore
	}{
		{"folder", func(b *testing.B) *server.BlobStore {
			s, err := server.NewBlobStore(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			return s
		}},
		{"postgres", func(b *testing.B) *server.BlobStore { return openTestStorage(b).Blobs() }},
	}
	for _, s := range stores {
		b.Run(s.name+"/upload", func(b *testing.B) {
			store := s.open(b)
			b.SetBytes(int64(len(photo)))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				binary.LittleEndian.PutUint64(photo, uint64(i)) // a new photo each time
				if _, err := store.Append("agent", protocol.BlobHash(photo), 0, 0, int64(len(photo)), bytes.NewReader(photo)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(s.name+"/read", func(b *testing.B) {
			store := s.open(b)
			hash := protocol.BlobHash(photo)
			if _, err := store.Append("agent", hash, 0, 0, int64(len(photo)), bytes.NewReader(photo)); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(photo)))
			b.ReportAllocs()
			for b.Loop() {
				f, err := store.Open(hash)
				if err != nil {
					b.Fatal(err)
				}
				if n, err := io.Copy(io.Discard, f); err != nil || n != int64(len(photo)) {
					b.Fatalf("read %d bytes: %v", n, err)
				}
				f.Close()
			}
		})
	}
}
