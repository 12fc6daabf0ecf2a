package dashboard

import "testing"

func TestClasses(t *testing.T) {
	diam := []struct {
		v    any
		want string
	}{
		{nil, Unknown}, {int64(0), Unknown}, {int64(-5), Unknown}, {"abc", Unknown},
		{int64(99), "lt100"}, {int64(100), "100-149"}, {149.9, "100-149"}, {int64(150), "150-199"},
		{int64(199), "150-199"}, {int64(200), "200-299"}, {int64(299), "200-299"}, {int64(300), "ge300"}, {"400", "ge300"},
	}
	for _, c := range diam {
		if got := diameterClass(c.v); got != c.want {
			t.Errorf("diameterClass(%v) = %s, want %s", c.v, got, c.want)
		}
	}
	dec := []struct {
		debut, fin any
		want       string
	}{
		{nil, nil, Unknown}, {int64(1975), int64(1975), "1970"}, {nil, int64(1989), "1980"},
		{int64(1960), int64(1975), "1960"}, {int64(0), int64(2001), "2000"}, {int64(12), nil, Unknown}, {int64(2030), nil, "2030"},
	}
	for _, c := range dec {
		if got := decadeKey(c.debut, c.fin); got != c.want {
			t.Errorf("decadeKey(%v, %v) = %s, want %s", c.debut, c.fin, got, c.want)
		}
	}
	loc := map[any]string{"01": "A", "02": "B", "03": "C", "": Unknown, nil: Unknown, "04": Unknown}
	for v, want := range loc {
		if got := locationClass(v); got != want {
			t.Errorf("locationClass(%v) = %s, want %s", v, got, want)
		}
	}
	mat := map[any]string{"00": Unknown, "": Unknown, nil: Unknown, " 11 ": "11", "99": "99"}
	for v, want := range mat {
		if got := materialKey(v); got != want {
			t.Errorf("materialKey(%v) = %s, want %s", v, got, want)
		}
	}
}
