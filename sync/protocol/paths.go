package protocol

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// ProtocolVersion is the version of the sync protocol this package speaks,
// sent by both sides in HeaderProtocol. Versions "1", "1.1", … are compatible;
// a new major number is not.
const ProtocolVersion = "1"

// APIPrefix is the path every sync API endpoint starts with.
const APIPrefix = "/api/v1"

// Endpoint paths. Blob and history paths take a parameter: build them with
// BlobPath and HistoryPath.
const (
	// PathToken: POST a TokenRequest, get a TokenResponse; DELETE signs out.
	PathToken = APIPrefix + "/token"
	// PathLayers: GET a LayersResponse.
	PathLayers = APIPrefix + "/layers"
	// PathChanges: GET a ChangesResponse; query QuerySince and QueryLimit.
	PathChanges = APIPrefix + "/changes"
	// PathPush: POST a PushRequest, get a PushResponse.
	PathPush = APIPrefix + "/push"
	// PathBlobs is the prefix of blob paths: PathBlobs + "/" + sha256.
	PathBlobs = APIPrefix + "/blobs"
	// PathFeatures is the prefix of feature paths: PathFeatures + "/" + id + "/history".
	PathFeatures = APIPrefix + "/features"
)

// Routes as net/http.ServeMux patterns (method, path and wildcards), for the
// server to register and the client to read its method from.
const (
	// RouteToken authenticates.
	RouteToken = "POST " + PathToken
	// RouteSignOut revokes the token the request carries (204 No Content).
	RouteSignOut = "DELETE " + PathToken
	// RouteLayers lists the layers the user may read.
	RouteLayers = "GET " + PathLayers
	// RouteChanges reads the change feed.
	RouteChanges = "GET " + PathChanges
	// RoutePush sends local changes.
	RoutePush = "POST " + PathPush
	// RouteBlobPut uploads (part of) an attachment; see blobs.go.
	RouteBlobPut = "PUT " + PathBlobs + "/{" + PathValueSHA256 + "}"
	// RouteBlobGet downloads an attachment; HEAD is served by the same route.
	RouteBlobGet = "GET " + PathBlobs + "/{" + PathValueSHA256 + "}"
	// RouteLayerPut publishes a layer or evolves its schema (admins): the
	// body is a LayerInfo whose Access is ignored.
	RouteLayerPut = "PUT " + PathLayers + "/{" + PathValueLayer + "}"
	// RouteHistory lists every version of a feature.
	RouteHistory = "GET " + PathFeatures + "/{" + PathValueID + "}/history"
)

// Wildcard names of the routes, for http.Request.PathValue.
const (
	// PathValueSHA256 names the blob hash in RouteBlobPut and RouteBlobGet.
	PathValueSHA256 = "sha256"
	// PathValueID names the feature id in RouteHistory.
	PathValueID = "id"
	// PathValueLayer names the layer in RouteLayerPut.
	PathValueLayer = "layer"
)

// Query parameters of PathChanges.
const (
	// QuerySince is the cursor: changes with a sequence number above it are sent.
	QuerySince = "since"
	// QueryLimit is the page size, at most MaxChangesLimit.
	QueryLimit = "limit"
)

// Page sizes of the change feed.
const (
	// DefaultChangesLimit is the page size when QueryLimit is absent.
	DefaultChangesLimit = 500
	// MaxChangesLimit is the largest page size a client may ask for.
	MaxChangesLimit = 5000
	// MaxPushChanges is the largest number of changes in one PushRequest.
	MaxPushChanges = 1000
)

// Header names.
const (
	// HeaderProtocol carries ProtocolVersion on every request and response.
	HeaderProtocol = "X-Terrimap-Protocol"
	// HeaderAuthorization carries "Bearer " + token.
	HeaderAuthorization = "Authorization"
	// HeaderContentType is the standard content type header.
	HeaderContentType = "Content-Type"
	// HeaderContentRange says which part of a blob a PUT carries.
	HeaderContentRange = "Content-Range"
	// HeaderUploadOffset, on a HEAD of an incomplete blob, says how many
	// bytes the server holds: the offset the next PUT starts at.
	HeaderUploadOffset = "X-Terrimap-Upload-Offset"
	// HeaderRetryAfter, on 429 and 503, says when to try again.
	HeaderRetryAfter = "Retry-After"
)

// Content types.
const (
	// ContentTypeJSON is the type of every message body.
	ContentTypeJSON = "application/json"
	// ContentTypeGeoJSON is the type of GeoJSON documents (the OGC API).
	ContentTypeGeoJSON = "application/geo+json"
	// ContentTypeBlob is the type of blob bodies sent with PUT.
	ContentTypeBlob = "application/octet-stream"
)

// Largest bodies each side accepts, in bytes. A larger body is refused with
// 413 (CodeTooLarge) by the server and ErrTooLarge by the decoders.
const (
	// MaxTokenRequestBytes bounds a TokenRequest.
	MaxTokenRequestBytes = 4 << 10
	// MaxTokenResponseBytes bounds a TokenResponse.
	MaxTokenResponseBytes = 256 << 10
	// MaxLayersBytes bounds a LayersResponse (schemas, styles, territories).
	MaxLayersBytes = 32 << 20
	// MaxChangesBytes bounds a ChangesResponse page.
	MaxChangesBytes = 64 << 20
	// MaxPushBytes bounds a PushRequest.
	MaxPushBytes = 16 << 20
	// MaxPushResponseBytes bounds a PushResponse (it may carry current features).
	MaxPushResponseBytes = 64 << 20
	// MaxHistoryBytes bounds a HistoryResponse.
	MaxHistoryBytes = 64 << 20
	// MaxBlobBytes bounds an attachment.
	MaxBlobBytes = 64 << 20
	// MaxBlobStatusBytes bounds a BlobStatus.
	MaxBlobStatusBytes = 4 << 10
	// MaxErrorBytes bounds an ErrorResponse.
	MaxErrorBytes = 64 << 10
)

// ErrProtocolVersion is returned by CheckProtocol for an incompatible version.
var ErrProtocolVersion = errors.New("protocol: incompatible protocol version")

// ErrBadQuery is returned (wrapped) by ParseChangesQuery for a bad cursor or limit.
var ErrBadQuery = errors.New("protocol: bad query")

// CheckProtocol checks the value of HeaderProtocol received from the other
// side. An empty value (a plain HTTP tool) is accepted; a value with another
// major version than ProtocolVersion is not.
func CheckProtocol(v string) error {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	major, _, _ := strings.Cut(v, ".")
	if major != ProtocolVersion {
		return fmt.Errorf("%w: %q, this side speaks %s", ErrProtocolVersion, v, ProtocolVersion)
	}
	return nil
}

// BlobPath returns the path of the blob with the given sha256 hash.
func BlobPath(sha256 string) string { return PathBlobs + "/" + url.PathEscape(sha256) }

// LayerPath returns the path of a layer, for RouteLayerPut.
func LayerPath(name string) string { return PathLayers + "/" + url.PathEscape(name) }

// HistoryPath returns the path of the history of the feature with the given id.
func HistoryPath(id string) string { return PathFeatures + "/" + url.PathEscape(id) + "/history" }

// ChangesPath returns the path and query of the change feed page after
// cursor since; limit 0 leaves the page size to the server.
func ChangesPath(since int64, limit int) string {
	q := url.Values{QuerySince: {strconv.FormatInt(since, 10)}}
	if limit > 0 {
		q.Set(QueryLimit, strconv.Itoa(limit))
	}
	return PathChanges + "?" + q.Encode()
}

// ParseChangesQuery reads the cursor and page size of a change feed request.
// A missing cursor is 0 (from the start); a missing limit is
// DefaultChangesLimit; a limit above MaxChangesLimit is lowered to it.
func ParseChangesQuery(q url.Values) (since int64, limit int, err error) {
	limit = DefaultChangesLimit
	if s := q.Get(QuerySince); s != "" {
		since, err = strconv.ParseInt(s, 10, 64)
		if err != nil || since < 0 {
			return 0, 0, fmt.Errorf("%w: %s=%q is not a sequence number", ErrBadQuery, QuerySince, s)
		}
	}
	if s := q.Get(QueryLimit); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return 0, 0, fmt.Errorf("%w: %s=%q is not a positive number", ErrBadQuery, QueryLimit, s)
		}
		limit = min(n, MaxChangesLimit)
	}
	return since, limit, nil
}

// BearerPrefix starts the value of HeaderAuthorization.
const BearerPrefix = "Bearer "

// Authorization returns the HeaderAuthorization value carrying token.
func Authorization(token string) string { return BearerPrefix + token }

// BearerToken returns the token of a HeaderAuthorization value, and false
// when the value carries none.
func BearerToken(header string) (string, bool) {
	if len(header) < len(BearerPrefix) || !strings.EqualFold(header[:len(BearerPrefix)], BearerPrefix) {
		return "", false
	}
	tok := strings.TrimSpace(header[len(BearerPrefix):])
	return tok, tok != ""
}
