package dtdict

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// Limits on what Read accepts: a real declaration is a few hundred
// elements and some kilobytes of coordinates.
const (
	// MaxDeclarationSize is the largest file Read accepts, in bytes.
	MaxDeclarationSize = 32 << 20
	// maxDepth is the deepest nesting of elements accepted.
	maxDepth = 64
	// maxElements is the most elements accepted in one file.
	maxElements = 200_000
)

// The namespaces a declaration is read by (never by prefix).
const (
	// nsTeleservice22 and nsTeleservice21 are the one-stop shop's exchange
	// schema, versions 2.2 and 2.1.
	nsTeleservice22 = "http://www.reseaux-et-canalisations.gouv.fr/schema-teleservice/2.2"
	nsTeleservice21 = "http://www.reseaux-et-canalisations.gouv.fr/schema-teleservice/2.1"
	// nsGML is GML 3.2, the zone's geometry.
	nsGML = "http://www.opengis.net/gml/3.2"
	// nsINSEE holds the person names (NomFamille, Prenom) of some parties.
	nsINSEE = "http://xml.insee.fr/schema"
)

// node is one XML element, read whole into memory.
type node struct {
	name  xml.Name
	attrs []xml.Attr
	text  string
	kids  []*node
}

// readTree reads the XML document of data into a tree of elements, within
// the limits of depth and count. A file that is not XML says so.
func readTree(data []byte) (*node, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = charsetReader
	var (
		stack []*node
		root  *node
		text  strings.Builder
		count int
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, syntaxError(err, stack)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			count++
			if count > maxElements {
				return nil, malformed(t.Name.Local, "Le fichier contient plus de %d éléments XML : ce n'est pas une déclaration.", maxElements)
			}
			if len(stack) >= maxDepth {
				return nil, malformed(t.Name.Local, "Les éléments XML sont imbriqués sur plus de %d niveaux (dans « %s ») : ce n'est pas une déclaration.", maxDepth, t.Name.Local)
			}
			n := &node{name: t.Name, attrs: t.Copy().Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, malformed(t.Name.Local, "Le fichier contient un second élément racine « %s ».", t.Name.Local)
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.kids = append(parent.kids, n)
			}
			stack = append(stack, n)
			text.Reset()
		case xml.CharData:
			if len(stack) > 0 {
				text.Write(t)
			}
		case xml.EndElement:
			n := stack[len(stack)-1]
			if len(n.kids) == 0 {
				n.text = strings.TrimSpace(text.String())
			}
			text.Reset()
			stack = stack[:len(stack)-1]
		}
	}
	if root == nil {
		return nil, &FormatError{Message: "Le fichier ne contient aucun élément XML : ce n'est pas une déclaration du guichet unique.", Err: ErrNotDeclaration}
	}
	return root, nil
}

// syntaxError words an XML decoding error, naming the element being read.
func syntaxError(err error, stack []*node) error {
	where, element := "", ""
	if len(stack) > 0 {
		element = stack[len(stack)-1].name.Local
		where = fmt.Sprintf(" (dans « %s »)", element)
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		if len(stack) == 0 {
			return &FormatError{Message: fmt.Sprintf("Le fichier n'est pas du XML lisible (ligne %d) : ce n'est pas une déclaration du guichet unique.", se.Line), Err: ErrNotDeclaration}
		}
		return malformed(element, "Le fichier n'est pas du XML bien formé à la ligne %d%s.", se.Line, where)
	}
	return malformed(element, "Le fichier ne peut pas être lu comme du XML%s : %v.", where, err)
}

// charsetReader decodes the legacy encodings a French file may declare;
// UTF-8 needs none.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "windows-1252", "cp1252":
		// Windows-1252 is the superset of Latin-1 that such files use.
		return charmap.Windows1252.NewDecoder().Reader(input), nil
	case "iso-8859-15", "latin9", "latin-9":
		return charmap.ISO8859_15.NewDecoder().Reader(input), nil
	}
	return nil, fmt.Errorf("encodage %q non pris en charge", label)
}

// attr returns the value of the attribute of local name local, whatever
// its namespace, and whether it is there.
func (n *node) attr(local string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// child returns n's first child of namespace space and local name local,
// or nil.
func (n *node) child(space, local string) *node {
	for _, k := range n.kids {
		if k.name.Space == space && k.name.Local == local {
			return k
		}
	}
	return nil
}

// children returns n's children of namespace space and local name local.
func (n *node) children(space, local string) []*node {
	var out []*node
	for _, k := range n.kids {
		if k.name.Space == space && k.name.Local == local {
			out = append(out, k)
		}
	}
	return out
}

// descendants returns the elements of namespace space and local name
// local under n (n excluded), in document order, without looking inside
// the ones found.
func (n *node) descendants(space, local string) []*node {
	var out []*node
	var walk func(*node)
	walk = func(m *node) {
		for _, k := range m.kids {
			if k.name.Space == space && k.name.Local == local {
				out = append(out, k)
				continue
			}
			walk(k)
		}
	}
	walk(n)
	return out
}
