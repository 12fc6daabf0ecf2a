package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// parseNumbers reads n comma-separated decimal numbers ("4.91,46.56"); NaN
// and infinities are refused.
func parseNumbers(s string, n int) ([]float64, error) {
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, fmt.Errorf("want %d comma-separated numbers, got %q", n, s)
	}
	v := make([]float64, n)
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("%q is not a number", p)
		}
		v[i] = f
	}
	return v, nil
}
