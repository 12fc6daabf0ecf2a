package server

import (
	"errors"
	"net/http"
	"os"

	"terrimap/sync/protocol"
)

// refuseUpload answers an upload the client's side stopped or that its
// user's unfinished uploads leave no room for: a 4xx (408 for a body cut
// short, which the client tries again), never a 500, and a
// warning in the log rather than an error (the platform is fine).
func (s *Server) refuseUpload(w http.ResponseWriter, r *http.Request, err error) {
	s.opts.Logger.Warn("upload refused", "method", r.Method, "path", r.URL.Path, "err", err)
	switch {
	case errors.Is(err, ErrTooManyPending):
		writeError(w, http.StatusTooManyRequests, protocol.CodeRateLimited,
			"Trop d'envois de pièces jointes inachevés à votre nom sur la plateforme : laissez-les se terminer (ou attendez qu'ils expirent) avant d'en commencer d'autres.")
	case errors.Is(err, ErrPendingTooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, protocol.CodeTooLarge,
			"Vos envois de pièces jointes inachevés occupent déjà toute la place permise sur la plateforme : laissez-les se terminer avant d'en commencer d'autres.")
	case errors.Is(err, os.ErrDeadlineExceeded):
		writeError(w, http.StatusRequestTimeout, protocol.CodeMalformed,
			"La pièce jointe arrive trop lentement : ce qui est arrivé est gardé, l'envoi reprendra où il s'est arrêté.")
	default:
		// 408 too: the body did not arrive whole, the same request may
		// be tried again (from where the platform's copy now ends).
		writeError(w, http.StatusRequestTimeout, protocol.CodeMalformed,
			"L'envoi de la pièce jointe a été interrompu : ce qui est arrivé est gardé, l'envoi reprendra où il s'est arrêté.")
	}
}
