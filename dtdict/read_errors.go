package dtdict

import (
	"errors"
	"fmt"
)

// Errors callers tell apart with errors.Is.
var (
	// ErrMalformed is wrapped by every *FormatError about a declaration
	// whose content is missing or wrong: the file is refused whole.
	ErrMalformed = errors.New("dtdict: malformed declaration")
	// ErrNotDeclaration is wrapped by the *FormatError returned for an XML
	// file whose root is not the one-stop shop's dossierConsultation (or is
	// not XML at all): another kind of file was given.
	ErrNotDeclaration = errors.New("dtdict: not a one-stop shop declaration")
)

// FormatError says what is wrong in a declaration file, in French, for the
// user: which element is missing or malformed.
type FormatError struct {
	// Element is the local name of the element concerned
	// ("codeINSEE", "posList"…); "" for the file as a whole.
	Element string
	// Message says it in French, naming the element: «L'élément
	// « codeINSEE » manque dans « emplacementDuProjet ».»
	Message string
	// Err is ErrMalformed or ErrNotDeclaration.
	Err error
}

// Error returns the French message behind the package and operation.
func (e *FormatError) Error() string { return "dtdict: read: " + e.Message }

// Unwrap returns ErrMalformed or ErrNotDeclaration.
func (e *FormatError) Unwrap() error { return e.Err }

// malformed returns a *FormatError wrapping ErrMalformed about element,
// with a French message made from format and args.
func malformed(element, format string, args ...any) *FormatError {
	return &FormatError{Element: element, Message: fmt.Sprintf(format, args...), Err: ErrMalformed}
}

// missing says that element lacks in parent.
func missing(element, parent string) *FormatError {
	return malformed(element, "L'élément « %s » manque dans « %s ».", element, parent)
}

// invalid says that element holds value, which is not what wanted
// describes ("une date", "un nombre de jours"…).
func invalid(element, value, wanted string) *FormatError {
	return malformed(element, "L'élément « %s » contient « %s », qui n'est pas %s.", element, shorten(value), wanted)
}

// shorten cuts a value quoted in a message to a readable length.
func shorten(s string) string {
	const max = 100
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max]) + "…"
}
