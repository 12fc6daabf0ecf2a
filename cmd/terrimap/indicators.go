package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"terrimap/icgp"
	"terrimap/internal/fileout"
	"terrimap/rpqs"
	"terrimap/store"
)

// runIndicators writes the RPQS annex of a commune (or of the whole
// intercommunality): the ICGP of water and sewers, the renewal rates, the
// inventory tables and the charts, as a PDF and, with --csv, the
// indicators as CSV. It speaks French: its readers are the services and
// the élus.
func runIndicators(args []string, stdout, stderr io.Writer) int {
	flags := newFlags("indicators")
	workspace := flags.String("workspace", "", "workspace GeoPackage")
	commune := flags.String("commune", "", "INSEE code of the commune (default: the whole intercommunality)")
	year := flags.Int("year", time.Now().Year(), "the RPQS's year")
	out := flags.String("out", "", "the PDF annex to write")
	csvPath := flags.String("csv", "", "also write the indicators to this CSV file")
	rest, err := parseFlags(flags, args)
	switch {
	case err != nil:
		return indicatorsUsage(stderr, "%s", flagErrorFrench(err))
	case *workspace == "":
		return indicatorsUsage(stderr, "--workspace manque : donnez l'espace de travail (fichier .gpkg)")
	case *out == "" || !strings.EqualFold(filepath.Ext(*out), ".pdf"):
		return indicatorsUsage(stderr, "--out manque ou ne finit pas par .pdf : donnez le fichier PDF de l'annexe")
	case *csvPath != "" && !strings.EqualFold(filepath.Ext(*csvPath), ".csv"):
		return indicatorsUsage(stderr, "--csv %s : le fichier doit finir par .csv", *csvPath)
	case *year < 2000 || *year > 2100:
		return indicatorsUsage(stderr, "--year %d : donnez l'année du rapport, par exemple 2026", *year)
	case len(rest) > 0:
		return indicatorsUsage(stderr, "argument inattendu %q", rest[0])
	}
	ctx := context.Background()
	ws, err := store.Open(*workspace, store.Options{ReadOnly: true})
	if errors.Is(err, fs.ErrNotExist) {
		return indicatorsFailure(stderr, fmt.Sprintf("l'espace de travail %s n'existe pas", *workspace))
	}
	if err != nil {
		return failure(stderr, "indicators", err)
	}
	defer ws.Close()
	rep, stats, meta, err := rpqs.Compute(ctx, ws, *commune, *year, time.Now())
	switch {
	case errors.Is(err, store.ErrCommuneNotFound):
		return indicatorsFailure(stderr, fmt.Sprintf("la commune %s n'est pas dans l'espace de travail", *commune))
	case errors.Is(err, icgp.ErrNoNetwork):
		return indicatorsFailure(stderr, "l'espace de travail n'a ni canalisations d'eau potable (canalaep) ni d'assainissement (canalass)")
	case err != nil:
		return failure(stderr, "indicators", err)
	}
	var pdf bytes.Buffer
	if err := rpqs.WritePDF(&pdf, rep, stats, meta); err != nil {
		return failure(stderr, "indicators", err)
	}
	if err := fileout.Write(*out, func(w io.Writer) error { _, err := w.Write(pdf.Bytes()); return err }); err != nil {
		return indicatorsFailure(stderr, fmt.Sprintf("écriture de %s impossible : %v", *out, err))
	}
	if *csvPath != "" {
		if err := fileout.Write(*csvPath, func(w io.Writer) error { return rpqs.WriteCSV(w, rep) }); err != nil {
			return indicatorsFailure(stderr, fmt.Sprintf("écriture de %s impossible : %v", *csvPath, err))
		}
	}
	for _, s := range []*icgp.Score{rep.Water, rep.Sewer} {
		if s != nil {
			fmt.Fprintf(stdout, "%s (%s) : %d points sur 120\n", s.Indicator, s.Service, s.Total)
		}
	}
	fmt.Fprintf(stdout, "annexe écrite dans %s\n", *out)
	return 0
}

// indicatorsUsage reports a usage error in French (exit status 2).
func indicatorsUsage(stderr io.Writer, format string, args ...any) int {
	return usageFrench(stderr, "indicators", format, args...)
}

// indicatorsFailure reports a French sentence (exit status 1).
func indicatorsFailure(stderr io.Writer, msg string) int {
	return failureFrench(stderr, "indicators", msg)
}
