package wfs

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"terrimap/internal/ogcxml"
)

// newDecoder is an XML decoder of at most limit bytes of r.
func newDecoder(r io.Reader, limit int64) *xml.Decoder {
	dec := xml.NewDecoder(io.LimitReader(r, limit))
	dec.CharsetReader = ogcxml.CharsetReader
	return dec
}

// node is an element read whole: a feature, a geometry, a schema.
type node struct {
	name     xml.Name
	attrs    []xml.Attr
	children []*node
	text     strings.Builder
}

// Limits of one element read whole, against a hostile document.
const (
	maxDepth = 64
	maxNodes = 4_000_000
)

// readNode reads the element start opened, up to its end.
func readNode(dec *xml.Decoder, start xml.StartElement) (*node, error) {
	root := &node{name: start.Name, attrs: start.Attr}
	stack := []*node{root}
	count := 1
	for len(stack) > 0 {
		tok, err := dec.Token()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			count++
			if len(stack) >= maxDepth || count > maxNodes {
				return nil, fmt.Errorf("element <%s> too deep or too large", start.Name.Local)
			}
			n := &node{name: t.Name, attrs: t.Attr}
			top.children = append(top.children, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top.text.Write(t)
		}
	}
	return root, nil
}

// attr is the value of the attribute of that local name; "" when absent.
func (n *node) attr(local string) string {
	for _, a := range n.attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// child is the first child of that local name; nil when none.
func (n *node) child(local string) *node {
	for _, c := range n.children {
		if c.name.Local == local {
			return c
		}
	}
	return nil
}

// all lists the children of that local name.
func (n *node) all(local string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.name.Local == local {
			out = append(out, c)
		}
	}
	return out
}

// walk visits n and its descendants depth first; visit returning false
// skips the descendants of the node it was given.
func (n *node) walk(visit func(*node) bool) {
	if !visit(n) {
		return
	}
	for _, c := range n.children {
		c.walk(visit)
	}
}
