package dtdict

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"terrimap/internal/fileout"
	"terrimap/mapview"
	"terrimap/mapview/tiles"
	"terrimap/store"
)

// AnswerOptions says how to answer a declaration.
type AnswerOptions struct {
	// Dir is the folder the answer's files are written to; it must exist.
	Dir string
	// Received is the day the declaration came (today when zero); Paper
	// is true when it came on paper, not electronically (longer delays).
	Received time.Time
	Paper    bool
	// Answered is the day of the answer (today when zero).
	Answered time.Time
	// Signatory signs the récépissé; By is who the register says answered
	// (Signatory when empty).
	Signatory, By string
	// WorksPlanned is true when works on our networks are planned in the
	// zone within three months.
	WorksPlanned bool
	// SiteMeeting is true when the récépissé offers a meeting on site to
	// locate our networks (AnswerMeta.SiteMeeting).
	SiteMeeting bool
	// Analysis tunes the analysis.
	Analysis AnalysisOptions
	// Basemap, when not nil, is drawn under the plans (AnswerMeta.Basemap).
	Basemap tiles.Source
}

// Answered is what Answer did.
type Answered struct {
	// Analysis is the verdict and the features found.
	Analysis *Analysis
	// Due is the day the answer was due (zero for an ATU).
	Due time.Time
	// Files are the paths of the files written, the récépissé first.
	Files []string
	// Plans are the plan sheets of the plans' PDF (none when not concerned).
	Plans []PlanRef
	// Entry is the register's entry after the answer.
	Entry Entry
	// Notes say, in French, what the answer could not give as asked (vector
	// plans in a format we do not write).
	Notes []string
}

// Answer answers a declaration whole: it records it in the register and
// analyses it (Import), writes into opts.Dir the récépissé
// (recepisse-<numéro>.pdf), and when our networks are concerned the plans
// (plans-<numéro>.pdf) and the vector plans in the format the declarant
// asked (when asked), then records the answer with its files in the
// register. The files are written all or none: nothing is left in
// opts.Dir when a step fails. xml is the file received, kept with the
// entry.
func Answer(ctx context.Context, ws *store.Workspace, r *mapview.Renderer, d *Declaration, xml []byte, opts AnswerOptions) (*Answered, error) {
	today := time.Now()
	if opts.Received.IsZero() {
		opts.Received = today
	}
	if opts.Answered.IsZero() {
		opts.Answered = today
	}
	if opts.By == "" {
		opts.By = opts.Signatory
	}
	if info, err := os.Stat(opts.Dir); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("dtdict: answer: %w: %s", ErrAnswerDir, opts.Dir)
	}
	entry, a, err := Import(ctx, ws, d, xml, opts.Received, !opts.Paper, opts.Analysis)
	if err != nil {
		return nil, err
	}
	out := &Answered{Analysis: a, Due: entry.Due}
	meta := AnswerMeta{Received: entry.Received, Due: entry.Due, Answered: opts.Answered, Signatory: opts.Signatory, WorksPlanned: opts.WorksPlanned, SiteMeeting: opts.SiteMeeting, Basemap: opts.Basemap}
	files, err := writeAnswer(ctx, r, a, &meta, opts.Dir, fileStem(d), &out.Notes)
	if err != nil {
		return nil, fmt.Errorf("dtdict: answer %s: %w", d.Number, err)
	}
	out.Plans = meta.Plans
	for _, f := range files {
		out.Files = append(out.Files, filepath.Join(opts.Dir, f.Name))
	}
	if out.Entry, err = MarkAnswered(ctx, ws, d.Number, d.Kind, opts.Answered, opts.By, files); err != nil {
		return out, err // the files are written: the caller says so
	}
	return out, nil
}

// ErrAnswerDir: the folder to write the answer into is not a folder.
var ErrAnswerDir = errors.New("le dossier de la réponse n'existe pas")

// writeAnswer renders the answer's files, then writes them into dir: all,
// or none when one fails. meta gets the plans and the vector files; notes
// what could not be given as asked.
func writeAnswer(ctx context.Context, r *mapview.Renderer, a *Analysis, meta *AnswerMeta, dir, stem string, notes *[]string) ([]File, error) {
	var files []File
	if a.Concerned {
		var plans bytes.Buffer
		refs, err := WritePlans(ctx, &plans, r, a, *meta)
		vectorFormat, wantVector := a.Declaration.Wishes.VectorFormat, a.Declaration.Wishes.Vector
		switch {
		case errors.Is(err, ErrTooManySheets):
			// A zone too large for plans on paper is still answered: the
			// récépissé says we are concerned, and our networks go as
			// vector plans, in the format asked or else DXF.
			*notes = append(*notes, "zone trop étendue pour des plans papier au 1:2 000 (plus de 100 feuilles) : nos ouvrages sont joints en plans vectoriels ; demandez au déclarant de préciser l'emprise s'il lui faut des plans papier")
			if !wantVector {
				wantVector, vectorFormat = true, "DXF"
			}
		case err != nil:
			return nil, err
		default:
			meta.Plans = refs
			files = append(files, File{Name: "plans-" + stem + ".pdf", Data: plans.Bytes()})
		}
		if wantVector {
			vector, err := renderVector(a, vectorFormat)
			switch {
			case errors.Is(err, ErrVectorFormat) && len(meta.Plans) == 0:
				// No plans on paper either: our networks go in DXF.
				*notes = append(*notes, fmt.Sprintf("plans vectoriels demandés au format « %s », que Terrimap ne sait pas écrire : ils sont joints en DXF", vectorFormat))
				if vector, err = renderVector(a, "DXF"); err != nil {
					return nil, err
				}
			case errors.Is(err, ErrVectorFormat):
				*notes = append(*notes, fmt.Sprintf("plans vectoriels demandés au format « %s », que Terrimap ne sait pas écrire (DXF, Shapefile ou MIF/MID) : envoyez les plans PDF seuls", vectorFormat))
			case err != nil:
				return nil, err
			}
			for _, f := range vector {
				meta.VectorFiles = append(meta.VectorFiles, f.Name)
			}
			files = append(files, vector...)
		}
	}
	var recepisse bytes.Buffer
	if err := WriteRecepisse(ctx, &recepisse, r, a, *meta); err != nil {
		return nil, err
	}
	files = append([]File{{Name: "recepisse-" + stem + ".pdf", Data: recepisse.Bytes()}}, files...)
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = filepath.Join(dir, f.Name)
	}
	err := fileout.WriteSet(paths, func(i int, w io.Writer) error { _, err := w.Write(files[i].Data); return err })
	if err != nil {
		return nil, err
	}
	return files, nil
}

// renderVector writes the vector plans into a folder of its own and reads
// them back, so that the answer's files are put in place together.
func renderVector(a *Analysis, format string) ([]File, error) {
	tmp, err := os.MkdirTemp("", "terrimap-dtdict-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	paths, err := WriteVector(tmp, a, format)
	if err != nil {
		return nil, err
	}
	var out []File
	for _, p := range paths {
		if !filepath.IsAbs(p) {
			p = filepath.Join(tmp, p)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		out = append(out, File{Name: filepath.Base(p), Data: data})
	}
	return out, nil
}
