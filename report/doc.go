// Package report answers, before works, "what is under the ground here?":
// it lists the features of the workspace's networks within a safety margin
// of a work zone, with their accuracy class, and writes the answer as an
// A4 PDF report and a GeoJSON file. It is headless (no Fyne): the command
// line (terrimap report) and the desktop app call it alike.
//
//	zone, err := report.ReadZone("travaux.geojson")        // polygon, or line…
//	zone.Width = 2                                         // …with its width in metres
//	sel, err := report.Select(ctx, ws, zone, report.Options{Buffer: report.DefaultBuffer})
//	err = report.WritePDF(ctx, pdf, mapview.NewRenderer(ws, mapview.RendererOptions{}), sel, report.Meta{…})
//	err = report.WriteGeoJSON(out, sel)
//
// What is searched: the layers NetworkLayers returns — every layer of
// points or lines (pipes, appliances, structures, hydrants, street lights),
// never polygon layers (communes, flood zones, building footprints: the
// map draws them for context) nor the interventions log.
//
// How: the zone is projected to Lambert-93 (EPSG:2154); the workspace's
// R-tree gives the candidates in the zone's box grown by the margin; each
// candidate's geometry, projected too, is kept when its exact distance to
// the zone (0 when they meet) is at most the margin — the margin plus half
// the width for a route. No buffer polygon is built to select: the
// outlines of the Selection are traced on a grid, to draw.
//
// Columns are read from the field names of the CNIG RAEPA geostandard and
// the AFIGEO PEI format (idcana, materiau, diametre, profgen, qualglocxy,
// gexploit, nom_gest, prec…), coded values shown by their labels. A
// feature of class C (qualglocxy 03) or of unknown accuracy needs an
// "investigation complémentaire" before works.
package report
