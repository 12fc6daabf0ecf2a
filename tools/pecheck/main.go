// Command pecheck checks a Windows executable made by make windows or make
// package-windows: a PE32+ image for x86-64, of the GUI subsystem when asked,
// and, when asked, carrying an icon and a version resource with the expected
// file version and product name (what Explorer shows in the file's
// properties). It prints one line describing the file, or says what is wrong
// and exits 1.
//
//	go run ./tools/pecheck [-gui] [-version 0.1.0.1] [-name Terrimap] FILE.exe
package main

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"unicode/utf16"
)

func main() {
	gui := flag.Bool("gui", false, "require the Windows GUI subsystem (no console window)")
	version := flag.String("version", "", "require a version resource with this file version (a.b.c.d) and an icon")
	name := flag.String("name", "", "with -version, the product name the version resource must carry")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: pecheck [-gui] [-version a.b.c.d [-name NAME]] FILE.exe")
		os.Exit(2)
	}
	desc, err := check(flag.Arg(0), *gui, *version, *name)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pecheck: %s: %v\n", flag.Arg(0), err)
		os.Exit(1)
	}
	fmt.Printf("pecheck: %s: %s\n", flag.Arg(0), desc)
}

const (
	subsystemGUI = 2
	rtIcon       = 3
	rtGroupIcon  = 14
	rtVersion    = 16
	rtManifest   = 24
)

func check(path string, gui bool, version, name string) (string, error) {
	f, err := pe.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
	if !ok {
		return "", errors.New("not PE32+ (64-bit)")
	}
	if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		return "", fmt.Errorf("machine %#x, not x86-64", f.Machine)
	}
	desc := []string{"PE32+ x86-64"}
	if oh.Subsystem == subsystemGUI {
		desc = append(desc, "GUI")
	} else if gui {
		return "", fmt.Errorf("subsystem %d, not GUI: a console window would open beside the app", oh.Subsystem)
	} else {
		desc = append(desc, "console")
	}
	if version == "" {
		return strings.Join(desc, ", "), nil
	}
	res, err := readResources(f, oh)
	if err != nil {
		return "", err
	}
	if res[rtGroupIcon] == nil || res[rtIcon] == nil {
		return "", errors.New("no icon resource")
	}
	desc = append(desc, "icon")
	if res[rtManifest] != nil {
		desc = append(desc, "manifest")
	}
	if res[rtVersion] == nil {
		return "", errors.New("no version resource")
	}
	got, err := fileVersion(res[rtVersion])
	if err != nil {
		return "", err
	}
	if got != version {
		return "", fmt.Errorf("file version %s, want %s", got, version)
	}
	desc = append(desc, "version "+got)
	if name != "" {
		if !bytes.Contains(res[rtVersion], utf16z(name)) {
			return "", fmt.Errorf("the version resource does not name the product %q", name)
		}
		desc = append(desc, "product "+name)
	}
	return strings.Join(desc, ", "), nil
}

// readResources returns the data of the first resource of each type of the
// image's resource tree (type → name → language → data).
func readResources(f *pe.File, oh *pe.OptionalHeader64) (map[uint32][]byte, error) {
	if len(oh.DataDirectory) <= pe.IMAGE_DIRECTORY_ENTRY_RESOURCE {
		return nil, errors.New("no resources")
	}
	dir := oh.DataDirectory[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]
	if dir.VirtualAddress == 0 {
		return nil, errors.New("no resources")
	}
	var sec *pe.Section
	for _, s := range f.Sections {
		if dir.VirtualAddress >= s.VirtualAddress && dir.VirtualAddress < s.VirtualAddress+s.VirtualSize {
			sec = s
		}
	}
	if sec == nil {
		return nil, errors.New("resource directory outside every section")
	}
	data, err := sec.Data()
	if err != nil {
		return nil, err
	}
	return parseResources(data, sec.VirtualAddress, dir.VirtualAddress-sec.VirtualAddress)
}

// parseResources walks the resource tree that starts at offset root of sec,
// the bytes of a section loaded at virtual address base.
func parseResources(sec []byte, base, root uint32) (map[uint32][]byte, error) {
	out := map[uint32][]byte{}
	types, err := entries(sec, root)
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		off := t.offset
		// Descend through the name and language levels to the first leaf.
		for level := 0; t.dir && level < 2; level++ {
			sub, err := entries(sec, root+off)
			if err != nil {
				return nil, err
			}
			if len(sub) == 0 {
				break
			}
			off, t.dir = sub[0].offset, sub[0].dir
		}
		if t.dir {
			continue
		}
		leaf := root + off
		if int(leaf)+8 > len(sec) {
			return nil, errors.New("resource data entry out of bounds")
		}
		rva := binary.LittleEndian.Uint32(sec[leaf:])
		size := binary.LittleEndian.Uint32(sec[leaf+4:])
		if rva < base || int(rva-base)+int(size) > len(sec) {
			return nil, errors.New("resource data out of bounds")
		}
		out[t.id] = sec[rva-base : rva-base+size]
	}
	return out, nil
}

type entry struct {
	id     uint32
	offset uint32 // from the start of the resource tree
	dir    bool
}

// entries reads the entries of the resource directory at off.
func entries(sec []byte, off uint32) ([]entry, error) {
	if int(off)+16 > len(sec) {
		return nil, errors.New("resource directory out of bounds")
	}
	n := int(binary.LittleEndian.Uint16(sec[off+12:])) + int(binary.LittleEndian.Uint16(sec[off+14:]))
	if int(off)+16+8*n > len(sec) {
		return nil, errors.New("resource directory entries out of bounds")
	}
	var es []entry
	for i := 0; i < n; i++ {
		p := off + 16 + uint32(8*i)
		id := binary.LittleEndian.Uint32(sec[p:])
		to := binary.LittleEndian.Uint32(sec[p+4:])
		es = append(es, entry{id: id, offset: to &^ (1 << 31), dir: to&(1<<31) != 0})
	}
	return es, nil
}

// fileVersion reads the file version of a VS_VERSIONINFO resource from its
// VS_FIXEDFILEINFO, found by its signature.
func fileVersion(vi []byte) (string, error) {
	sig := []byte{0xBD, 0x04, 0xEF, 0xFE}
	i := bytes.Index(vi, sig)
	if i < 0 || i+16 > len(vi) {
		return "", errors.New("version resource without VS_FIXEDFILEINFO")
	}
	ms := binary.LittleEndian.Uint32(vi[i+8:])
	ls := binary.LittleEndian.Uint32(vi[i+12:])
	return fmt.Sprintf("%d.%d.%d.%d", ms>>16, ms&0xFFFF, ls>>16, ls&0xFFFF), nil
}

// utf16z is s in UTF-16LE, as version resources store their strings.
func utf16z(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}
