// Package dashboard computes the statistics élus read about a commune's or
// the whole intercommunality's networks — kilometres of water and sewer
// pipes by material, diameter class and decade of laying, the share of each
// location accuracy class, the fire hydrants available and checked within
// two years, the interventions of the last twelve months — and draws them
// as charts (github.com/wcharczuk/go-chart/v2) with French labels and
// numbers, large enough to be read on a projector.
//
// Lengths are measured in Lambert-93 (EPSG:2154, as store/srs projects it),
// in metres. A commune's features are those lying in its polygon (the
// communes layer): a point where it stands, a tronçon where the midpoint of
// its length lies, so that a pipe crossing a boundary is counted once, in
// one commune. The whole intercommunality ("" for the INSEE code) is every
// feature of the workspace. Service connections (branchemnt = 'O') are left
// out of the network lengths, as the RPQS indicators leave them out.
//
// The package is headless: no Fyne. The app shows its charts; package rpqs
// prints them.
package dashboard
