package basemap

import (
	"slices"
	"testing"
)

func TestTileLRU(t *testing.T) {
	c := newTileLRU(100)
	k := func(i int) tileKey { return tileKey{style: "plan", z: 1, x: i} }
	for i := 0; i < 5; i++ {
		c.put(k(i), make([]byte, 30))
	}
	if c.size > 100 || c.order.Len() != 3 {
		t.Errorf("size %d with %d tiles, want at most 100 bytes", c.size, c.order.Len())
	}
	if _, ok := c.get(k(0)); ok {
		t.Error("the oldest tile is still there")
	}
	c.get(k(2))
	c.put(k(5), make([]byte, 30))
	if _, ok := c.get(k(2)); !ok {
		t.Error("a tile just used was dropped")
	}
	c.clear()
	if _, ok := c.get(k(2)); ok || c.size != 0 {
		t.Error("clear left tiles")
	}
}

func TestBasemapStyles(t *testing.T) {
	st := basemapStyles()
	if len(st) != 2 || st["plan"].name != "plan" || st["reseaux"].name != "reseaux" {
		t.Fatalf("styles: %v", st)
	}
	for name, s := range st {
		for _, l := range s.layers {
			if l.Style == nil {
				t.Errorf("%s: layer %s has no style", name, l.Name)
			}
		}
	}
}

// DrawnLayers names every layer a style draws, once each.
func TestDrawnLayers(t *testing.T) {
	want := []string{"batiment", "canalaep", "canalass", "communes", "ouvraep", "ouvrass", "pei", "voies", "zone_inondable"}
	if got := DrawnLayers(); !slices.Equal(got, want) {
		t.Errorf("DrawnLayers() = %v, want %v", got, want)
	}
}
