package protocol

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
)

// Every DecodeX reads one message from r: at most limit bytes (limit ≤ 0
// means the message's Max…Bytes), one JSON object and nothing after it but
// white space, then checks it with its Validate method. Errors match
// ErrTooLarge, or ErrMalformed with the path of the member at fault; errors
// reading r are returned wrapped as they are. Requests (TokenRequest,
// PushRequest) refuse unknown members, since the platform is upgraded
// before its clients; answers ignore them, so that an older client can
// read a newer platform.

// DecodeTokenRequest reads a TokenRequest.
func DecodeTokenRequest(r io.Reader, limit int64) (TokenRequest, error) {
	var m TokenRequest
	err := decode(r, limit, MaxTokenRequestBytes, "token request", true, &m, func() error { return m.Validate() })
	return m, err
}

// DecodeTokenResponse reads a TokenResponse.
func DecodeTokenResponse(r io.Reader, limit int64) (TokenResponse, error) {
	var m TokenResponse
	err := decode(r, limit, MaxTokenResponseBytes, "token response", false, &m, func() error { return m.Validate() })
	return m, err
}

// DecodeLayersResponse reads a LayersResponse.
func DecodeLayersResponse(r io.Reader, limit int64) (LayersResponse, error) {
	var m LayersResponse
	err := decode(r, limit, MaxLayersBytes, "layers response", false, &m, func() error { return m.Validate() })
	return m, err
}

// DecodeChangesResponse reads a ChangesResponse. A page as the platform
// writes it is read in one pass (feedscan.go); anything else goes through
// encoding/json, which words the refusals.
func DecodeChangesResponse(r io.Reader, limit int64) (ChangesResponse, error) {
	const what = "changes response"
	data, err := readLimited(r, limit, MaxChangesBytes, what)
	if err != nil {
		return ChangesResponse{}, err
	}
	m, ok := scanChangesResponse(data)
	if !ok {
		m = ChangesResponse{}
		if err := unmarshal(data, false, &m); err != nil {
			return ChangesResponse{}, within(what, err)
		}
	}
	if err := m.Validate(); err != nil {
		return m, within(what, err)
	}
	return m, nil
}

// DecodePushRequest reads a PushRequest. Its changes are checked one by
// one later (PushChange.Validate), so that each bad one is rejected alone.
func DecodePushRequest(r io.Reader, limit int64) (PushRequest, error) {
	var m PushRequest
	err := decode(r, limit, MaxPushBytes, "push request", true, &m, func() error { return m.Validate() })
	return m, err
}

// DecodePushResponse reads a PushResponse.
func DecodePushResponse(r io.Reader, limit int64) (PushResponse, error) {
	var m PushResponse
	err := decode(r, limit, MaxPushResponseBytes, "push response", false, &m, func() error { return m.Validate() })
	return m, err
}

// DecodeHistoryResponse reads a HistoryResponse.
func DecodeHistoryResponse(r io.Reader, limit int64) (HistoryResponse, error) {
	var m HistoryResponse
	err := decode(r, limit, MaxHistoryBytes, "history response", false, &m, func() error { return m.Validate() })
	return m, err
}

// DecodeBlobStatus reads a BlobStatus.
func DecodeBlobStatus(r io.Reader, limit int64) (BlobStatus, error) {
	var m BlobStatus
	err := decode(r, limit, MaxBlobStatusBytes, "blob status", false, &m, func() error { return m.Validate() })
	return m, err
}

// DecodeErrorResponse reads an ErrorResponse.
func DecodeErrorResponse(r io.Reader, limit int64) (ErrorResponse, error) {
	var m ErrorResponse
	err := decode(r, limit, MaxErrorBytes, "error response", false, &m, func() error { return m.Validate() })
	return m, err
}

// decode reads and checks one message into v; validate runs on the result.
func decode(r io.Reader, limit, max int64, what string, strict bool, v any, validate func() error) error {
	data, err := readLimited(r, limit, max, what)
	if err != nil {
		return err
	}
	if err := unmarshal(data, strict, v); err != nil {
		return within(what, err)
	}
	if err := validate(); err != nil {
		return within(what, err)
	}
	return nil
}

// readLimited reads the whole message what from r: at most limit bytes, or
// max when limit ≤ 0.
func readLimited(r io.Reader, limit, max int64, what string) ([]byte, error) {
	if limit <= 0 {
		limit = max
	}
	data, err := io.ReadAll(io.LimitReader(r, min(limit, math.MaxInt64-1)+1))
	if err != nil {
		return nil, fmt.Errorf("protocol: read %s: %w", what, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", ErrTooLarge, what, limit)
	}
	return data, nil
}

// unmarshal decodes exactly one JSON object from data into v, numbers as
// json.Number.
func unmarshal(data []byte, strict bool, v any) error {
	c := firstByte(data)
	switch c {
	case 0:
		return malformed("empty body")
	case '{':
	default:
		return malformed("a JSON object is expected, not %s", jsonKind(c))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		return err
	}
	if off := dec.InputOffset(); len(bytes.Trim(data[off:], " \t\r\n")) > 0 {
		return malformed("unexpected data after the JSON object, at byte %d", off)
	}
	return nil
}

// Encode writes msg, any message of this package, as one line of JSON.
func Encode(w io.Writer, msg any) error {
	var b []byte
	var err error
	if a, ok := msg.(appender); ok {
		b, err = a.appendJSON(nil)
	} else {
		b, err = json.Marshal(msg)
	}
	if err != nil {
		return fmt.Errorf("protocol: encode %T: %w", msg, err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("protocol: write %T: %w", msg, err)
	}
	return nil
}

// DecodeLayerInfo reads a LayerInfo (the body of RouteLayerPut).
func DecodeLayerInfo(r io.Reader, limit int64) (LayerInfo, error) {
	var m LayerInfo
	err := decode(r, limit, MaxLayersBytes, "layer", true, &m, func() error { return m.Schema.Validate() })
	return m, err
}
