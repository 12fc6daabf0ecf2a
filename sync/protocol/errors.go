package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"terrimap/internal/jsonscan"
)

// Sentinel errors callers tell apart with errors.Is. An *APIError matches
// the one of its HTTP status (401, 403, 404, 409, 413).
var (
	// ErrMalformed is returned (wrapped) when a message is not well formed.
	ErrMalformed = errors.New("protocol: malformed message")
	// ErrTooLarge is returned when a message is larger than its limit, and
	// matches an *APIError with status 413.
	ErrTooLarge = errors.New("protocol: message too large")
	// ErrUnauthorized matches an *APIError with status 401: the token is
	// missing, wrong or expired; log in again.
	ErrUnauthorized = errors.New("protocol: not authenticated")
	// ErrForbidden matches an *APIError with status 403.
	ErrForbidden = errors.New("protocol: forbidden")
	// ErrNotFound matches an *APIError with status 404.
	ErrNotFound = errors.New("protocol: not found")
	// ErrConflict matches an *APIError with status 409.
	ErrConflict = errors.New("protocol: conflict")
	// ErrInvalidChange is returned (wrapped in a *ChangeError) for a pushed
	// change that is not well formed or does not fit its layer.
	ErrInvalidChange = errors.New("protocol: invalid change")
)

// Machine codes: ErrorResponse.Code for whole requests, PushResult.Code for
// one change, FieldIssue.Code for one field. Clients switch on them; the
// message beside them is for people.
const (
	// CodeBadRequest: the request is wrong in a way no other code says (400).
	CodeBadRequest = "bad_request"
	// CodeMalformed: the body or a change is not a well-formed message (400).
	CodeMalformed = "malformed"
	// CodeProtocolVersion: HeaderProtocol names an incompatible version (400).
	CodeProtocolVersion = "protocol_version"
	// CodeUnauthorized: no valid token; log in again (401).
	CodeUnauthorized = "unauthorized"
	// CodeBadCredentials: wrong user name or password on PathToken (401).
	CodeBadCredentials = "bad_credentials"
	// CodeForbidden: the user's role does not allow it (403, or a rejected change).
	CodeForbidden = "forbidden"
	// CodeNotFound: no such resource (404).
	CodeNotFound = "not_found"
	// CodeTooLarge: the body exceeds its limit (413).
	CodeTooLarge = "too_large"
	// CodeBadRange: a blob PUT does not start where the server's copy ends (416).
	CodeBadRange = "bad_range"
	// CodeHashMismatch: a complete blob does not hash to its name (422); the
	// server dropped it, upload it again.
	CodeHashMismatch = "hash_mismatch"
	// CodeRateLimited: too many requests; wait for HeaderRetryAfter (429).
	CodeRateLimited = "rate_limited"
	// CodeInternal: the server failed (500).
	CodeInternal = "internal"
	// CodeUnavailable: the server is down for maintenance or overloaded (503).
	CodeUnavailable = "unavailable"

	// CodeOutsideTerritory: the feature lies outside the territory the user
	// may edit (a rejected change).
	CodeOutsideTerritory = "outside_territory"
	// CodeInvalidValue: a property does not fit its field (a rejected change,
	// and a FieldIssue).
	CodeInvalidValue = "invalid_value"
	// CodeInvalidGeometry: the geometry is malformed or not of the layer's
	// type (a rejected change, and a FieldIssue).
	CodeInvalidGeometry = "invalid_geometry"
	// CodeUnknownLayer: the platform has no such layer (a rejected change).
	CodeUnknownLayer = "unknown_layer"
	// CodeReadOnlyLayer: the layer is never edited (a rejected change).
	CodeReadOnlyLayer = "read_only_layer"
	// CodeUnknownFeature: an update or delete of a feature the platform never
	// had (a rejected change).
	CodeUnknownFeature = "unknown_feature"
	// CodeDuplicateID: a create with an id the platform already has, or had
	// (a rejected change).
	CodeDuplicateID = "duplicate_id"
	// CodeBadBaseVersion: the change's base_version is not a version the
	// platform had (a rejected change).
	CodeBadBaseVersion = "bad_base_version"
	// CodeSchemaVersion: the change was made on an outdated layer schema;
	// pull the layers and try again (a rejected change).
	CodeSchemaVersion = "schema_version"
	// CodeMissingBlob: an attachment the change refers to was not uploaded
	// (a rejected change; upload the blob and push again).
	CodeMissingBlob = "missing_blob"

	// CodeFieldConflict: the same fields (or the geometry) changed on both
	// sides to different values (a conflict).
	CodeFieldConflict = "field_conflict"
	// CodeEditDeleted: the change edits a feature deleted on the platform
	// (a conflict).
	CodeEditDeleted = "edit_vs_delete"
	// CodeDeleteEdited: the change deletes a feature edited on the platform
	// (a conflict).
	CodeDeleteEdited = "delete_vs_edit"

	// CodeRequired: a required field is empty (a FieldIssue).
	CodeRequired = "required"
	// CodeUnknownField: the layer has no such field (a FieldIssue).
	CodeUnknownField = "unknown_field"
	// CodeReadOnlyField: the field may not be changed (a FieldIssue).
	CodeReadOnlyField = "read_only_field"
)

// ErrorResponse is the JSON body of every 4xx and 5xx answer.
type ErrorResponse struct {
	// Code is one of the Code constants.
	Code string `json:"code"`
	// Message says in French, for a person, what happened and what to do.
	Message string `json:"message"`
}

// Validate checks the response has a code or a message.
func (e ErrorResponse) Validate() error {
	if e.Code == "" && e.Message == "" {
		return errors.New("neither code nor message")
	}
	return nil
}

// APIError is a 4xx or 5xx answer of the platform, as the client sees it.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the ErrorResponse code, or one derived from the status when the
	// body was not an ErrorResponse (a proxy's page).
	Code string
	// Message is the ErrorResponse message, or a French message derived from
	// the status.
	Message string
	// UploadOffset, on a 404 to a blob HEAD, is how many bytes of the blob
	// the platform holds (from HeaderUploadOffset).
	UploadOffset int64
	// RetryAfter is how long to wait before trying again (from
	// HeaderRetryAfter, see ParseRetryAfter); 0 when unknown.
	RetryAfter time.Duration
}

// NewAPIError builds the error of an answer with the given status from its
// body, read up to MaxErrorBytes. A body that is not an ErrorResponse (an
// HTML page from a proxy, nothing) gives a code and French message derived
// from the status.
func NewAPIError(status int, body io.Reader) *APIError {
	e := &APIError{StatusCode: status}
	if body != nil {
		if resp, err := DecodeErrorResponse(body, MaxErrorBytes); err == nil {
			e.Code, e.Message = resp.Code, resp.Message
		}
	}
	if e.Code == "" {
		e.Code = statusCode(status)
	}
	if e.Message == "" {
		e.Message = statusMessage(status)
	}
	return e
}

func (e *APIError) Error() string {
	return fmt.Sprintf("protocol: HTTP %d %s: %s", e.StatusCode, e.Code, e.Message)
}

// Temporary reports whether trying the same request again later may
// succeed: timeouts, rate limiting and server failures (408, 425, 429, 500,
// 502, 503, 504). The client retries those with back-off; the others need
// the user (log in again, fix the change) or a new version.
func (e *APIError) Temporary() bool {
	switch e.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable,
		http.StatusGatewayTimeout:
		return true
	}
	return false
}

// Is lets errors.Is match ErrUnauthorized (401), ErrForbidden (403),
// ErrNotFound (404), ErrConflict (409) and ErrTooLarge (413).
func (e *APIError) Is(target error) bool {
	switch e.StatusCode {
	case http.StatusUnauthorized:
		return target == ErrUnauthorized
	case http.StatusForbidden:
		return target == ErrForbidden
	case http.StatusNotFound:
		return target == ErrNotFound
	case http.StatusConflict:
		return target == ErrConflict
	case http.StatusRequestEntityTooLarge:
		return target == ErrTooLarge
	}
	return false
}

// StatusFor returns the HTTP status a server answers with for a Code.
func StatusFor(code string) int {
	switch code {
	case CodeBadRequest, CodeMalformed, CodeProtocolVersion:
		return http.StatusBadRequest
	case CodeUnauthorized, CodeBadCredentials:
		return http.StatusUnauthorized
	case CodeForbidden:
		return http.StatusForbidden
	case CodeNotFound:
		return http.StatusNotFound
	case CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case CodeBadRange:
		return http.StatusRequestedRangeNotSatisfiable
	case CodeHashMismatch, CodeInvalidValue, CodeInvalidGeometry:
		return http.StatusUnprocessableEntity
	case CodeRateLimited:
		return http.StatusTooManyRequests
	case CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

func statusCode(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return CodeUnauthorized
	case status == http.StatusForbidden:
		return CodeForbidden
	case status == http.StatusNotFound:
		return CodeNotFound
	case status == http.StatusRequestEntityTooLarge:
		return CodeTooLarge
	case status == http.StatusRequestedRangeNotSatisfiable:
		return CodeBadRange
	case status == http.StatusTooManyRequests:
		return CodeRateLimited
	case status == http.StatusServiceUnavailable, status == http.StatusBadGateway, status == http.StatusGatewayTimeout:
		return CodeUnavailable
	case status >= 500:
		return CodeInternal
	}
	return CodeBadRequest
}

func statusMessage(status int) string {
	switch {
	case status == http.StatusUnauthorized:
		return "Votre session a expiré ou vos identifiants sont refusés : reconnectez-vous."
	case status == http.StatusForbidden:
		return "Vos droits ne permettent pas cette opération."
	case status == http.StatusNotFound:
		return "La plateforme ne connaît pas cette ressource."
	case status == http.StatusRequestEntityTooLarge:
		return "L'envoi est trop volumineux pour la plateforme."
	case status == http.StatusTooManyRequests:
		return "La plateforme reçoit trop de demandes : nouvel essai dans un moment."
	case status == http.StatusBadGateway, status == http.StatusServiceUnavailable, status == http.StatusGatewayTimeout:
		return "La plateforme est momentanément indisponible : nouvel essai dans un moment."
	case status >= 500:
		return "La plateforme a rencontré une erreur : nouvel essai dans un moment."
	}
	return fmt.Sprintf("La plateforme a refusé la demande (erreur %d).", status)
}

// ParseRetryAfter reads a HeaderRetryAfter value, in seconds or as an HTTP
// date, as a duration from now; 0 when absent, unreadable or past.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 || n > 24*3600 {
			return 0
		}
		return time.Duration(n) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil || !t.After(now) {
		return 0
	}
	return t.Sub(now)
}

// wireError is a malformed message: the path to the bad member and what is
// wrong with it. It matches ErrMalformed and its cause.
type wireError struct {
	msg   string
	cause error
}

func (e *wireError) Error() string { return ErrMalformed.Error() + ": " + e.msg }

func (e *wireError) Unwrap() []error {
	if e.cause == nil {
		return []error{ErrMalformed}
	}
	return []error{ErrMalformed, e.cause}
}

// malformed returns a *wireError with a formatted message.
func malformed(format string, args ...any) error {
	return &wireError{msg: fmt.Sprintf(format, args...)}
}

// within prefixes the message of err with the path of the member it is in.
func within(path string, err error) error {
	if err == nil {
		return nil
	}
	var we *wireError
	if errors.As(err, &we) {
		return &wireError{msg: path + ": " + we.msg, cause: we.cause}
	}
	return &wireError{msg: path + ": " + describe(err), cause: err}
}

// asWire returns err as a *wireError, describing encoding/json errors.
func asWire(err error) error {
	var we *wireError
	if err == nil || errors.As(err, &we) {
		return err
	}
	return &wireError{msg: describe(err), cause: err}
}

// unmarshalEach decodes the elements of a JSON array one by one, naming the
// element at fault (name[i]) in errors; null elements are refused.
func unmarshalEach[T any, P interface {
	*T
	json.Unmarshaler
}](raws []json.RawMessage, name string) ([]T, error) {
	if len(raws) == 0 {
		return nil, nil
	}
	out := make([]T, len(raws))
	for i, raw := range raws {
		if isNull(raw) {
			return nil, malformed("%s[%d] is null", name, i)
		}
		if err := P(&out[i]).UnmarshalJSON(raw); err != nil {
			return nil, within(fmt.Sprintf("%s[%d]", name, i), err)
		}
	}
	return out, nil
}

// describe turns an encoding/json error into plain words.
func describe(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d: %s", syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		where := typ.Field
		if where == "" {
			where = "value"
		} else {
			where = "member " + strconv.Quote(where)
		}
		return fmt.Sprintf("%s must be %s, not %s", where, jsonKindOf(typ.Type.Kind().String(), typ.Type.String()), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the JSON text ends too early"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func jsonKindOf(kind, name string) string {
	switch {
	case name == "json.Number" || strings.HasPrefix(kind, "int") || strings.HasPrefix(kind, "uint") || strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case kind == "slice" || kind == "array":
		return "an array"
	case kind == "map" || kind == "struct":
		return "an object"
	}
	return name
}

// jsonKind names the JSON value starting with c.
func jsonKind(c byte) string { return jsonscan.Kind(c) }

// firstByte returns the first non-space byte of data, or 0.
func firstByte(data []byte) byte {
	d := bytes.TrimLeft(data, " \t\r\n")
	if len(d) == 0 {
		return 0
	}
	return d[0]
}
