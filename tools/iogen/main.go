// Command iogen writes the files make compare-io times Terrimap and
// ogr2ogr on (package internal/iogen writes them): points with the fields
// a GIS technician has, as GeoJSON; a few water mains as GeoJSON (the
// layer a DXF plan goes into); a surveyor's DXF plan in Lambert-93. What
// it writes depends only on its flags: the same seed gives the same bytes.
//
//	go run ./tools/iogen points -n 100000 -seed 1 -o points.geojson
//	go run ./tools/iogen mains -o mains.geojson
//	go run ./tools/iogen dxf -n 10000 -seed 1 -o plan.dxf
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"

	"terrimap/internal/iogen"
)

const usage = `usage:
  iogen points -n N [-seed S] -o FILE.geojson   N points, 5 fields (text, integer, real, date, commune)
  iogen mains [-seed S] -o FILE.geojson         a few water mains in Tournus (a line layer for a DXF plan)
  iogen dxf -n N [-seed S] -o FILE.dxf          a surveyor's plan of N entities in Lambert-93
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "iogen:", err)
		os.Exit(1)
	}
}

// run writes the file of one kind as its flags say.
func run(kind string, args []string) error {
	fs := flag.NewFlagSet(kind, flag.ContinueOnError)
	n := fs.Int("n", 100000, "number of features (points) or entities (dxf)")
	seed := fs.Uint64("seed", 1, "seed of the pseudo-random values")
	out := fs.String("o", "", "output file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 || *n < 1 {
		return fmt.Errorf("%s: give -o FILE and a positive -n\n%s", kind, usage)
	}
	var write func(io.Writer, int, *rand.Rand) error
	switch kind {
	case "points":
		write = iogen.WritePoints
	case "mains":
		write = iogen.WriteMains
	case "dxf":
		write = iogen.WriteDXF
	default:
		return fmt.Errorf("unknown kind %q\n%s", kind, usage)
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = write(w, *n, iogen.Rand(*seed))
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", *out, err)
	}
	return nil
}
