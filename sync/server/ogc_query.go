package server

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"terrimap/store/schema"
	"terrimap/sync/protocol"
)

// Page sizes of GET /items.
const (
	ogcDefaultLimit = 100
	ogcMaxLimit     = 10000
	// ogcMaxHTMLLimit bounds a page for a browser: 1,000 rows of a wide
	// table are already a megabyte of HTML.
	ogcMaxHTMLLimit = 1000
)

// Query parameters of GET /items besides the layer's fields.
const (
	paramLimit   = "limit"
	paramOffset  = "offset"
	paramBBox    = "bbox"
	paramBBoxCRS = "bbox-crs"
	paramCRS     = "crs"
	paramFormat  = "f"
	paramTime    = "datetime"
)

// itemsRequest is a parsed GET /items query.
type itemsRequest struct {
	ItemsQuery
	// NoMatch is set when an equality asks for a code outside the field's
	// list: nothing can match, the store is not asked.
	NoMatch bool
}

// parseItemsQuery reads the query of GET /items on layer l. As Part 1
// requires, an unknown parameter is refused (400), and so is a bad value;
// errors are French sentences for the person who wrote the URL. A limit
// above ogcMaxLimit is lowered to it, as the standard says.
func parseItemsQuery(l *schema.Layer, v url.Values) (itemsRequest, error) {
	req := itemsRequest{ItemsQuery: ItemsQuery{Limit: ogcDefaultLimit}}
	for _, name := range sortedParams(v) {
		values := v[name]
		if len(values) != 1 {
			return req, problem("Le paramètre « %s » est donné %d fois : donnez-le une seule fois.", clipName(name), len(values))
		}
		val := values[0]
		var err error
		switch name {
		case paramLimit:
			req.Limit, err = parseLimit(val)
		case paramOffset:
			req.Offset, err = parseOffset(val)
		case paramBBox:
			req.Bound, err = parseBBox(val)
		case paramBBoxCRS, paramCRS:
			if val != crs84 {
				err = problem("Seules les coordonnées longitude/latitude WGS 84 (%s) sont servies : « %s » n'est pas pris en charge.", crs84, clipName(val))
			}
		case paramFormat:
			if f := strings.ToLower(val); f != "json" && f != "geojson" && f != mediaGeoJSON && f != mediaJSON && f != formatHTML {
				err = problem("Format « %s » non pris en charge : f=json (GeoJSON) ou f=html (page pour un navigateur).", clipName(val))
			}
		case paramTime:
			req.During, err = parseDatetime(l, val)
		default:
			err = req.addEquality(l, name, val)
		}
		if err != nil {
			return req, err
		}
	}
	return req, nil
}

// sortedParams returns the parameter names in order, so that the first
// error reported does not change from one request to the next.
func sortedParams(v url.Values) []string {
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func parseLimit(s string) (int, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if errors.Is(err, strconv.ErrRange) && n > 0 {
		return ogcMaxLimit, nil
	}
	if err != nil || n < 1 {
		return 0, problem("« limit=%s » : un nombre entier d'objets par page est attendu, entre 1 et %d.", clipName(s), ogcMaxLimit)
	}
	return int(min(n, ogcMaxLimit)), nil
}

func parseOffset(s string) (int, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
	if err != nil || n < 0 {
		return 0, problem("« offset=%s » : un nombre entier positif ou nul est attendu.", clipName(s))
	}
	return int(n), nil
}

// parseBBox reads "minLon,minLat,maxLon,maxLat" (or the six numbers of a
// 3D box, heights ignored) in CRS84.
func parseBBox(s string) (*orb.Bound, error) {
	bad := func(why string) (*orb.Bound, error) {
		return nil, problem("« bbox=%s » : %s Attendu : bbox=lonMin,latMin,lonMax,latMax en degrés WGS 84, par exemple bbox=4.88,46.53,4.95,46.59.", clipName(s), why)
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return bad(fmt.Sprintf("%d nombres au lieu de 4.", len(parts)))
	}
	n := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return bad(fmt.Sprintf("« %s » n'est pas un nombre.", clipName(p)))
		}
		n[i] = f
	}
	if len(n) == 6 {
		n = []float64{n[0], n[1], n[3], n[4]}
	}
	switch {
	case n[1] > n[3]:
		return bad("la latitude minimale dépasse la maximale.")
	case n[0] > n[2]:
		return bad("la longitude minimale dépasse la maximale (les emprises à cheval sur l'antiméridien ne sont pas prises en charge).")
	}
	return &orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}, nil
}

// addEquality adds "field=value" to the query, typed as the field says;
// an empty value matches empty fields. A name that is no field of the
// layer is an unknown parameter.
func (req *itemsRequest) addEquality(l *schema.Layer, name, val string) error {
	f, ok := l.Field(name)
	if !ok {
		return problem("Paramètre « %s » inconnu. Paramètres possibles : limit, offset, bbox, datetime, f, ou un champ de la couche « %s » (%s).",
			clipName(name), l.DisplayTitle(), strings.Join(fieldNames(l), ", "))
	}
	typed, err := schema.Field{Name: f.Name, Type: f.Type}.Coerce(val)
	if err != nil {
		return problem("« %s=%s » : le champ « %s » attend %s.", f.Name, clipName(val), f.DisplayTitle(), frenchFieldType(f.Type))
	}
	if typed != nil && len(f.Domain) > 0 {
		if _, err := f.Coerce(typed); err != nil {
			req.NoMatch = true
		}
	}
	if req.Equals == nil {
		req.Equals = map[string]any{}
	}
	req.Equals[f.Name] = typed
	return nil
}

func fieldNames(l *schema.Layer) []string {
	out := make([]string, len(l.Fields))
	for i, f := range l.Fields {
		out[i] = f.Name
	}
	return out
}

// frenchFieldType names what a field of type t holds, for the message of
// a filter: as protocol.FrenchFieldType names it, with how an address
// writes a boolean or a date and time.
func frenchFieldType(t schema.FieldType) string {
	switch t {
	case schema.Boolean:
		return protocol.FrenchFieldType(t) + " (true/false)"
	case schema.DateTime:
		return protocol.FrenchFieldType(t) + " (ISO 8601)"
	}
	return protocol.FrenchFieldType(t)
}

// queryProblem is what is wrong with an OGC API query, as a French
// sentence for the person who wrote the URL; it is sent as it is.
type queryProblem string

func (p queryProblem) Error() string { return string(p) }

// problem formats a queryProblem.
func problem(format string, args ...any) error { return queryProblem(fmt.Sprintf(format, args...)) }
