// Package sqlitedsn builds the address modernc.org/sqlite opens a file by:
// a file: URI of the absolute path, with the characters a URI would misread
// escaped, and query parameters (pragmas, mode, transaction locking). The
// workspace store and the tile cache open their files through it, each with
// its own parameters.
package sqlitedsn

import (
	"path/filepath"
	"strings"
)

// uriEscaper escapes what would end or change the path part of a file: URI.
var uriEscaper = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// URI returns the address of the file at path (made absolute; a Windows
// path gets a leading slash, as in file:/C:/…) with params joined as its
// query, in order.
func URI(path string, params ...string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	uri := "file:" + uriEscaper.Replace(p)
	if len(params) > 0 {
		uri += "?" + strings.Join(params, "&")
	}
	return uri
}
