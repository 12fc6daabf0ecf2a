// Package protocol holds the wire types and the rules of Terrimap's sync API
// (/api/v1/…), shared by the desktop client (sync/client) and the platform
// (sync/server) so that neither imports the other.
//
// It is pure: the standard library, orb and store/schema, no storage, no UI,
// no HTTP handlers. It defines
//
//   - the paths, headers, limits and protocol version (paths.go);
//   - the messages: token (auth.go), layers (layers.go), change feed
//     (changes.go), push (push.go), history (history.go), blobs (blobs.go)
//     and errors (errors.go), each with a bounded, strict DecodeX function
//     (decode.go) and an Encode that writes what they read;
//   - the rules both sides apply: a pushed change's well-formedness
//     (PushChange.Validate) and fit to its layer (PushChange.ValidateAgainst),
//     and the merge rule the platform answers a push with (Merge, merge.go).
//
// Geometries travel as GeoJSON geometry objects in longitude/latitude
// (EPSG:4326); property values as JSON scalars, decoded as json.Number and
// typed with the layer schema by CoerceProperties.
package protocol
