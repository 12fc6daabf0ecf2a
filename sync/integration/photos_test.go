package integration

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"terrimap/store"
	"terrimap/sync/client"
	"terrimap/sync/protocol"
	"terrimap/sync/server"
	"terrimap/sync/server/demo"
)

// photoChildEnv turns the re-executed test binary into a desk that syncs
// its workspace (the variable's value) once, then prints "synced".
const photoChildEnv = "TERRIMAP_PHOTO_CHILD"

func runPhotoChild(path string) int {
	ws, err := store.Open(path, store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	defer ws.Close()
	c, err := client.New(ws, "", client.Options{Backoff: 2 * time.Millisecond})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	fmt.Println("ready")
	if _, err := c.Sync(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "sync:", err)
		return 5
	}
	fmt.Println("synced")
	return 0
}

// uploadGate sits in front of a platform, records the offset each blob
// PUT starts at, and holds one upload of a chosen blob once part of it
// has arrived: it says so on cut, then waits for release before reading on
// (from a desk that is gone by then), and closes handled when the
// platform has answered that PUT.
type uploadGate struct {
	hash    string
	after   int64
	cut     chan struct{}
	release chan struct{}
	handled chan struct{}

	mu      sync.Mutex
	armed   bool
	offsets map[string][]int64
}

func newUploadGate(hash string, after int64) *uploadGate {
	return &uploadGate{hash: hash, after: after, armed: true, offsets: map[string][]int64{},
		cut: make(chan struct{}), release: make(chan struct{}), handled: make(chan struct{})}
}

func (g *uploadGate) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		hash, isBlob := strings.CutPrefix(r.URL.Path, protocol.PathBlobs+"/")
		if !isBlob || r.Method != http.MethodPut {
			h.ServeHTTP(rw, r)
			return
		}
		var offset int64
		if cr, err := protocol.ParseContentRange(r.Header.Get(protocol.HeaderContentRange)); err == nil {
			offset = cr.Offset
		}
		g.mu.Lock()
		g.offsets[hash] = append(g.offsets[hash], offset)
		gated := g.armed && hash == g.hash
		g.armed = g.armed && !gated
		g.mu.Unlock()
		if !gated {
			h.ServeHTTP(rw, r)
			return
		}
		r.Body = &gatedBody{r: r.Body, g: g}
		h.ServeHTTP(rw, r)
		close(g.handled)
	})
}

// puts returns the offsets the PUTs of a blob started at.
func (g *uploadGate) puts(hash string) []int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]int64(nil), g.offsets[hash]...)
}

type gatedBody struct {
	r    io.ReadCloser
	g    *uploadGate
	n    int64
	held bool
}

func (b *gatedBody) Read(p []byte) (int, error) {
	if !b.held && b.n >= b.g.after {
		b.held = true
		close(b.g.cut)
		<-b.g.release
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

func (b *gatedBody) Close() error { return b.r.Close() }

// photoBytes makes a photo's worth of incompressible bytes behind a JPEG
// signature: the platform and the sync see attachments as opaque bytes.
func photoBytes(seed uint64, size int) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	copy(b, "\xff\xd8\xff\xe0\x00\x10JFIF\x00")
	return b
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Photos attached offline to an intervention, each in the transaction that
// adds it to the intervention's photos, survive the desk's process being
// killed (SIGKILL) in the middle of uploading them: the desk still holds
// them, unsent, with their change; restarted, it resumes the upload where
// the platform's copy ends, and the photos arrive intact (same sha256) on
// the platform and on a second desk.
func TestPhotosSurviveADeskKilledMidUpload(t *testing.T) {
	t.Parallel()
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		ctx := context.Background()
		small := photoBytes(1, 300<<10)
		// Larger than what the loopback's socket buffers hold, so that the
		// kill leaves part of it unsent.
		large := photoBytes(2, 24<<20)
		gate := newUploadGate(sha(large), 1<<20)
		p := newWatchedPlatform(t, kind, gate.wrap)
		for _, l := range demo.Layers() {
			if l.Name == demo.LayerInterventions {
				if err := p.st.PutLayer(ctx, server.LayerRecord{Schema: l}); err != nil {
					t.Fatal(err)
				}
			}
		}

		// The agent's desk, synced once, then offline: a hydrant, an
		// intervention on it, two photos added one after the other.
		path := filepath.Join(t.TempDir(), "agent.gpkg")
		d := p.newDeskAt("agent", path, p.http.URL)
		hydrant := d.create("pei", orb.Point{4.9085, 46.564}, map[string]any{"numero": "T-12", "type_pei": "PI"})
		inter := d.create(demo.LayerInterventions, orb.Point{4.9085, 46.564}, map[string]any{
			"equipement_uuid": hydrant, "equipement_couche": "pei", "date": "2026-06-15",
			"type": "controle", "statut": "en_cours", "agent": "agent"})
		var hashes []string
		for i, photo := range [][]byte{small, large} {
			d.edit(func(tx *store.Tx) error {
				h, err := tx.PutBlob(fmt.Sprintf("IMG_%04d.jpg", i+1), photo)
				if err != nil {
					return err
				}
				f, err := tx.Get(demo.LayerInterventions, inter)
				if err != nil {
					return err
				}
				hashes = append(hashes, h)
				_, err = tx.Update(demo.LayerInterventions, inter, store.Change{Properties: map[string]any{"photos": strings.Join(append(store.BlobRefs(f.Properties), h), ",")}})
				return err
			})
		}
		if err := d.ws.Close(); err != nil {
			t.Fatal(err)
		}

		// Its sync, in a process of its own, is killed while the large photo
		// is on its way.
		c := startChild(t, photoChildEnv+"="+path)
		select {
		case <-gate.cut:
		case <-time.After(2 * time.Minute):
			c.kill(t)
			t.Fatalf("the desk never uploaded the large photo: %s", c.stderr.String())
		}
		c.kill(t)
		close(gate.release)
		<-gate.handled
		st := p.st.Blobs().Status(hashes[1])
		if st.Complete || st.Size == 0 {
			t.Fatalf("the platform holds %+v of the large photo after the kill: the kill came before or after the upload", st)
		}
		t.Logf("killed with %d of %d bytes of the large photo on the platform", st.Size, len(large))

		// Nothing is lost on the desk: both photos, unsent or not, with the
		// intervention's changes still waiting.
		ws, err := store.Open(path, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if check, err := ws.IntegrityCheck(ctx); err != nil || check != "ok" {
			t.Fatalf("integrity check after the kill: %q %v", check, err)
		}
		if held, uploaded, err := ws.HasBlob(ctx, hashes[1]); err != nil || !held || uploaded {
			t.Fatalf("large photo on the desk after the kill: held %v uploaded %v %v", held, uploaded, err)
		}
		if n, err := ws.JournalCount(ctx); err != nil || n[store.StatePending] == 0 {
			t.Fatalf("journal after the kill: %v %v", n, err)
		}
		ws.Close()

		// Restarted, the desk resumes the upload and sends the intervention.
		c = startChild(t, photoChildEnv+"="+path)
		if _, ok := c.waitLine("synced", 2*time.Minute); !ok {
			c.kill(t)
			t.Fatalf("the restarted desk did not sync: %s", c.stderr.String())
		}
		if err := c.cmd.Wait(); err != nil {
			t.Fatalf("restarted desk: %v\n%s", err, c.stderr.String())
		}
		for range c.lines {
		}
		puts := gate.puts(hashes[1])
		if len(puts) < 2 || puts[len(puts)-1] == 0 {
			t.Errorf("the large photo's uploads started at %v: the restarted desk did not resume", puts)
		}

		for i, want := range [][]byte{small, large} {
			got, err := readBlob(p.st, hashes[i])
			if err != nil || sha(got) != hashes[i] || !bytes.Equal(got, want) {
				t.Errorf("photo %d on the platform: %d bytes, sha256 %s, want %s (%v)", i+1, len(got), sha(got), hashes[i], err)
			}
		}

		// A second desk gets the intervention and both photos.
		other := p.newDesk("admin")
		f, ok := other.get(demo.LayerInterventions, inter)
		if !ok || f.Properties["photos"] != strings.Join(hashes, ",") {
			t.Fatalf("intervention on the second desk: %+v (found %v)", f.Properties, ok)
		}
		for i, want := range [][]byte{small, large} {
			got, _, err := other.ws.Blob(ctx, hashes[i])
			if err != nil || sha(got) != hashes[i] || !bytes.Equal(got, want) {
				t.Errorf("photo %d on the second desk: %d bytes, sha256 %s (%v)", i+1, len(got), sha(got), err)
			}
			if _, uploaded, _ := other.ws.HasBlob(ctx, hashes[i]); !uploaded {
				t.Errorf("photo %d, fetched from the platform, waits to be sent back", i+1)
			}
		}
		if pending, err := other.ws.PendingBlobs(ctx); err != nil || len(pending) != 0 {
			t.Errorf("the second desk would send %v (%v)", pending, err)
		}
	})
}

// cutBody gives the first n bytes of a request body, then fails as a
// connection cut there would.
type cutBody struct {
	r io.ReadCloser
	n int64
}

func (b *cutBody) Read(p []byte) (int, error) {
	if b.n <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if int64(len(p)) > b.n {
		p = p[:b.n]
	}
	n, err := b.r.Read(p)
	b.n -= int64(n)
	return n, err
}

func (b *cutBody) Close() error { return b.r.Close() }

// An upload cut midway leaves part of the photo on the platform; the same
// sync asks where the platform's copy ends and sends the rest from there.
func TestPhotoUploadCutMidwayResumes(t *testing.T) {
	forEachStorage(t, func(t *testing.T, kind storageKind) {
		ctx := context.Background()
		photo := photoBytes(3, 2<<20)
		hash := sha(photo)
		var mu sync.Mutex
		var offsets []int64
		cut := false
		p := newWatchedPlatform(t, kind, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPut && r.URL.Path == protocol.BlobPath(hash) {
					cr, _ := protocol.ParseContentRange(r.Header.Get(protocol.HeaderContentRange))
					mu.Lock()
					offsets = append(offsets, cr.Offset)
					if !cut {
						cut = true
						r.Body = &cutBody{r: r.Body, n: 700 << 10}
					}
					mu.Unlock()
				}
				h.ServeHTTP(rw, r)
			})
		})
		d := p.newDesk("agent")
		d.edit(func(tx *store.Tx) error {
			h, err := tx.PutBlob("IMG_0001.jpg", photo)
			if err != nil {
				return err
			}
			_, err = tx.Create("pei", store.Feature{Geometry: orb.Point{4.9, 46.55}, Properties: map[string]any{"numero": h}})
			return err
		})
		if sum := d.sync(); sum.Push.Applied != 1 {
			t.Fatalf("push: %+v", sum.Push)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(offsets) < 2 || offsets[0] != 0 || offsets[len(offsets)-1] != 700<<10 {
			t.Errorf("the photo's uploads started at %v, want 0 then %d", offsets, 700<<10)
		}
		got, err := readBlob(p.st, hash)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, photo) {
			t.Errorf("the platform holds %d bytes, sha256 %s", len(got), sha(got))
		}
		if _, uploaded, _ := d.ws.HasBlob(ctx, hash); !uploaded {
			t.Error("the desk does not know the photo arrived")
		}
	})
}
