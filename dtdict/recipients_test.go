package dtdict

import (
	"reflect"
	"testing"
)

func TestRecipients(t *testing.T) {
	owner := Party{Role: "responsableDuProjet", Name: "SYDESL", Email: "travaux@sydesl.example.fr"}
	builder := Party{Role: "executantDesTravaux", Name: "RME", Email: "m.lacroix@rme.example.fr"}
	sameBuilder := Party{Role: "executantDesTravaux", Name: "SYDESL régie", Email: "TRAVAUX@sydesl.example.fr"}
	for _, tc := range []struct {
		name string
		d    *Declaration
		want []Party
	}{
		{"a DT: its declarant", &Declaration{Kind: KindDT, Declarant: owner, Others: []Party{builder}}, []Party{owner}},
		{"a joint DT-DICT: and the exécutant", &Declaration{Kind: KindJoint, Declarant: owner, Others: []Party{builder}}, []Party{owner, builder}},
		{"a joint DT-DICT whose exécutant has the declarant's e-mail", &Declaration{Kind: KindJoint, Declarant: owner, Others: []Party{sameBuilder}}, []Party{owner}},
		{"no declaration", nil, nil},
	} {
		if got := Recipients(tc.d); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
