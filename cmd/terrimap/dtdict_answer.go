package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"terrimap/dtdict"
	"terrimap/internal/paper"
	"terrimap/mapview"
	"terrimap/mapview/tiles"
	"terrimap/sync/client"
)

// runDtdictAnswer answers a declaration whole: récépissé, plans and vector
// plans written into --out, the answer noted in the register.
func runDtdictAnswer(args []string, stdout, stderr io.Writer) int {
	flags := newFlags("dtdict answer")
	out := flags.String("out", "", "folder to write the answer into")
	signatory := flags.String("signatory", "", "who signs the récépissé")
	worksPlanned := flags.Bool("works-planned", false, "works on our networks are planned in the zone")
	siteMeeting := flags.Bool("site-meeting", false, "the récépissé offers a meeting on site to locate our networks")
	basemap := flags.String("basemap", "none", "drawn under the plans: none, a preset, an .mbtiles/.pmtiles/.gpkg file or platform:URL[#style]")
	a, code := parseDeclarationArgs(flags, "answer", args, stderr)
	if code != 0 {
		return code
	}
	if !tiles.Named(*basemap) {
		return dtdictUsage(stderr, "answer", "--basemap %q : donnez none, un fond prédéfini (%s), un fichier .mbtiles, .pmtiles ou .gpkg, ou platform:URL", *basemap, tiles.PresetNames())
	}
	if *out == "" {
		return dtdictUsage(stderr, "answer", "--out manque : donnez le dossier où écrire la réponse")
	}
	d, xml, problem := readDeclaration(a.file)
	if problem != "" {
		return dtdictFailure(stderr, "answer", problem)
	}
	if code := receptionProblem(stderr, "answer", a, d); code != 0 {
		return code
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return dtdictFailure(stderr, "answer", fmt.Sprintf("création du dossier %s impossible : %v", *out, err))
	}
	ws, problem := openWorkspace(a.workspace)
	if problem != "" {
		return dtdictFailure(stderr, "answer", problem)
	}
	defer ws.Close()
	ctx := context.Background()
	by := *signatory
	if by == "" {
		if info, err := client.Platform(ctx, ws); err == nil {
			by = info.User
		}
	}
	src, closeSrc, err := openBasemap(*basemap, a.workspace)
	if err != nil {
		return dtdictFailure(stderr, "answer", err.Error())
	}
	defer closeSrc()
	r := mapview.NewRenderer(ws, mapview.RendererOptions{Styles: workspaceStyles(ctx, ws)})
	res, err := dtdict.Answer(ctx, ws, r, d, xml, dtdict.AnswerOptions{
		Dir: *out, Received: a.received, Paper: a.paper, Signatory: *signatory, By: by, WorksPlanned: *worksPlanned, SiteMeeting: *siteMeeting, Basemap: src,
	})
	if err != nil && res == nil {
		return dtdictFailure(stderr, "answer", answerProblem(a.workspace, *out, err))
	}
	printDeclaration(stdout, d, res.Entry)
	warnOfLateReception(stdout, a, d, res.Entry)
	printVerdict(stdout, res.Analysis)
	fmt.Fprintf(stdout, "Fichiers écrits dans %s :\n", *out)
	for _, f := range res.Files {
		fmt.Fprintf(stdout, "  %s\n", filepath.Base(f))
	}
	for _, n := range res.Notes {
		fmt.Fprintf(stdout, "Attention : %s.\n", n)
	}
	if err != nil {
		return dtdictFailure(stderr, "answer", "la réponse est écrite mais le registre n'a pas pu la noter : "+registerProblem(a.workspace, err))
	}
	fmt.Fprintf(stdout, "Registre : %s le %s ; synchronisez pour le partager (terrimap sync).\n",
		strings.ToLower(res.Entry.Stored.Label()), paper.Date(res.Entry.Answered))
	printRecipients(stdout, d)
	return 0
}

// answerProblem says in French why no answer was written: the register's
// and the ownerships' own sentences, else that nothing was written into
// dir, with the technical detail after it (a folder in the way, a full
// disk…).
func answerProblem(workspace, dir string, err error) string {
	for _, known := range []error{dtdict.ErrNoRegister, dtdict.ErrRegisterReadOnly, dtdict.ErrOutsideTerritory, dtdict.ErrNoOwnership} {
		if errors.Is(err, known) {
			return registerProblem(workspace, err)
		}
	}
	return fmt.Sprintf("la réponse n'a pas pu être écrite dans %s (aucun fichier n'y est laissé) — détail technique : %v", dir, err)
}

// printRecipients ends the answer with whom to send it to: name, e-mail
// (or the postal address when the declaration gives none) and role.
func printRecipients(w io.Writer, d *dtdict.Declaration) {
	fmt.Fprintln(w, "À envoyer à :")
	for _, p := range dtdict.Recipients(d) {
		who := strings.Join(nonEmpty(p.Name, p.Contact), ", ")
		where := strings.TrimSpace(p.Email)
		if where == "" {
			where = "pas d'adresse électronique dans la déclaration ; par courrier : " + orNone(p.Address, "adresse inconnue")
		}
		line := "  " + orNone(who, "déclarant sans nom") + " — " + where
		if role := p.RoleTitle(); role != "" {
			line += " (" + role + ")"
		}
		fmt.Fprintln(w, line)
	}
}

// nonEmpty keeps the values that are not blank, trimmed.
func nonEmpty(values ...string) []string {
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// orNone is s trimmed, or none when it is blank.
func orNone(s, none string) string {
	if s = strings.TrimSpace(s); s == "" {
		return none
	}
	return s
}
