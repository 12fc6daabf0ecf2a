package app

import (
	"errors"
	"io/fs"

	"fyne.io/fyne/v2/lang"

	"terrimap/dtdict"
	"terrimap/store"
)

// dtdictError says, in plain words, why a declaration could not be
// imported, opened or answered. A file the reader refuses gets the
// reader's own message, which names the element at fault.
func dtdictError(err error) string {
	var fe *dtdict.FormatError
	switch {
	case errors.As(err, &fe) && errors.Is(err, dtdict.ErrNotDeclaration):
		return lang.L("This file is not a DT-DICT declaration of the one-stop shop: {{.Why}}", map[string]any{"Why": fe.Message})
	case errors.As(err, &fe):
		return lang.L("This declaration cannot be read, nothing was imported: {{.Why}}", map[string]any{"Why": fe.Message})
	case errors.Is(err, dtdict.ErrNoRegister):
		return lang.L("This workspace has no DT-DICT register yet: synchronise it with the platform, which publishes it.")
	case errors.Is(err, dtdict.ErrOutsideTerritory):
		return lang.L("This declaration concerns a commune outside the territory where you may write: an agent of that commune or of the intercommunality must record it.")
	case errors.Is(err, dtdict.ErrRegisterReadOnly):
		return lang.L("You may not write in the DT-DICT register: your account can only read it.")
	case errors.Is(err, dtdict.ErrNoOwnership):
		return lang.L("The platform does not say yet which networks are ours at the one-stop shop (layer «Réseaux déclarés au guichet unique»): synchronise, or ask its administrator.")
	case errors.Is(err, dtdict.ErrNetworkLayer):
		return lang.L("A network declared at the one-stop shop names a layer this workspace does not have: synchronise, or ask the platform's administrator.")
	case errors.Is(err, dtdict.ErrAnswerDir):
		return lang.L("The folder chosen for the answer does not exist any more: choose another one.")
	case errors.Is(err, store.ErrBlobNotFound):
		return lang.L("The declaration's file has not reached this computer yet: synchronise, then open it again.")
	case errors.Is(err, fs.ErrPermission):
		return lang.L("Terrimap may not write in the folder chosen: choose another one.")
	case errors.Is(err, fs.ErrNotExist):
		return lang.L("The file cannot be found any more: it was moved or deleted.")
	}
	return lang.L("The declaration could not be processed: {{.Why}}", map[string]any{"Why": err.Error()})
}
