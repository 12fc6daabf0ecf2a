// Package icgp computes the indice de connaissance et de gestion
// patrimoniale des réseaux (ICGP) that a water or sewer service reports
// every year in its RPQS: indicator P103.2B for drinking water and P202.2B
// for sewers, 0 to 120 points, as the arrêté du 2 mai 2007 (annexe I)
// scores them since its amendment of 2 December 2013. It also computes the
// mean renewal rate of the networks (P107.2 and P253.2).
//
// What the data can prove is computed from the CNIG RAEPA layers of the
// workspace (canalaep, apparaep, ouvraep, canalass, ouvrass, pei,
// interventions): the share of the network's length whose material and
// diameter are known, whose laying date or period is known, whose
// altimetry is known (sewers), the fittings and structures located, the
// connections per tronçon, the interventions located. The rest — the
// written update procedure, the pump inventory, the meters' records, the
// programmes, the model — is declared by the service in the synced layer
// icgp_declarations (Declare writes one); the newest declaration of an
// item wins.
//
// The gates of the arrêté apply: the inventory's points count only when
// the plan's 15 points are reached, and the other points only when the
// plan and the inventory reach 40 (the «descriptif détaillé des réseaux»
// of article D.2224-5-1 of the CGCT).
//
// Lengths are measured in Lambert-93 (EPSG:2154) on the tronçons'
// geometries, not read from longcana. Service connections (branchemnt =
// 'O') are not part of the network's length: the arrêté measures the
// network, and the renewal rate excludes them explicitly. A tronçon
// belongs to the commune where the point at half its length lies, so that
// a pipe crossing a boundary is counted once.
//
//	rep, err := icgp.Compute(ctx, ws, icgp.Options{INSEE: "71543", Year: 2026})
//	fmt.Println(rep.Water.Total, rep.Water.DescriptifDetaille)
//	for _, b := range rep.Water.Blockers { fmt.Println(b.Message) }
package icgp
