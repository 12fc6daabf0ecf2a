package icgp

import (
	"strings"
	"testing"
)

// TestLabelsKeepPercentWithNumber checks that no label of the scale can
// break a line between a number and its «%» (the annex wrapped «95» and
// «%)» on two lines): French typography puts a no-break space there.
func TestLabelsKeepPercentWithNumber(t *testing.T) {
	for _, service := range []string{Water, Sewer} {
		for _, it := range Items(service) {
			if strings.Contains(it.Label, " %") {
				t.Errorf("%s %s: %q has a breaking space before %%", service, it.Code, it.Label)
			}
		}
	}
}
