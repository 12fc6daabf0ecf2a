package formats

import (
	"math"
	"strconv"
	"strings"

	"terrimap/internal/jsonscan"
	"terrimap/store/schema"
)

// datasetBuilder collects features and their fields in order of
// appearance. Property values go into the features' maps as they are read,
// in the Go type their own kind gives (int64, float64, bool, string; nested
// values as JSON text); finish converts those whose field ends up of
// another type.
type datasetBuilder struct {
	mode     builderMode
	data     []byte   // the document, where number literals are
	keys     []string // by field index: the property key
	names    []string // by field index: the field name, the key made unique ignoring case
	index    map[string]int32
	taken    map[string]bool // field names in lower case
	kinds    []kindSet       // by field index
	features []Feature

	// pending are the fields and kinds of the properties being read, last
	// those of the previous feature: its order of fields is the guess for
	// the next.
	pending, last []propKind
	// numbers are the numbers among the values, whose literal may be needed.
	numbers []numberRef
	// strings, by field index, remember the values of fields that repeat
	// them (a type, a town, a date).
	strings []stringCache

	// learnSchema: how many features were added, and their geometry types.
	count      int
	geometries GeometryKinds
	// typedFeatures: the type of each field, and the feature just added.
	types   []schema.FieldType
	current Feature
}

// builderMode is what a datasetBuilder does with the features it is given.
type builderMode uint8

const (
	// collectFeatures keeps every feature, in memory; finish decides the
	// field types and converts the values.
	collectFeatures builderMode = iota
	// learnSchema keeps no feature: it learns the fields, the kinds of
	// their values, the count and the geometry types (a first pass).
	learnSchema
	// typedFeatures knows the fields and their types (those a learnSchema
	// pass found) and converts each feature's values as they are read,
	// keeping only the last feature (a second pass).
	typedFeatures
)

// stringCache holds the string values met in one field with their kinds,
// each boxed once for all the features that have it. It gives up on a field
// whose values are mostly distinct.
type stringCache struct {
	values map[string]cachedString
	seen   int
	off    bool
}

type cachedString struct {
	v any
	k kind
}

// stringCacheTrial is how many values of a field are cached before
// checking that at least half were repeats; then at most stringCacheMax
// distinct values are kept.
const (
	stringCacheTrial = 4096
	stringCacheMax   = 4096
)

// propKind is a property read and the kind of its value.
type propKind struct {
	field  int32
	kind   kind
	number int // index in numbers; -1 when not a number
}

// numberRef tells where a number property value was written, and where
// its literal is in the document.
type numberRef struct {
	feature    int
	field      int32 // -1: overwritten by a duplicate key
	form       jsonscan.Form
	start, end int
}

// builderMark is a state of a datasetBuilder to roll back to.
type builderMark struct{ names, numbers int }

func (b *datasetBuilder) reset() {
	*b = datasetBuilder{data: b.data, mode: b.mode}
}

// typed returns a builder for a second pass over the features whose
// fields b learnt.
func (b *datasetBuilder) typed() *datasetBuilder {
	fields := b.schemaFields()
	t := &datasetBuilder{mode: typedFeatures, keys: b.keys, names: b.names, index: b.index,
		types: make([]schema.FieldType, len(fields)), kinds: make([]kindSet, len(fields)),
		strings: make([]stringCache, len(fields))}
	for i, f := range fields {
		t.types[i] = f.Type
	}
	return t
}

// schemaFields returns the fields with the types the kinds of their
// values give.
func (b *datasetBuilder) schemaFields() []Field {
	var fields []Field
	for i, n := range b.names {
		fields = append(fields, Field{Name: n, Type: b.kinds[i].fieldType()})
	}
	return fields
}

func (b *datasetBuilder) mark() builderMark {
	return builderMark{len(b.names), len(b.numbers)}
}

// rollback forgets what was read since m: fields, pending properties.
func (b *datasetBuilder) rollback(m builderMark) {
	for i := m.names; i < len(b.names); i++ {
		delete(b.index, b.keys[i])
		delete(b.taken, strings.ToLower(b.names[i]))
	}
	b.keys, b.names = b.keys[:m.names], b.names[:m.names]
	b.kinds, b.strings = b.kinds[:m.names], b.strings[:m.names]
	b.numbers = b.numbers[:m.numbers]
	b.pending = b.pending[:0]
}

// fieldOf returns the index of the field of property key, the next
// property of the feature being read, adding the field if new. Features
// tend to list their properties in the same order: that of the previous
// feature is tried first.
//
// A field is named after its key, but field names must differ otherwise
// than by case (the store's column names ignore it): a key that differs
// from an earlier one only by case ("Nom" after "nom") gets a suffix
// ("Nom_2"), as duplicate column names of a CSV file do.
//
// A typedFeatures builder adds no field: it returns -1 for a key the first
// pass did not keep (that of a "properties" member a later one replaced),
// whose value is then ignored.
func (b *datasetBuilder) fieldOf(key []byte) int32 {
	if n := len(b.pending); n < len(b.last) && string(key) == b.keys[b.last[n].field] {
		return b.last[n].field
	}
	if i, ok := b.index[string(key)]; ok {
		return i
	}
	if b.mode == typedFeatures {
		return -1
	}
	if b.index == nil {
		b.index, b.taken = map[string]int32{}, map[string]bool{}
	}
	k := string(key)
	name := k
	for n := 2; b.taken[strings.ToLower(name)]; n++ {
		name = k + "_" + strconv.Itoa(n)
	}
	b.taken[strings.ToLower(name)] = true
	i := int32(len(b.names))
	b.index[k] = i
	b.keys = append(b.keys, k)
	b.names = append(b.names, name)
	b.kinds = append(b.kinds, 0)
	b.strings = append(b.strings, stringCache{})
	return i
}

// setString sets the next property of the feature being read, of the given
// field, to the string text.
func (b *datasetBuilder) setString(props map[string]any, field int32, text []byte) {
	if field < 0 {
		return
	}
	c := &b.strings[field]
	if c.off {
		str := string(text)
		k := kindText
		if b.mode != typedFeatures {
			k = stringKind(str, false)
		}
		b.pending = append(b.pending, propKind{field: field, kind: k, number: -1})
		b.put(props, field, str)
		return
	}
	cs, ok := c.values[string(text)]
	if !ok {
		str := string(text)
		cs = cachedString{v: str, k: kindText}
		if b.mode != typedFeatures {
			cs.k = stringKind(str, false)
		}
		if c.values == nil {
			c.values = map[string]cachedString{}
		}
		if len(c.values) < stringCacheMax {
			c.values[str] = cs
		}
	}
	if c.seen++; c.seen == stringCacheTrial && len(c.values) > stringCacheTrial/2 {
		*c = stringCache{off: true}
	}
	b.pending = append(b.pending, propKind{field: field, kind: cs.k, number: -1})
	b.put(props, field, cs.v)
}

// put sets a property of the feature being read: nowhere when learning the
// schema, converted to its field's type in a second pass.
func (b *datasetBuilder) put(props map[string]any, field int32, v any) {
	switch b.mode {
	case learnSchema:
		return
	case typedFeatures:
		v = typedValue(v, b.types[field])
	}
	props[b.names[field]] = v
}

// set sets the next property of the feature being read, of the given field, to v.
func (b *datasetBuilder) set(props map[string]any, field int32, v jsonscan.Value) {
	if field < 0 {
		return
	}
	if b.mode == typedFeatures {
		b.setTyped(props, field, v)
		return
	}
	pk := propKind{field: field, number: -1}
	var x any
	switch v.Form {
	case jsonscan.FormNull:
		pk.kind = kindNull
	case jsonscan.FormBool:
		x, pk.kind = v.Bool, kindBool
	case jsonscan.FormString:
		x, pk.kind = v.Text, stringKind(v.Text, false)
	case jsonscan.FormRaw:
		x, pk.kind = v.Text, kindText
	case jsonscan.FormInt, jsonscan.FormFloat:
		if b.mode == collectFeatures {
			pk.number = len(b.numbers)
			b.numbers = append(b.numbers, numberRef{feature: len(b.features), field: field,
				start: v.Start, end: v.End, form: v.Form})
		}
		if v.Form == jsonscan.FormInt {
			x, pk.kind = v.Int, kindInt
		} else {
			x, pk.kind = v.Float, kindReal
		}
	case jsonscan.FormBigNumber: // digits beyond float64 are kept as text
		x, pk.kind = string(b.data[v.Start:v.End]), kindText
	}
	b.pending = append(b.pending, pk)
	b.put(props, field, x)
}

// setTyped is set in a second pass: the value converted right away to the
// type of its field, as finish converts it in one pass.
func (b *datasetBuilder) setTyped(props map[string]any, field int32, v jsonscan.Value) {
	b.pending = append(b.pending, propKind{field: field, number: -1})
	t := b.types[field]
	var x any
	switch v.Form {
	case jsonscan.FormBool:
		x = typedValue(v.Bool, t)
	case jsonscan.FormString:
		x = typedValue(v.Text, t)
	case jsonscan.FormRaw:
		x = v.Text
	case jsonscan.FormInt, jsonscan.FormFloat:
		switch {
		case t == schema.Text:
			x = string(b.data[v.Start:v.End])
		case v.Form == jsonscan.FormFloat:
			x = v.Float
		case t == schema.Real:
			f := float64(v.Int)
			if v.Int == 0 && b.data[v.Start] == '-' {
				f = math.Copysign(0, -1)
			}
			x = f
		default:
			x = v.Int
		}
	case jsonscan.FormBigNumber:
		x = string(b.data[v.Start:v.End])
	}
	props[b.names[field]] = x
}

// dropOverwritten marks the numbers of the pending properties that a later
// duplicate key overwrote.
func (b *datasetBuilder) dropOverwritten() {
	later := map[int32]bool{}
	for i := len(b.pending) - 1; i >= 0; i-- {
		p := b.pending[i]
		if later[p.field] && p.number >= 0 {
			b.numbers[p.number].field = -1
		}
		later[p.field] = true
	}
}

// add adds f, whose properties are the pending ones.
func (b *datasetBuilder) add(f Feature) {
	if b.mode != typedFeatures {
		for _, p := range b.pending {
			b.kinds[p.field].add(p.kind)
		}
	}
	b.last, b.pending = b.pending, b.last[:0]
	if f.Properties == nil && b.mode != learnSchema {
		f.Properties = map[string]any{}
	}
	switch b.mode {
	case learnSchema:
		b.count++
		b.geometries.Add(f.Geometry)
	case typedFeatures:
		b.current = f
	default:
		b.features = append(b.features, f)
	}
}

// finish decides the field types and converts the values whose own type is
// not their field's: integers among reals, numbers and booleans among
// text, strings of a datetime field. Numbers going to text keep their
// literal ("2.50" stays "2.50"). The strings of a date field are already
// in the stored form (TestDateConversionIsIdentity).
func (b *datasetBuilder) finish() ([]Field, []Feature) {
	var fields []Field
	types := make([]schema.FieldType, len(b.names))
	var convert []int32 // fields whose non-number values need converting
	for i, n := range b.names {
		t := b.kinds[i].fieldType()
		types[i] = t
		fields = append(fields, Field{Name: n, Type: t})
		if t == schema.DateTime || t == schema.Text && b.kinds[i]&(1<<kindBool) != 0 {
			convert = append(convert, int32(i))
		}
	}
	for i := range b.numbers {
		n := &b.numbers[i]
		if n.field < 0 {
			continue
		}
		props, name := b.features[n.feature].Properties, b.names[n.field]
		switch types[n.field] {
		case schema.Real:
			if iv, ok := props[name].(int64); ok {
				// The float nearest the integer, as jsonscan.ParseFloat of its
				// literal gives, without reading the literal back but
				// for the sign of -0.
				f := float64(iv)
				if iv == 0 && b.data[n.start] == '-' {
					f = math.Copysign(0, -1)
				}
				props[name] = f
			}
		case schema.Text:
			props[name] = string(b.data[n.start:n.end])
		}
	}
	if len(convert) > 0 {
		for _, f := range b.features {
			for _, i := range convert {
				if v, ok := f.Properties[b.names[i]]; ok && v != nil {
					f.Properties[b.names[i]] = convertValue(v, types[i])
				}
			}
		}
	}
	if b.features == nil {
		b.features = []Feature{}
	}
	return fields, b.features
}

// typedValue converts what finish converts: a boolean of a text field,
// a string of a datetime field.
func typedValue(v any, t schema.FieldType) any {
	switch x := v.(type) {
	case bool:
		if t == schema.Text {
			return strconv.FormatBool(x)
		}
	case string:
		if t == schema.DateTime {
			return convertString(x, t, false)
		}
	}
	return v
}

// convertValue converts a boolean to text, or a string to t.
func convertValue(v any, t schema.FieldType) any {
	switch x := v.(type) {
	case bool:
		if t == schema.Boolean {
			return x
		}
		return strconv.FormatBool(x)
	case string:
		return convertString(x, t, false)
	}
	return v
}
