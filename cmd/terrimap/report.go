package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"terrimap/internal/fileout"
	"terrimap/mapview"
	"terrimap/mapview/export"
	"terrimap/report"
	"terrimap/store"
	"terrimap/sync/client"
)

// runReport writes the "avant travaux" report of a work zone: what the
// workspace knows lies under it and within a margin, as a PDF and, with
// --geojson, as the features found. It speaks French: its readers are the
// communes' works managers.
func runReport(args []string, stdout, stderr io.Writer) int {
	flags := newFlags("report")
	workspace := flags.String("workspace", "", "workspace GeoPackage")
	zonePath := flags.String("zone", "", "work zone: GeoJSON (or Shapefile) polygon or line")
	buffer := flags.Float64("buffer", report.DefaultBuffer, "safety margin around the zone, in metres")
	width := flags.Float64("width", 0, "width of the works along a line zone, in metres")
	out := flags.String("out", "", "the PDF report to write")
	geojson := flags.String("geojson", "", "also write the features found to this GeoJSON file")
	layers := flags.String("layers", "", "layers to search, comma-separated (default: every network layer)")
	title := flags.String("title", "", "title of the report")
	rest, err := parseFlags(flags, args)
	switch {
	case err != nil:
		return reportUsage(stderr, "%v", err)
	case *workspace == "":
		return reportUsage(stderr, "--workspace manque : donnez l'espace de travail (fichier .gpkg)")
	case *zonePath == "":
		return reportUsage(stderr, "--zone manque : donnez le fichier GeoJSON de la zone de travaux (polygone, ou ligne avec --width)")
	case *out == "" || !strings.EqualFold(filepath.Ext(*out), ".pdf"):
		return reportUsage(stderr, "--out manque ou ne finit pas par .pdf : donnez le fichier PDF du rapport")
	case *geojson != "" && !strings.EqualFold(filepath.Ext(*geojson), ".geojson") && !strings.EqualFold(filepath.Ext(*geojson), ".json"):
		return reportUsage(stderr, "--geojson %s : le fichier doit finir par .geojson", *geojson)
	case math.IsNaN(*buffer) || math.IsInf(*buffer, 0) || *buffer < 0:
		return reportUsage(stderr, "--buffer %g : la marge de sécurité est une distance en mètres, positive ou nulle", *buffer)
	case math.IsNaN(*width) || math.IsInf(*width, 0) || *width < 0:
		return reportUsage(stderr, "--width %g : la largeur des travaux est une distance en mètres, positive", *width)
	case len(rest) > 0:
		return reportUsage(stderr, "argument inattendu %q", rest[0])
	}

	zone, err := report.ReadZone(*zonePath)
	if err != nil {
		return reportFailure(stderr, zoneProblem(*zonePath, err))
	}
	switch {
	case zone.IsLine() && *width == 0:
		return reportUsage(stderr, "la zone de %s est une ligne : donnez la largeur des travaux en mètres avec --width", *zonePath)
	case !zone.IsLine() && *width != 0:
		return reportUsage(stderr, "--width ne vaut que pour une zone linéaire, et celle de %s est un polygone", *zonePath)
	}
	zone.Width = *width

	ctx := context.Background()
	ws, err := store.Open(*workspace, store.Options{ReadOnly: true})
	if errors.Is(err, fs.ErrNotExist) {
		return reportFailure(stderr, fmt.Sprintf("l'espace de travail %s n'existe pas", *workspace))
	}
	if err != nil {
		return failure(stderr, "report", err)
	}
	defer ws.Close()
	opts := report.Options{Buffer: *buffer}
	if *layers != "" {
		opts.Layers = strings.Split(*layers, ",")
	}
	sel, err := report.Select(ctx, ws, zone, opts)
	if err != nil {
		return reportFailure(stderr, selectProblem(*zonePath, *workspace, err))
	}

	styles := workspaceStyles(ctx, ws)
	platform, err := client.Platform(ctx, ws)
	if err != nil {
		return failure(stderr, "report", err)
	}
	meta := report.Meta{
		Title:        *title,
		ZoneName:     strings.TrimSuffix(filepath.Base(*zonePath), filepath.Ext(*zonePath)),
		Date:         time.Now(),
		Workspace:    *workspace,
		PlatformURL:  platform.URL,
		LastSync:     platform.LastSync,
		Attributions: export.DataAttributions(ws, mapview.DefaultLayers(ws, styles)),
	}
	var pdf bytes.Buffer
	if err := report.WritePDF(ctx, &pdf, mapview.NewRenderer(ws, mapview.RendererOptions{Styles: styles}), sel, meta); err != nil {
		return failure(stderr, "report", err)
	}
	if err := fileout.Write(*out, func(w io.Writer) error { _, err := w.Write(pdf.Bytes()); return err }); err != nil {
		return reportFailure(stderr, fmt.Sprintf("écriture de %s impossible : %v", *out, err))
	}
	if *geojson != "" {
		var gj bytes.Buffer
		if err := report.WriteGeoJSON(&gj, sel); err != nil {
			return failure(stderr, "report", err)
		}
		if err := fileout.Write(*geojson, func(w io.Writer) error { _, err := w.Write(gj.Bytes()); return err }); err != nil {
			return reportFailure(stderr, fmt.Sprintf("écriture de %s impossible : %v", *geojson, err))
		}
	}
	objects := "objet"
	if len(sel.Items) > 1 {
		objects = "objets"
	}
	margin := strings.Replace(strconv.FormatFloat(*buffer, 'f', -1, 64), ".", ",", 1)
	fmt.Fprintf(stdout, "Rapport écrit dans %s : %d %s dans la zone ou à moins de %s m, dont %d à investiguer avant travaux.\n",
		*out, len(sel.Items), objects, margin, sel.Investigate())
	if *geojson != "" {
		fmt.Fprintf(stdout, "Objets recensés écrits dans %s.\n", *geojson)
	}
	return 0
}

// reportUsage reports, in French, a command line that cannot work and
// returns exit status 2.
func reportUsage(stderr io.Writer, format string, args ...any) int {
	return usageFrench(stderr, "report", format, args...)
}

// reportFailure reports a French sentence and returns exit status 1.
func reportFailure(stderr io.Writer, msg string) int {
	return failureFrench(stderr, "report", msg)
}

// zoneProblem says in French why the zone file cannot serve.
func zoneProblem(path string, err error) string {
	var shape *report.ShapeError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("le fichier de zone %s n'existe pas", path)
	case errors.As(err, &shape):
		return fmt.Sprintf("la zone de %s doit être un polygone ou une ligne, pas %s", path, shapeName(shape.Found))
	case errors.Is(err, report.ErrZoneEmpty):
		return fmt.Sprintf("le fichier de zone %s ne contient aucune géométrie", path)
	case errors.Is(err, report.ErrZoneDegenerate):
		return fmt.Sprintf("la zone de %s n'a pas de surface (polygone) ou pas de longueur (ligne)", path)
	case errors.Is(err, report.ErrZoneCoordinates):
		return fmt.Sprintf("les coordonnées de %s ne sont pas des longitudes/latitudes : un fichier en Lambert-93 doit le dire (membre \"crs\" EPSG:2154, ou .prj du Shapefile)", path)
	case errors.Is(err, report.ErrZoneSRS):
		return fmt.Sprintf("le système de coordonnées de %s n'est pas pris en charge : enregistrez la zone en WGS84 (EPSG:4326) ou en Lambert-93", path)
	case errors.Is(err, report.ErrZoneUnreadable):
		return fmt.Sprintf("le fichier de zone %s n'est pas un GeoJSON lisible (ni un Shapefile)", path)
	}
	return err.Error()
}

// shapeName names, in French, what a zone that is neither polygon nor line is.
func shapeName(found string) string {
	switch found {
	case "Point":
		return "un point"
	case "MultiPoint":
		return "des points"
	case "Polygon+LineString":
		return "un mélange de polygones et de lignes"
	case "GeometryCollection":
		return "une collection de géométries"
	}
	return found
}

// selectProblem says in French why the selection failed.
func selectProblem(zonePath, workspace string, err error) string {
	switch {
	case errors.Is(err, report.ErrZoneOutside):
		return fmt.Sprintf("la zone de %s est hors des données de l'espace de travail %s : vérifiez que la zone est au bon endroit et en longitude/latitude", zonePath, workspace)
	case errors.Is(err, report.ErrNoNetworkLayer):
		return fmt.Sprintf("l'espace de travail %s n'a aucune couche de réseau (points ou lignes) à examiner", workspace)
	case errors.Is(err, store.ErrLayerNotFound):
		return fmt.Sprintf("--layers : %v", err)
	}
	return err.Error()
}
