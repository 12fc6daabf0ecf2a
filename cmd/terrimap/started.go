package main

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// processStart returns when this process started, so that the startup
// trace counts the loading of the program and the initialisation of its
// packages too: on Linux, from /proc (to 10 ms); elsewhere, or when /proc
// cannot be read, it returns fallback, the time main began.
func processStart(fallback time.Time) time.Time {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return fallback
	}
	uptime, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return fallback
	}
	age, ok := processAge(string(stat), string(uptime))
	if !ok || age < 0 || age > time.Hour {
		return fallback
	}
	return time.Now().Add(-age)
}

// clockTicks is USER_HZ, the unit of the start time in /proc/PID/stat: 100
// on every Linux architecture Go builds for.
const clockTicks = 100

// processAge reads how long ago a process started from its /proc/PID/stat
// line (field 22, starttime, in clock ticks after boot) and /proc/uptime
// (seconds since boot).
func processAge(stat, uptime string) (time.Duration, bool) {
	// The command name, field 2, is in parentheses and may hold spaces:
	// count the fields after its closing parenthesis, from field 3.
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(stat[i+1:])
	if len(fields) < 20 {
		return 0, false
	}
	ticks, err := strconv.ParseUint(fields[22-3], 10, 64)
	if err != nil {
		return 0, false
	}
	up := strings.Fields(uptime)
	if len(up) == 0 {
		return 0, false
	}
	secs, err := strconv.ParseFloat(up[0], 64)
	if err != nil {
		return 0, false
	}
	since := time.Duration(secs*float64(time.Second)) - time.Duration(ticks)*time.Second/clockTicks
	return since, true
}
