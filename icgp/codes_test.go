package icgp

import "testing"

// TestDemoDeclarationCodes checks that the demo platform's
// icgp_declarations layer (written by sync/server/demo, which cannot
// import this package) offers every service and item code the scale
// declares: a code renamed on one side only would leave declarations that
// never count.
func TestDemoDeclarationCodes(t *testing.T) {
	l, err := demoWorkspace(t).Layer(DeclarationsLayer)
	if err != nil {
		t.Fatal(err)
	}
	domain := func(field string) map[string]bool {
		f, ok := l.Schema.Field(field)
		if !ok {
			t.Fatalf("no field %s in %s", field, DeclarationsLayer)
		}
		codes := map[string]bool{}
		for _, v := range f.Domain {
			codes[v.Code] = true
		}
		return codes
	}
	services, items := domain("service"), domain("item")
	for _, service := range []string{Water, Sewer} {
		if !services[service] {
			t.Errorf("the service %q is not in the layer's list", service)
		}
		for _, it := range Items(service) {
			if !items[it.Code] {
				t.Errorf("%s: the item %q is not in the layer's list", service, it.Code)
			}
		}
	}
}
