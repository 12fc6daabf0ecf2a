package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"terrimap/assets"
)

// loadLanguage loads the translations, then makes the language the user
// chose win over the computer's: Fyne's lang package follows the system
// locale, so the chosen translation is registered under that locale too.
// languageSystem leaves the choice to the computer.
func loadLanguage(choice string) error {
	if err := loadTranslations(); err != nil {
		return err
	}
	if choice == languageSystem {
		return nil
	}
	data, err := assets.Translations.ReadFile(assets.TranslationsDir + "/" + choice + ".json")
	if err != nil {
		return fmt.Errorf("app: language %s: %w", choice, err)
	}
	sys := lang.SystemLocale()
	for _, l := range []fyne.Locale{sys, fyne.Locale(sys.LanguageString())} {
		if err := lang.AddTranslationsForLocale(data, l); err != nil {
			return fmt.Errorf("app: language %s: %w", choice, err)
		}
	}
	return nil
}
