package main

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// resourceSection lays out a resource tree as a linker does: for each type,
// a directory of one name, a directory of one language, a data entry, and the
// data, in a section loaded at base.
func resourceSection(base uint32, data map[uint32][]byte, order []uint32) []byte {
	le := binary.LittleEndian
	dir := func(b []byte, entries [][2]uint32) []byte {
		b = append(b, make([]byte, 12)...)
		b = le.AppendUint16(b, 0)
		b = le.AppendUint16(b, uint16(len(entries)))
		for _, e := range entries {
			b = le.AppendUint32(b, e[0])
			b = le.AppendUint32(b, e[1])
		}
		return b
	}
	// Offsets: root, then per type 3 × 24 bytes of directories and entries.
	root := 16 + 8*len(order)
	var top [][2]uint32
	for i, t := range order {
		top = append(top, [2]uint32{t, uint32(root+i*56) | 1<<31})
	}
	b := dir(nil, top)
	dataStart := root + 56*len(order)
	offset := dataStart
	for i, t := range order {
		at := root + i*56
		b = dir(b, [][2]uint32{{1, uint32(at+24) | 1<<31}})
		b = dir(b, [][2]uint32{{0x409, uint32(at + 48)}})
		b = le.AppendUint32(b, base+uint32(offset))
		b = le.AppendUint32(b, uint32(len(data[t])))
		offset += len(data[t])
	}
	for _, t := range order {
		b = append(b, data[t]...)
	}
	return b
}

func TestParseResources(t *testing.T) {
	le := binary.LittleEndian
	version := append([]byte("VS_VERSION_INFO padding"), 0xBD, 0x04, 0xEF, 0xFE)
	version = le.AppendUint32(version, 0x10000)    // structure version
	version = le.AppendUint32(version, 0x00000001) // 0.1
	version = le.AppendUint32(version, 0x00020003) // 2.3
	version = append(version, utf16z("Terrimap")...)
	want := map[uint32][]byte{
		rtIcon:      []byte("icon pixels"),
		rtGroupIcon: []byte("group"),
		rtVersion:   version,
	}
	sec := resourceSection(0x5000, want, []uint32{rtIcon, rtGroupIcon, rtVersion})
	got, err := parseResources(sec, 0x5000, 0)
	if err != nil {
		t.Fatal(err)
	}
	for typ, data := range want {
		if !bytes.Equal(got[typ], data) {
			t.Errorf("resource type %d: %q, want %q", typ, got[typ], data)
		}
	}
	if v, err := fileVersion(got[rtVersion]); err != nil || v != "0.1.2.3" {
		t.Errorf("fileVersion = %q, %v; want 0.1.2.3", v, err)
	}
	if !bytes.Contains(got[rtVersion], utf16z("Terrimap")) {
		t.Error("product name not found in UTF-16")
	}
}

func TestParseResourcesOutOfBounds(t *testing.T) {
	sec := resourceSection(0x5000, map[uint32][]byte{rtVersion: []byte("v")}, []uint32{rtVersion})
	if _, err := parseResources(sec, 0x6000, 0); err == nil {
		t.Error("data outside the section: no error")
	}
	if _, err := parseResources(sec[:20], 0x5000, 0); err == nil {
		t.Error("truncated directory: no error")
	}
	if _, err := fileVersion([]byte("no fixed info")); err == nil {
		t.Error("fileVersion without VS_FIXEDFILEINFO: no error")
	}
}
