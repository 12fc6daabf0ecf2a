// Command gen draws Terrimap's application icon, assets/icon.png: a blue map pin
// over a water network on a green field, in the colours of the territory.
//
// Run it through go generate in package assets:
//
//	go generate ./assets
package main

import (
	"flag"
	"fmt"
	"image/png"
	"os"
)

func main() {
	out := flag.String("o", "icon.png", "path of the PNG file to write")
	size := flag.Int("size", 512, "width and height of the icon in pixels")
	flag.Parse()

	if err := write(*out, *size); err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
}

func write(path string, size int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, drawIcon(size)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
