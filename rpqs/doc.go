// Package rpqs writes the annex of the RPQS (rapport annuel sur le prix et
// la qualité du service) that Terrimap can fill: for each service, the
// ICGP table (P103.2B, P202.2B) with the points of each item, computed from
// the data or declared and by whom, the gates, the renewal rate (P107.2,
// P253.2), the inventory tables (km by material, diameter class and decade
// of laying) and the dashboard's charts — as an A4 PDF printed with the
// shared print engine (internal/paper), and the indicators as CSV.
//
//	rep, stats, meta, _ := rpqs.Compute(ctx, ws, insee, 2026, now)
//	err := rpqs.WritePDF(w, rep, stats, meta)
//	err = rpqs.WriteCSV(w, rep)
package rpqs
