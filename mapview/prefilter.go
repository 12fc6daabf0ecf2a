package mapview

import (
	"slices"

	"terrimap/store"
	"terrimap/store/schema"
)

// codeFilters returns filters that let the workspace skip, unread, the
// features the styler is sure to hide: the service pipes a rule shows only
// from zoom 15.5, the manholes of a layer whose style starts at zoom 16
// when only its pumping stations have a rule lowering that. Every feature
// the styler may show passes; resolve still decides. Only rules on text
// fields of the layer's schema are used.
func (st *styler) codeFilters(sch schema.Layer) []store.CodeFilter {
	setsZoom := func(o *override) bool { return o.src.MinZoom != nil || o.src.MaxZoom != nil }
	hides := func(o *override) bool {
		return (o.src.MinZoom != nil && st.zoom < *o.src.MinZoom) || (o.src.MaxZoom != nil && st.zoom >= *o.src.MaxZoom)
	}
	// The rules with a value that changes the zoom range; ranges that do
	// are not turned into filters.
	var zoomRules []int
	for i := range st.rules {
		r := &st.rules[i]
		for _, rg := range r.ranges {
			if setsZoom(&rg.o) {
				return nil
			}
		}
		for _, o := range r.values {
			if setsZoom(&o) {
				zoomRules = append(zoomRules, i)
				break
			}
		}
	}
	if len(zoomRules) == 0 {
		return nil
	}
	filter := func(i int, drop bool, pick func(o *override) bool) []store.CodeFilter {
		r := &st.rules[i]
		if f, ok := sch.Field(r.field); !ok || f.Type != schema.Text {
			return nil
		}
		codes := []string{}
		for k, o := range r.values {
			if pick(&o) {
				codes = append(codes, k)
			}
		}
		if drop && len(codes) == 0 {
			return nil
		}
		slices.Sort(codes)
		return []store.CodeFilter{{Field: r.field, Codes: codes, Drop: drop}}
	}
	if !st.hiddenAt() {
		// Shown unless a rule hides it: the values of the last rule that
		// change the zoom range and hide at this zoom hide for good, as no
		// later rule changes the range again.
		return filter(zoomRules[len(zoomRules)-1], true, hides)
	}
	// Hidden unless a rule shows it: when one rule alone can, only its
	// values that change the range and do not hide may show.
	if len(zoomRules) > 1 {
		return nil
	}
	return filter(zoomRules[0], false, func(o *override) bool { return setsZoom(o) && !hides(o) })
}
