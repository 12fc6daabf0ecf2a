//go:build !linux

package cputime

import "time"

func threadUsed() (time.Duration, bool) { return 0, false }
