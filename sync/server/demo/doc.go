// Package demo makes the demo territory of the platform: the 24 real
// communes of the Communauté de communes du Mâconnais-Tournugeois (embedded
// in assets.DemoFS) with networks and equipment generated on them,
// deterministically and plausibly, in the field names and code lists of the
// national standards.
//
// Layers returns the schemas: CNIG RAEPA for drinking water (canalaep,
// apparaep, ouvraep) and sewers (canalass, apparass, ouvrass), the AFIGEO
// PEI exchange format for fire hydrants (pei), and Terrimap's own street
// lights (eclairage), municipal buildings (batiment), flood zones
// (zone_inondable), communes and maintenance interventions, and the two
// layers of the DT-DICT answers: which networks declared at the guichet
// unique are ours (dtdict_ouvrages, settings rows without geometry) and the
// register of declarations received (dtdict, empty). Generate streams the
// features:
//
//   - in each commune a water network grown as a tree of streets from the
//     bourg, trunk mains out to the hamlets and the border, service pipes to
//     the houses, valves at junctions, a reservoir on the highest trunk end;
//   - a sewer network a few metres beside the mains of the bourg, manhole to
//     manhole, draining to a treatment plant, with pumping stations where the
//     ground demands them;
//   - hydrants on the mains every 150–200 m, street lights every 30–40 m,
//     2 to 6 municipal buildings near the centre, a handful of interventions
//     on real equipment, and flood zones in three hazard bands along the
//     Saône;
//   - each commune's drinking-water network declared as EAUPOT<INSEE>, and
//     its sewers (where it has some) as ASS<INSEE>.
//
// Everything derives from seeds fixed per commune (its INSEE code) and from
// GenerateOptions: the same options give the same features with the same
// ids. The package is pure: the standard library, orb and store/schema; no
// storage, no HTTP.
package demo
