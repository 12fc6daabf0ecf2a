package formats

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// textDecoder turns the bytes of a legacy file into a UTF-8 string.
type textDecoder func([]byte) string

// decodeUTF8 keeps valid UTF-8 and replaces invalid bytes with U+FFFD.
func decodeUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// decodeWith returns a decoder for a single-byte code page.
func decodeWith(cm *charmap.Charmap) textDecoder {
	return func(b []byte) string { return decodeSingleByte(cm, b) }
}

// decodeSingleByte decodes b, in the single-byte code page cm.
func decodeSingleByte(cm *charmap.Charmap, b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + 8)
	for _, c := range b {
		sb.WriteRune(cm.DecodeByte(c))
	}
	return sb.String()
}

// cp1252 decodes Windows-1252, the superset of Latin-1 that French files
// declared as Latin-1 actually use (for œ, €, ’…).
func cp1252(b []byte) string { return decodeSingleByte(charmap.Windows1252, b) }

// codePageByName returns the decoder for a .cpg file's content ("UTF-8",
// "1252", "ANSI 1252", "ISO-8859-1", "CP850"…), or nil when it is not known.
func codePageByName(name string) textDecoder {
	n := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(name, "\ufeff")))
	n = strings.NewReplacer("-", "", "_", "", " ", "", "windows", "", "ansi", "", "iso", "", "cp", "").Replace(n)
	switch n {
	case "utf8", "65001", "utf8bom":
		return decodeUTF8
	case "1252", "88591", "latin1", "l1", "28591", "ascii", "usascii", "20127":
		return cp1252
	case "885915", "latin9", "28605":
		return decodeWith(charmap.ISO8859_15)
	case "1250":
		return decodeWith(charmap.Windows1250)
	case "1251":
		return decodeWith(charmap.Windows1251)
	case "437", "oem":
		return decodeWith(charmap.CodePage437)
	case "850":
		return decodeWith(charmap.CodePage850)
	case "852":
		return decodeWith(charmap.CodePage852)
	case "866":
		return decodeWith(charmap.CodePage866)
	}
	return nil
}

// codePageByLDID returns the decoder for a DBF language driver ID (byte 29
// of the header), or nil for 0 (not set) and unknown drivers.
func codePageByLDID(id byte) textDecoder {
	switch id {
	case 0x03, 0x57, 0x58, 0x59:
		return cp1252 // Windows ANSI; 0x57 is "current ANSI code page"
	case 0x01, 0x09, 0x0B, 0x0D, 0x0F, 0x11, 0x15, 0x18, 0x19, 0x1B:
		return decodeWith(charmap.CodePage437)
	case 0x02, 0x0A, 0x0E, 0x10, 0x12, 0x14, 0x16, 0x1A, 0x1D, 0x25, 0x37:
		return decodeWith(charmap.CodePage850)
	case 0x08, 0x17, 0x66:
		return decodeWith(charmap.CodePage865)
	case 0x1C:
		return decodeWith(charmap.CodePage863)
	case 0x1F, 0x22, 0x23, 0x40, 0x64:
		return decodeWith(charmap.CodePage852)
	case 0x24:
		return decodeWith(charmap.CodePage860)
	case 0x26, 0x65:
		return decodeWith(charmap.CodePage866)
	case 0xC8:
		return decodeWith(charmap.Windows1250)
	case 0xC9:
		return decodeWith(charmap.Windows1251)
	case 0xCA:
		return decodeWith(charmap.Windows1254)
	case 0xCB:
		return decodeWith(charmap.Windows1253)
	case 0xCC:
		return decodeWith(charmap.Windows1257)
	}
	return nil
}
