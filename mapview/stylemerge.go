package mapview

// MergeStyles returns the styles a workspace is drawn with: the default
// style of each known layer (DefaultStyles), and for the layers without
// one, the platform's style (its JSON, by layer name: client.Styles). A
// platform style that does not parse is left out: that layer is drawn
// with PlainStyle rather than not at all.
func MergeStyles(platform map[string][]byte) map[string]*Style {
	styles := DefaultStyles()
	for name, js := range platform {
		if _, known := styles[name]; known {
			continue
		}
		if st, err := ParseStyle(js); err == nil {
			styles[name] = st
		}
	}
	return styles
}
