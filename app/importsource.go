package app

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"

	"terrimap/store"
	"terrimap/store/formats"
)

// importExtensions are the files «Importer un fichier» offers.
var importExtensions = [...]string{".geojson", ".json", ".shp", ".csv", ".gpkg"}

// isGeoPackage reports whether path names a GeoPackage (several layers,
// one to choose).
func isGeoPackage(path string) bool { return strings.EqualFold(filepath.Ext(path), ".gpkg") }

// formatName names a file's format by its extension.
func formatName(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".geojson", ".json":
		return "GeoJSON"
	case ".shp":
		return "Shapefile"
	case ".csv":
		return "CSV"
	case ".gpkg":
		return "GeoPackage"
	}
	return strings.TrimPrefix(filepath.Ext(path), ".")
}

// geoPackageLayer is a vector layer of a GeoPackage offered for import.
type geoPackageLayer struct {
	name, title string
	srs         int // its EPSG code, as the GeoPackage declares it
}

// listGeoPackageLayers lists the vector layers of the GeoPackage at path,
// read-only. It does I/O: off the UI goroutine.
func listGeoPackageLayers(path string) ([]geoPackageLayer, error) {
	ws, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("app: import: %w", err)
	}
	defer ws.Close()
	var out []geoPackageLayer
	for _, l := range ws.Layers() {
		out = append(out, geoPackageLayer{name: l.Name(), title: l.Schema.DisplayTitle(), srs: int(l.SRSID)})
	}
	return out, nil
}

// importProgress counts the features an import has read.
type importProgress struct {
	mu   sync.Mutex
	read int
	// every is how many features go between two calls of onRead.
	every  int
	onRead func(read int)
	// onEnd, when set, is called once after the last feature is read (the
	// store then writes what is left and commits).
	onEnd func()
	ended bool
}

// counted returns a source reading src's features through p.
func (p *importProgress) counted(src *formats.Source) *formats.Source {
	out := &formats.Source{Name: src.Name, SRS: src.SRS, Fields: src.Fields, Count: src.Count, Geometries: src.Geometries, SRSDeduced: src.SRSDeduced}
	out.SetOpener(func() (formats.FeatureReader, io.Closer, error) {
		r, err := src.Features()
		if err != nil {
			return nil, nil, err
		}
		return &countingReader{r: r, p: p}, nil, nil
	}, nil)
	return out
}

// countingReader is a FeatureReader that tells its importProgress of each
// feature read.
type countingReader struct {
	r formats.FeatureReader
	p *importProgress
}

// Next reads the next feature and counts it.
func (c *countingReader) Next() (formats.Feature, error) {
	f, err := c.r.Next()
	p := c.p
	if err == io.EOF && p.onEnd != nil && !p.ended {
		p.ended = true
		p.onEnd()
	}
	if err != nil {
		return f, err
	}
	p.mu.Lock()
	p.read++
	n := p.read
	p.mu.Unlock()
	if p.onRead != nil && p.every > 0 && n%p.every == 0 {
		p.onRead(n)
	}
	return f, nil
}
