package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"terrimap/dtdict"
	"terrimap/internal/paper"
	"terrimap/store"
	"terrimap/store/schema"
)

// dueSoonDays is how near a due date the register warns of it.
const dueSoonDays = 2

// runDtdict answers DT-DICT declarations: import one into the register,
// answer one (récépissé, plans, vector files), list the register. It
// speaks French: its readers are the mairies' secretaries.
func runDtdict(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return dtdictUsage(stderr, "", "dites quoi faire : import, answer ou list")
	}
	switch args[0] {
	case "import":
		return runDtdictImport(args[1:], stdout, stderr)
	case "answer":
		return runDtdictAnswer(args[1:], stdout, stderr)
	case "list":
		return runDtdictList(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		printDtdictUsage(stdout)
		return 0
	}
	return dtdictUsage(stderr, "", "%q n'est pas une action : import, answer ou list", args[0])
}

// printDtdictUsage writes the usage of terrimap dtdict.
func printDtdictUsage(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Réponses aux DT-DICT (déclarations de travaux reçues du guichet unique) :")
	fmt.Fprintln(tw, "  terrimap dtdict import --workspace WS [--received AAAA-MM-JJ] [--paper] FICHIER.xml\tenregistre la déclaration au registre, dit l'échéance et si nos réseaux sont concernés")
	fmt.Fprintln(tw, "  terrimap dtdict answer --workspace WS FICHIER.xml --out DOSSIER [--signatory NOM] [--works-planned] [--site-meeting] [--basemap FOND] [--received AAAA-MM-JJ] [--paper]\técrit le récépissé, les plans et les plans vectoriels demandés, et note la réponse au registre")
	fmt.Fprintln(tw, "  terrimap dtdict list --workspace WS\tle registre, par échéance")
	fmt.Fprintln(tw, "--basemap : fond de plan sous les réseaux des plans, comme pour terrimap render (platform:URL, un fichier .mbtiles…) ; aucun par défaut.")
	fmt.Fprintln(tw, "--works-planned : des travaux sur nos ouvrages sont prévus dans la zone ; --site-meeting : le récépissé propose un rendez-vous sur site pour localiser nos ouvrages.")
	fmt.Fprintln(tw, "--received : jour de réception (aujourd'hui par défaut) ; --paper : reçue sur papier (délais plus longs qu'une réception électronique).")
	fmt.Fprintln(tw, "Synchronisez ensuite (terrimap sync) pour partager le registre avec l'intercommunalité.")
	_ = tw.Flush()
}

// dtdictUsage reports, in French, a command line that cannot work and
// returns exit status 2.
func dtdictUsage(stderr io.Writer, action, format string, args ...any) int {
	name := strings.TrimSpace("dtdict " + action)
	fmt.Fprintf(stderr, "terrimap %s : %s ; \"terrimap dtdict help\" donne l'usage\n", name, fmt.Sprintf(format, args...))
	return 2
}

// dtdictFailure reports a French sentence and returns exit status 1.
func dtdictFailure(stderr io.Writer, action, msg string) int {
	fmt.Fprintf(stderr, "terrimap dtdict %s : %s\n", action, clause(msg))
	return 1
}

// declarationArgs are the arguments import and answer share.
type declarationArgs struct {
	workspace, file string
	received        time.Time
	paper           bool
	// receivedGiven: --received was given (not today by default).
	receivedGiven bool
}

// receptionProblem reports, exit status 2, a --received day the
// declaration cannot have come on (dtdict.CheckReception): before the day
// it was made, a typing slip, or a day still to come. 0 when the day is
// possible; without --received, the register takes today, or the
// declaration's day when later.
func receptionProblem(stderr io.Writer, action string, a declarationArgs, d *dtdict.Declaration) int {
	if !a.receivedGiven {
		return 0
	}
	day := a.received.Format(schema.DateLayout)
	switch err := dtdict.CheckReception(a.received, d.Declared, time.Now()); {
	case errors.Is(err, dtdict.ErrReceivedLater):
		return dtdictUsage(stderr, action, "--received %s : ce jour n'est pas encore arrivé", day)
	case errors.Is(err, dtdict.ErrReceivedBeforeDeclared):
		return dtdictUsage(stderr, action, "--received %s : la déclaration n'a été faite que le %s", day, paper.Date(d.Declared))
	}
	return 0
}

// lateReceptionDays is how many days after the declaration was made a
// reception day taken by default (today) makes import and answer warn.
const lateReceptionDays = 2

// warnOfLateReception warns, when the reception day is today by default
// and the declaration was made lateReceptionDays or more before, that
// the deadline counts from the reception day: an XML received on Friday
// and imported on Monday would get a deadline three days late. Nothing is
// said when the register kept an earlier reception day (e, a former
// import).
func warnOfLateReception(w io.Writer, a declarationArgs, d *dtdict.Declaration, e dtdict.Entry) {
	if a.receivedGiven || d.Declared.IsZero() || dtdict.DaysLeft(e.Received, a.received) != 0 {
		return
	}
	days := dtdict.DaysLeft(a.received, d.Declared)
	if days < lateReceptionDays {
		return
	}
	fmt.Fprintf(w, "Attention : la déclaration a été faite le %s, il y a %s ; le délai de réponse court à partir du jour de réception, "+
		"aujourd'hui (%s) faute de --received : si elle a été reçue plus tôt, donnez ce jour avec --received AAAA-MM-JJ.\n",
		paper.Date(d.Declared), paper.Plural(days, "jour", "jours"), paper.Date(a.received))
}

// parseDeclarationArgs parses the command line of import or answer with
// flags, which holds the action's own flags. It returns exit status 0 when
// the command line works.
func parseDeclarationArgs(flags *flag.FlagSet, action string, args []string, stderr io.Writer) (declarationArgs, int) {
	workspace := flags.String("workspace", "", "workspace GeoPackage")
	received := flags.String("received", "", "day the declaration was received, YYYY-MM-DD (today)")
	paperCopy := flags.Bool("paper", false, "received on paper, not electronically")
	rest, err := parseFlags(flags, args)
	var out declarationArgs
	switch {
	case errors.Is(err, flag.ErrHelp):
		printDtdictUsage(stderr)
		return out, 2
	case err != nil:
		return out, dtdictUsage(stderr, action, "%v", err)
	case *workspace == "":
		return out, dtdictUsage(stderr, action, "--workspace manque : donnez l'espace de travail (fichier .gpkg)")
	case len(rest) == 0:
		return out, dtdictUsage(stderr, action, "donnez le fichier XML de la déclaration")
	case len(rest) > 1:
		return out, dtdictUsage(stderr, action, "un seul fichier de déclaration à la fois, pas %q et %q", rest[0], rest[1])
	}
	out.workspace, out.file, out.paper = *workspace, rest[0], *paperCopy
	out.received = today()
	if *received != "" {
		t, err := time.ParseInLocation(schema.DateLayout, *received, time.Local)
		if err != nil {
			return out, dtdictUsage(stderr, action, "--received %s : donnez le jour de réception sous la forme AAAA-MM-JJ (2026-12-03)", *received)
		}
		out.received, out.receivedGiven = t, true
	}
	return out, 0
}

// today is the current civil day, local time.
func today() time.Time {
	y, m, d := time.Now().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.Local)
}

// readDeclaration reads a declaration's XML file whole and the
// declaration in it; the error is a French sentence.
func readDeclaration(path string) (*dtdict.Declaration, []byte, string) {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, fmt.Sprintf("le fichier %s n'existe pas", path)
	case err != nil:
		return nil, nil, fmt.Sprintf("lecture de %s impossible : %v", path, err)
	case info.IsDir():
		return nil, nil, fmt.Sprintf("%s est un dossier : donnez le fichier XML de la déclaration", path)
	case info.Size() > dtdict.MaxDeclarationSize:
		return nil, nil, fmt.Sprintf("%s pèse %s Mo : ce n'est pas une déclaration du guichet unique (quelques dizaines de ko)", path, paper.Decimal(float64(info.Size())/(1<<20), 1))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Sprintf("lecture de %s impossible : %v", path, err)
	}
	d, err := dtdict.Read(bytes.NewReader(data))
	if err != nil {
		return nil, nil, declarationProblem(path, err)
	}
	return d, data, ""
}

// declarationProblem says in French why a file is not a declaration we read.
func declarationProblem(path string, err error) string {
	var fe *dtdict.FormatError
	switch {
	case errors.Is(err, dtdict.ErrNotDeclaration):
		return fmt.Sprintf("%s n'est pas une déclaration DT-DICT du guichet unique (la racine doit être dossierConsultation)", path)
	case errors.As(err, &fe):
		return fmt.Sprintf("%s : %s ; rien n'a été enregistré", path, clause(fe.Message))
	}
	return fmt.Sprintf("%s illisible : %s ; rien n'a été enregistré", path, clause(err.Error()))
}

// openWorkspace opens a workspace to write the register; the error is a
// French sentence.
func openWorkspace(path string) (*store.Workspace, string) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Sprintf("l'espace de travail %s n'existe pas : synchronisez d'abord avec la plateforme (terrimap sync)", path)
	}
	ws, err := store.Open(path, store.Options{})
	if err != nil {
		return nil, fmt.Sprintf("ouverture de l'espace de travail %s impossible : %v", path, err)
	}
	return ws, ""
}

// registerProblem says in French why the register could not be written.
func registerProblem(workspace string, err error) string {
	switch {
	case errors.Is(err, dtdict.ErrNoRegister):
		return fmt.Sprintf("l'espace de travail %s n'a pas le registre des DT-DICT (couche dtdict) : synchronisez-le avec la plateforme, qui le publie", workspace)
	case errors.Is(err, dtdict.ErrRegisterReadOnly), errors.Is(err, dtdict.ErrOutsideTerritory), errors.Is(err, dtdict.ErrNoOwnership):
		return clause(strings.TrimPrefix(err.Error(), "dtdict: "))
	}
	return clause(err.Error())
}

func runDtdictImport(args []string, stdout, stderr io.Writer) int {
	a, code := parseDeclarationArgs(newFlags("dtdict import"), "import", args, stderr)
	if code != 0 {
		return code
	}
	d, xml, problem := readDeclaration(a.file)
	if problem != "" {
		return dtdictFailure(stderr, "import", problem)
	}
	if code := receptionProblem(stderr, "import", a, d); code != 0 {
		return code
	}
	ws, problem := openWorkspace(a.workspace)
	if problem != "" {
		return dtdictFailure(stderr, "import", problem)
	}
	defer ws.Close()
	ctx := context.Background()
	entry, analysis, err := dtdict.Import(ctx, ws, d, xml, a.received, !a.paper, dtdict.AnalysisOptions{})
	if entry.Number == "" {
		return dtdictFailure(stderr, "import", registerProblem(a.workspace, err))
	}
	printDeclaration(stdout, d, entry)
	warnOfLateReception(stdout, a, d, entry)
	status := strings.ToLower(entry.Status(time.Now()).Label())
	if err != nil {
		fmt.Fprintf(stdout, "Au registre : %s.\n", status)
		return dtdictFailure(stderr, "import", "analyse impossible : "+registerProblem(a.workspace, err))
	}
	printVerdict(stdout, analysis)
	fmt.Fprintf(stdout, "Au registre : %s ; synchronisez pour la partager (terrimap sync).\n", status)
	return 0
}

// printDeclaration writes what a declaration is and when it is due.
func printDeclaration(w io.Writer, d *dtdict.Declaration, e dtdict.Entry) {
	where := e.Commune
	if d.Place.INSEE != "" {
		where = strings.TrimSpace(where + " (" + d.Place.INSEE + ")")
	}
	fmt.Fprintf(w, "%s n° %s — %s ; déclarant : %s\n", d.Kind, d.Number, where, e.Declarant)
	if e.Due.IsZero() {
		fmt.Fprintf(w, "Reçue le %s : avis de travaux urgents, à traiter sans délai.\n", paper.Date(e.Received))
		return
	}
	fmt.Fprintf(w, "Reçue le %s ; réponse due au plus tard le %s.\n", paper.Date(e.Received), paper.Date(e.Due))
}

// printVerdict writes whether our networks are concerned.
func printVerdict(w io.Writer, a *dtdict.Analysis) {
	if !a.Concerned {
		fmt.Fprintf(w, "Non concerné : %s.\n", clause(a.Reason))
		return
	}
	var codes []string
	for _, o := range a.Ours {
		codes = append(codes, o.Code)
	}
	fmt.Fprintf(w, "Concerné : %s de nos réseaux (%s) dans la zone ou à moins de leur marge.\n",
		paper.Plural(len(a.Items), "objet", "objets"), strings.Join(codes, ", "))
}

func runDtdictList(args []string, stdout, stderr io.Writer) int {
	flags := newFlags("dtdict list")
	workspace := flags.String("workspace", "", "workspace GeoPackage")
	rest, err := parseFlags(flags, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		printDtdictUsage(stderr)
		return 2
	case err != nil:
		return dtdictUsage(stderr, "list", "%v", err)
	case *workspace == "":
		return dtdictUsage(stderr, "list", "--workspace manque : donnez l'espace de travail (fichier .gpkg)")
	case len(rest) > 0:
		return dtdictUsage(stderr, "list", "argument inattendu %q", rest[0])
	}
	if _, err := os.Stat(*workspace); errors.Is(err, fs.ErrNotExist) {
		return dtdictFailure(stderr, "list", fmt.Sprintf("l'espace de travail %s n'existe pas", *workspace))
	}
	ws, err := store.Open(*workspace, store.Options{ReadOnly: true})
	if err != nil {
		return dtdictFailure(stderr, "list", fmt.Sprintf("ouverture de l'espace de travail %s impossible : %v", *workspace, err))
	}
	defer ws.Close()
	entries, err := dtdict.Entries(context.Background(), ws)
	if err != nil {
		return dtdictFailure(stderr, "list", registerProblem(*workspace, err))
	}
	if len(entries) == 0 {
		fmt.Fprintln(stdout, "Le registre est vide : aucune déclaration reçue.")
		return 0
	}
	now := time.Now()
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Échéance\tStatut\tType\tNuméro\tCommune\tConcerné\tDéclarant\tReçue le\tRépondu le\tFichiers")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", shortDate(e.Due, "sans délai"), e.Status(now).Label(), e.Kind, e.Number,
			e.Commune, concernedWord(e), e.Declarant, shortDate(e.Received, ""), shortDate(e.Answered, ""), len(e.Files))
	}
	_ = tw.Flush()
	overdue, soon := dtdict.DueCounts(entries, now, dueSoonDays*24*time.Hour)
	fmt.Fprintf(stdout, "%s au registre%s.\n", paper.Plural(len(entries), "déclaration", "déclarations"), dueParts(overdue, soon))
	return 0
}

// dueParts says how many declarations are past their due date and how
// many are due within dueSoonDays, naming only the counts that are not 0:
// «, dont 2 hors délai et 1 à rendre d'ici 2 jours»; "" when both are.
func dueParts(overdue, soon int) string {
	var parts []string
	if overdue > 0 {
		parts = append(parts, fmt.Sprintf("%d hors délai", overdue))
	}
	if soon > 0 {
		parts = append(parts, fmt.Sprintf("%d à rendre d'ici %d jours", soon, dueSoonDays))
	}
	if len(parts) == 0 {
		return ""
	}
	return ", dont " + strings.Join(parts, " et ")
}

// clause makes a French sentence a clause of a longer one, written after
// a colon and maybe followed by « ; » or more: without its full stop
// («… (5 caractères). ; rien n'a été enregistré» read wrong), starting in
// lower case as afterColon does. An ellipsis stays.
func clause(sentence string) string {
	s := strings.TrimSpace(sentence)
	if strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "..") {
		s = strings.TrimSpace(strings.TrimSuffix(s, "."))
	}
	return afterColon(s)
}

// afterColon starts a sentence that follows a colon in lower case, as
// French writes it («Aucun de nos ouvrages…» becomes «aucun de nos
// ouvrages…», «L'élément…» «l'élément…»), leaving acronyms (EAUPOT71543,
// DT) as they are.
func afterColon(s string) string {
	first, size := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(first) {
		return s
	}
	word := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })[0]
	if utf8.RuneCountInString(word) > 1 && strings.ToUpper(word) == word {
		return s
	}
	return string(unicode.ToLower(first)) + s[size:]
}

// concernedWord says whether our networks are concerned: oui, non, or ?
// before the analysis.
func concernedWord(e dtdict.Entry) string {
	switch {
	case !e.Analysed:
		return "?"
	case e.Concerned:
		return "oui"
	}
	return "non"
}

// shortDate writes a day as 03/12/2026; empty for the zero time.
func shortDate(t time.Time, empty string) string {
	if t.IsZero() {
		return empty
	}
	return t.Format("02/01/2006")
}
