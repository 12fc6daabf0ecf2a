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

func TestCommandMemoryLimitFor(t *testing.T) {
	for _, c := range []struct {
		command, gomemlimit string
		limit               int64
		ok                  bool
	}{
		{"import", "", fileCommandMemoryLimit, true},
		{"export", "", fileCommandMemoryLimit, true},
		{"import", "2GiB", 0, false},
		{"sync", "", 0, false},
		{"render", "", 0, false},
	} {
		limit, ok := commandMemoryLimitFor(c.command, c.gomemlimit)
		if limit != c.limit || ok != c.ok {
			t.Errorf("commandMemoryLimitFor(%q, %q) = %d, %v; want %d, %v", c.command, c.gomemlimit, limit, ok, c.limit, c.ok)
		}
	}
}
