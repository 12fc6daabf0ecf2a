package iogen

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// communes are the intercommunality's communes, as the points' label.
var communes = []string{
	"Tournus", "Lacrost", "Préty", "Le Villars", "La Truchère", "Uchizy", "Farges-lès-Mâcon",
	"Plottes", "Ozenay", "Martailly-lès-Brancion", "Brancion", "Royer", "Chardonnay",
	"Saint-Albain", "Montbellet", "Lugny", "Burgy", "Clessé", "Grevilly", "La Chapelle-sous-Brancion",
	"Boyer", "Jugy", "Mancey", "Étrigny",
}

// territory is the intercommunality's extent in longitude/latitude.
var territory = [4]float64{4.7428, 46.3991, 4.9862, 46.5960}

// WritePoints writes n points of the territory as a GeoJSON
// FeatureCollection, one feature a line as ogr2ogr writes them, with the
// fields of a hydrant survey: nom (text), numero (integer), debit (real,
// sometimes null), datemaj (date) and commune (a French label).
func WritePoints(w io.Writer, n int, r *rand.Rand) error {
	if _, err := io.WriteString(w, "{\n\"type\": \"FeatureCollection\",\n\"name\": \"points\",\n\"features\": [\n"); err != nil {
		return err
	}
	var b []byte
	for i := range n {
		b = b[:0]
		if i > 0 {
			b = append(b, ",\n"...)
		}
		b = append(b, `{ "type": "Feature", "properties": { "nom": "Poteau incendie n°`...)
		b = strconv.AppendInt(b, int64(i+1), 10)
		b = append(b, `", "numero": `...)
		b = strconv.AppendInt(b, int64(r.IntN(2_000_000)-1000), 10)
		b = append(b, `, "debit": `...)
		if r.IntN(50) == 0 {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendFloat(b, float64(r.IntN(20000))/100, 'f', -1, 64)
		}
		b = fmt.Appendf(b, `, "datemaj": "%04d-%02d-%02d"`, 2005+r.IntN(20), 1+r.IntN(12), 1+r.IntN(28))
		b = append(b, `, "commune": "`...)
		b = append(b, communes[r.IntN(len(communes))]...)
		b = append(b, `" }, "geometry": { "type": "Point", "coordinates": [ `...)
		b = strconv.AppendFloat(b, round7(territory[0]+r.Float64()*(territory[2]-territory[0])), 'f', -1, 64)
		b = append(b, ", "...)
		b = strconv.AppendFloat(b, round7(territory[1]+r.Float64()*(territory[3]-territory[1])), 'f', -1, 64)
		b = append(b, " ] } }"...)
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "\n]\n}\n")
	return err
}

// round7 rounds a degree to 7 decimals (about a centimetre), as a GPS
// survey gives it.
func round7(v float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 7, 64), 64)
	return f
}
