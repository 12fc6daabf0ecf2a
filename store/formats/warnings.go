package formats

// WarningKind names what a file format could not hold as it was.
type WarningKind uint8

const (
	// WarnFieldRenamed: a field name was cut or changed (Field → Name); a
	// dBase file holds names of 10 ASCII characters at most.
	WarnFieldRenamed WarningKind = iota + 1
	// WarnTextCut: Count texts of Field were longer than a dBase text (254
	// bytes) and were cut.
	WarnTextCut
	// WarnDateTimeAsText: the date-times of Field were written as text (ISO
	// 8601), dBase having no date-time type.
	WarnDateTimeAsText
	// WarnGeometryDropped: Count features had a geometry the file cannot
	// hold beside the others (a line among points, a collection…) and were
	// written without it.
	WarnGeometryDropped
	// WarnNumberTooWide: Count numbers of Field did not fit a dBase number
	// (20 characters) and were left empty.
	WarnNumberTooWide
)

// Warning is something of the data a written file cannot hold as it was.
// The UI words it (app/); the CLI prints String.
type Warning struct {
	Kind  WarningKind
	Field string // the field concerned, by its name in the layer
	Name  string // WarnFieldRenamed: its name in the file
	Count int    // how many values or features
}
