package protocol

import (
	"strconv"

	"terrimap/internal/jsonscan"
)

// The platform writes pages of the change feed with the functions below,
// straight into one buffer: encoding/json would marshal each change's
// properties, then the change, then check and compact what every
// MarshalJSON returned. They write exactly the bytes encoding/json writes
// (TestAppendChangeMatchesEncodingJSON); values of types they do not know
// are handed to encoding/json.

// appender is a message that writes itself as JSON; Encode uses it.
type appender interface {
	appendJSON(dst []byte) ([]byte, error)
}

func (r ChangesResponse) appendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, `{"changes":`...)
	if r.Changes == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i, c := range r.Changes {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = c.appendJSON(dst); err != nil {
				return nil, err
			}
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"next":`...)
	dst = strconv.AppendInt(dst, r.Next, 10)
	dst = append(dst, `,"more":`...)
	dst = strconv.AppendBool(dst, r.More)
	dst = append(dst, `,"schema_version":`...)
	dst = strconv.AppendInt(dst, r.SchemaVersion, 10)
	return append(dst, '}'), nil
}

// appendJSON writes the change as MarshalJSON does, a GeoJSON Feature.
func (c Change) appendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, `{"type":"Feature","id":`...)
	dst = appendJSONString(dst, c.ID)
	dst = append(dst, `,"layer":`...)
	dst = appendJSONString(dst, c.Layer)
	dst = append(dst, `,"seq":`...)
	dst = strconv.AppendInt(dst, c.Seq, 10)
	dst = append(dst, `,"version":`...)
	dst = strconv.AppendInt(dst, c.Version, 10)
	if c.Deleted {
		dst = append(dst, `,"deleted":true`...)
	}
	dst = append(dst, `,"geometry":`...)
	var err error
	if dst, err = appendGeometry(dst, c.Geometry); err != nil {
		return nil, err
	}
	dst = append(dst, `,"properties":`...)
	if dst, err = appendProperties(dst, c.Properties); err != nil {
		return nil, err
	}
	if c.ModifiedBy != "" {
		dst = append(dst, `,"modified_by":`...)
		dst = appendJSONString(dst, c.ModifiedBy)
	}
	if !c.ModifiedAt.IsZero() {
		b, err := c.ModifiedAt.MarshalJSON()
		if err != nil {
			return nil, err
		}
		dst = append(append(dst, `,"modified_at":`...), b...)
	}
	return append(dst, '}'), nil
}

// appendProperties writes props as encoding/json writes a map: keys sorted,
// null for a nil map.
func appendProperties(dst []byte, props map[string]any) ([]byte, error) {
	return jsonscan.AppendObject(dst, props)
}

// appendJSONString writes s as encoding/json does.
func appendJSONString(dst []byte, s string) []byte { return jsonscan.AppendString(dst, s) }
