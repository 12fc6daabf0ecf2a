// Package assets holds the files embedded in Terrimap: the application icon and
// the translations of the user interface. It does not import Fyne, so that
// anything may use it; the app package turns these bytes into Fyne resources.
package assets

import "embed"

//go:generate go run ./internal/gen -o icon.png

// IconPNG is the application icon, a 512×512 PNG drawn by ./internal/gen.
//
//go:embed icon.png
var IconPNG []byte

// TranslationsDir is the directory of Translations that holds one JSON file
// per language (fr.json, en.json), in the format of Fyne's lang package: a flat
// object from the English source string to its translation.
const TranslationsDir = "translations"

// Translations holds the translation files of the user interface, under
// TranslationsDir.
//
//go:embed translations/*.json
var Translations embed.FS
