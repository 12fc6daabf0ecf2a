package dtdict

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"terrimap/mapview"
	"terrimap/store"
)

// OwnershipLayer is the platform's synced setting of which networks
// declared at the guichet unique are ours: one row, without geometry, per
// codeOuvrage.
const OwnershipLayer = "dtdict_ouvrages"

// DefaultMarginC is how far from the works zone, in metres, a feature of
// location class C or of unknown class may lie and still be in it, when
// the setting does not say.
const DefaultMarginC = 5.0

// ErrNoOwnership is returned (wrapped) when the workspace has no
// OwnershipLayer: the platform does not say which networks are ours.
var ErrNoOwnership = errors.New("dtdict: the workspace does not say which networks are ours (no dtdict_ouvrages layer)")

// Ownership is one network of ours as declared at the guichet unique: its
// code, the commune where we operate it, its layers and what the récépissé
// says of it.
type Ownership struct {
	// Code is the codeOuvrage (EAUPOT71543); INSEE the commune where the
	// network is operated: only its features lying in that commune count.
	Code, INSEE string
	// Layers are the network's layers in the workspace (canalaep,
	// apparaep, ouvraep).
	Layers []string
	// Class is the guichet unique's classeOuvrage; Category "S" or "NS".
	Class, Category string
	// Operator, Address, EmergencyPhone (to call on damage) and Contact
	// (the service to reach about the answer) are printed on the récépissé,
	// as are the Recommendations.
	Operator, Address, EmergencyPhone, Contact, Recommendations string
	// MarginC is the margin, in metres, for features of class C or of
	// unknown class (DefaultMarginC when the setting is empty).
	MarginC float64
}

// Ownerships reads the networks that are ours from OwnershipLayer, sorted
// by code. Rows without a code are skipped. A workspace without the layer
// gives ErrNoOwnership.
func Ownerships(ctx context.Context, ws *store.Workspace) ([]Ownership, error) {
	if _, err := ws.Layer(OwnershipLayer); err != nil {
		if errors.Is(err, store.ErrLayerNotFound) {
			return nil, ErrNoOwnership
		}
		return nil, fmt.Errorf("dtdict: ownerships: %w", err)
	}
	var out []Ownership
	err := ws.Each(ctx, store.Query{Layer: OwnershipLayer}, func(f store.Feature) bool {
		if o := ownershipOf(f.Properties); o.Code != "" {
			out = append(out, o)
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("dtdict: ownerships: %w", err)
	}
	slices.SortStableFunc(out, func(a, b Ownership) int { return cmp.Compare(a.Code, b.Code) })
	return out, nil
}

// ownershipOf reads one row of OwnershipLayer.
func ownershipOf(p map[string]any) Ownership {
	text := func(name string) string { return strings.TrimSpace(mapview.ValueKey(p[name])) }
	o := Ownership{
		Code: text("code_ouvrage"), INSEE: text("insee"),
		Class: text("classe"), Category: text("categorie"),
		Operator: text("exploitant"), Address: text("adresse"), EmergencyPhone: text("tel_urgence"),
		Contact: text("contact"), Recommendations: text("recommandations"),
		MarginC: DefaultMarginC,
	}
	for _, name := range strings.Split(text("couches"), ",") {
		if name = strings.TrimSpace(name); name != "" && !slices.Contains(o.Layers, name) {
			o.Layers = append(o.Layers, name)
		}
	}
	if m, ok := mapview.NumericValue(p["marge_classe_c"]); ok && m > 0 && !math.IsInf(m, 0) {
		o.MarginC = m
	}
	return o
}

// ours returns the ownerships among all whose code one of the
// declaration's networks gives, in the declaration's order, each once.
// Codes are compared without case or surrounding spaces.
func ours(all []Ownership, networks []Network) []Ownership {
	var out []Ownership
	for _, n := range networks {
		code := strings.TrimSpace(n.Code)
		for _, o := range all {
			if strings.EqualFold(o.Code, code) && !slices.ContainsFunc(out, func(x Ownership) bool { return x.Code == o.Code }) {
				out = append(out, o)
			}
		}
	}
	return out
}
