package main

import "testing"

// TestCoordinatesRefuseNonNumbers checks that --bbox and --near take
// finite numbers only: a NaN passes every comparison with the limits and
// would otherwise make a box or a point of nothing.
func TestCoordinatesRefuseNonNumbers(t *testing.T) {
	for _, s := range []string{"NaN,46.5,4.9,46.6", "4.8,46.5,Inf,46.6", "4.8,46.5,4.9", "4.8,x,4.9,46.6"} {
		if b, err := parseBBox(s); err == nil {
			t.Errorf("parseBBox(%q) = %v, want an error", s, b)
		}
	}
	if _, err := parseBBox("4.8, 46.5,4.9,46.6"); err != nil {
		t.Errorf("parseBBox of a good box: %v", err)
	}
	for _, s := range []string{"NaN,46.5", "4.9,-Inf", "4.9", "4.9,46.5,1", "a,b"} {
		if p, err := parseLonLat(s); err == nil {
			t.Errorf("parseLonLat(%q) = %v, want an error", s, p)
		}
	}
	if p, err := parseLonLat("4.9109, 46.5637"); err != nil || p[0] != 4.9109 || p[1] != 46.5637 {
		t.Errorf("parseLonLat of a good point: %v, %v", p, err)
	}
}
