package client

import (
	"crypto/tls"
	"errors"
)

// untrusted reports whether err is the refusal of the platform's TLS
// certificate (unknown authority, another name, expired): the same
// request will be refused again.
func untrusted(err error) bool {
	var cv *tls.CertificateVerificationError
	return errors.As(err, &cv)
}
