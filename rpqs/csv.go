package rpqs

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"terrimap/icgp"
)

// WriteCSV writes the indicators, one line per item of each service's
// ICGP, then the totals and the renewal rates: indicateur, service, code,
// libellé, points, maximum, source (calculé/déclaré), pourcentage,
// compté (non when a gate keeps the item out), détail, déclaré par,
// déclaré le. Numbers are written with a point, for spreadsheets of any
// language; the separator is a semicolon, as French spreadsheets expect.
func WriteCSV(w io.Writer, rep *icgp.Report) error {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	rows := [][]string{{"indicateur", "service", "code", "libelle", "points", "maximum", "source", "pourcentage", "compte", "detail", "declare_par", "declare_le"}}
	for _, s := range scores(rep) {
		for _, it := range s.Items {
			source, on := "calculé", ""
			if !it.Computed {
				source = "déclaré"
			}
			if !it.DeclaredOn.IsZero() {
				on = it.DeclaredOn.Format("2006-01-02")
			}
			share := ""
			if it.Measured {
				share = strconv.FormatFloat(it.Percent, 'f', 2, 64)
			}
			counted := "oui"
			if it.Gated {
				counted = "non"
			}
			rows = append(rows, []string{s.Indicator, s.Service, it.Code, it.Label, strconv.Itoa(it.Points), strconv.Itoa(it.Max), source,
				share, counted, it.Detail, it.DeclaredBy, on})
		}
		rows = append(rows, []string{s.Indicator, s.Service, "classe_localisation", "Classe de précision de la localisation connue", "", "", "calculé",
			strconv.FormatFloat(s.LocationClassPercent, 'f', 2, 64), "", "", "", ""})
		rows = append(rows, []string{s.Indicator, s.Service, "total", "Indice de connaissance et de gestion patrimoniale", strconv.Itoa(s.Total), "120", "calculé", "", "", fmt.Sprintf("descriptif détaillé : %s", yesNo(s.DescriptifDetaille)), "", ""})
	}
	for _, r := range renewals(rep) {
		rows = append(rows, []string{r.indicator, r.service, "taux_renouvellement", "Taux moyen de renouvellement des réseaux", "", "", "calculé",
			strconv.FormatFloat(r.Rate, 'f', 3, 64), "", fmt.Sprintf("%.0f m renouvelés de %d à %d sur %.0f m", r.Renewed, r.FromYear, r.ToYear, r.NetworkLength), "", ""})
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("rpqs: csv: %w", err)
	}
	return nil
}

func yesNo(b bool) string {
	if b {
		return "oui"
	}
	return "non"
}

// scores returns the report's scores, water first.
func scores(rep *icgp.Report) []*icgp.Score {
	var out []*icgp.Score
	for _, s := range []*icgp.Score{rep.Water, rep.Sewer} {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

// renewalRow is a renewal rate with its indicator.
type renewalRow struct {
	icgp.Renewal
	indicator, service string
}

func renewals(rep *icgp.Report) []renewalRow {
	var out []renewalRow
	if rep.Water != nil {
		out = append(out, renewalRow{rep.RenewalWater, "P107.2", icgp.Water})
	}
	if rep.Sewer != nil {
		out = append(out, renewalRow{rep.RenewalSewer, "P253.2", icgp.Sewer})
	}
	return out
}
