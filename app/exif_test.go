package app

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// exifJPEG is a JPEG of w×h pixels with an Exif orientation o written in
// byte order bo (0: no Exif block).
func exifJPEG(t testing.TB, w, h, o int, bo binary.ByteOrder) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w/2; x++ { // the left half red, the right half black
			img.Set(x, y, color.RGBA{R: 255, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if o == 0 {
		return data
	}
	tiff := make([]byte, 8+2+12+4)
	if bo == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	bo.PutUint16(tiff[2:], 42)
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)
	bo.PutUint16(tiff[10:], 0x0112)
	bo.PutUint16(tiff[12:], 3)
	bo.PutUint32(tiff[14:], 1)
	bo.PutUint16(tiff[18:], uint16(o))
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{0xFF, 0xD8}, app1...)
	out = append(out, seg...)
	return append(out, data[2:]...)
}

func TestExifOrientation(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		want int
	}{
		{"no Exif", exifJPEG(t, 4, 2, 0, nil), 1},
		{"portrait, little endian", exifJPEG(t, 4, 2, 6, binary.LittleEndian), 6},
		{"big endian", exifJPEG(t, 4, 2, 8, binary.BigEndian), 8},
		{"upside down", exifJPEG(t, 4, 2, 3, binary.BigEndian), 3},
		{"out of range", exifJPEG(t, 4, 2, 9, binary.BigEndian), 1},
		{"not a JPEG", []byte("\x89PNG\r\n"), 1},
		{"truncated", exifJPEG(t, 4, 2, 6, binary.LittleEndian)[:20], 1},
	} {
		if got := exifOrientation(c.data); got != c.want {
			t.Errorf("%s: orientation %d, want %d", c.name, got, c.want)
		}
	}
}

// A portrait photo taken with the phone turned (orientation 6) stands up:
// the 32×16 picture becomes 16×32, its red left half now on top.
func TestPhotoIsTurnedAsTheCameraSays(t *testing.T) {
	img, err := decodePhoto(exifJPEG(t, 32, 16, 6, binary.LittleEndian), 100)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 16 || b.Dy() != 32 {
		t.Fatalf("turned photo is %v", b)
	}
	top, _, _, _ := img.At(8, 4).RGBA()
	bottom, _, _, _ := img.At(8, 28).RGBA()
	if top < 0xC000 || bottom > 0x4000 {
		t.Errorf("red %x on top, %x below: the photo was not turned a quarter clockwise", top, bottom)
	}
	for o := 1; o <= 8; o++ {
		src := image.NewRGBA(image.Rect(0, 0, 3, 2))
		if b := orient(src, o).Bounds(); (o >= 5) != (b.Dx() == 2) {
			t.Errorf("orientation %d gives %v", o, b)
		}
	}
}

// FuzzExifOrientation: any bytes give an orientation from 1 to 8, without
// panicking.
func FuzzExifOrientation(f *testing.F) {
	f.Add(exifJPEG(f, 4, 2, 6, binary.LittleEndian))
	f.Add(exifJPEG(f, 4, 2, 3, binary.BigEndian))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x08, 'E', 'x', 'i', 'f', 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := exifOrientation(data); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}
