package main

import "testing"

func TestAppMemoryLimitFor(t *testing.T) {
	for _, c := range []struct {
		gomemlimit string
		limit      int64
		ok         bool
	}{
		{"", appMemoryLimit, true},
		{"1GiB", 0, false},
		{"off", 0, false},
	} {
		limit, ok := appMemoryLimitFor(c.gomemlimit)
		if limit != c.limit || ok != c.ok {
			t.Errorf("appMemoryLimitFor(%q) = %d, %v; want %d, %v", c.gomemlimit, limit, ok, c.limit, c.ok)
		}
	}
}
