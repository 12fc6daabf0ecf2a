package app

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	_ "image/jpeg" // photos from cameras and phones
	_ "image/png"
	"io"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	xdraw "golang.org/x/image/draw"

	"terrimap/store"
)

// Limits on the photos attached: a file larger than maxPhotoBytes, or a
// picture of more than maxPhotoPixels (which would take gigabytes to
// show), is refused.
const (
	maxPhotoBytes  = 25 << 20
	maxPhotoPixels = 100_000_000
	// thumbSize is the side of a thumbnail, in logical pixels;
	// thumbPixels, of its picture (sharp on a 2× screen).
	thumbSize   = 96
	thumbPixels = 2 * thumbSize
	// fullPixels bounds the picture a photo is shown at, full size.
	fullPixels = 1600
)

// Why a file is refused as a photo.
var (
	errNotAPhoto     = errors.New("app: not a JPEG or PNG picture")
	errPhotoTooLarge = errors.New("app: photo too large")
)

// photoExtensions are the files the photo picker offers.
var photoExtensions = []string{".jpg", ".jpeg", ".png"}

// readPhoto reads a photo file, refusing what is not a JPEG or PNG picture
// or is too large, and returns its bytes and a thumbnail.
func readPhoto(r io.Reader) ([]byte, image.Image, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxPhotoBytes+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > maxPhotoBytes {
		return nil, nil, errPhotoTooLarge
	}
	thumb, err := decodePhoto(data, thumbPixels)
	if err != nil {
		return nil, nil, err
	}
	return data, thumb, nil
}

// decodePhoto decodes a JPEG or PNG picture, scales it down to fit a
// square of side px and turns it as its Exif orientation says.
func decodePhoto(data []byte, px int) (image.Image, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || (format != "jpeg" && format != "png") {
		return nil, errNotAPhoto
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, errNotAPhoto
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxPhotoPixels {
		return nil, errPhotoTooLarge
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, errNotAPhoto
	}
	// Turned as the camera says, once scaled down: a portrait photo stands.
	return orient(scaleDown(img, px), exifOrientation(data)), nil
}

// scaleDown returns img fitted into a square of side px, or img itself
// when it fits.
func scaleDown(img image.Image, px int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= px && h <= px {
		return img
	}
	if w >= h {
		w, h = px, max(1, h*px/w)
	} else {
		w, h = max(1, w*px/h), px
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
	return dst
}

// photoMessage says, in plain words, why a photo was not added.
func photoMessage(err error) string {
	switch {
	case errors.Is(err, errPhotoTooLarge):
		return lang.L("This photo is too large (over 25 MB or 100 megapixels): reduce it, then add it again. Nothing was changed.")
	case errors.Is(err, errNotAPhoto):
		return lang.L("This file is not a photo (JPEG or PNG): nothing was added.")
	}
	return editErrorMessage(err)
}

// photoStrip shows an intervention's photos as thumbnails, each opening
// full size on a tap, marks those not sent to the platform yet, and adds
// photos picked on disk.
type photoStrip struct {
	win fyne.Window
	s   *session
	do  func(func())
	// onAttach stores a photo read from disk; done gets its hash or why
	// it was refused.
	onAttach func(name string, data []byte, done func(hash string, err error))

	hint   *widget.Label
	add    *widget.Button
	grid   *fyne.Container
	thumbs map[string]*photoThumb
	hashes []string
	gen    int
}

func newPhotoStrip(win fyne.Window, s *session, do func(func()), onAttach func(string, []byte, func(string, error))) *photoStrip {
	return &photoStrip{win: win, s: s, do: do, onAttach: onAttach, thumbs: map[string]*photoThumb{}}
}

func (ps *photoStrip) build() fyne.CanvasObject {
	ps.hint = widget.NewLabel("")
	ps.hint.Wrapping = fyne.TextWrapWord
	ps.hint.Hide()
	ps.add = widget.NewButtonWithIcon(lang.L("Add photos…"), theme.MediaPhotoIcon(), ps.pick)
	ps.grid = container.NewGridWrap(fyne.NewSize(thumbSize, thumbSize))
	title := widget.NewLabelWithStyle(lang.L("Photos"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	return container.NewVBox(container.NewBorder(nil, nil, nil, ps.add, title), ps.hint, ps.grid)
}

// waitForRecord says that photos come once the intervention is recorded.
func (ps *photoStrip) waitForRecord() {
	ps.add.Disable()
	ps.hint.SetText(lang.L("Save the intervention first, then add its photos."))
	ps.hint.Show()
}

// load shows the photos of the hashes; editable offers to add some.
func (ps *photoStrip) load(hashes []string, editable bool) {
	ps.gen++
	ps.hashes = nil
	ps.thumbs = map[string]*photoThumb{}
	ps.grid.RemoveAll()
	ps.hint.Hide()
	if editable {
		ps.add.Enable()
		ps.add.Show()
	} else {
		ps.add.Hide()
	}
	if len(hashes) == 0 {
		ps.hint.SetText(lang.L("No photo yet."))
		ps.hint.Show()
	}
	for _, h := range hashes {
		ps.addThumb(h, nil)
	}
}

// addThumb shows a photo's thumbnail: thumb when known, else read and
// decoded in the background with whether the platform has it.
func (ps *photoStrip) addThumb(hash string, thumb image.Image) {
	if _, ok := ps.thumbs[hash]; ok {
		return
	}
	ps.hint.Hide()
	t := newPhotoThumb()
	t.onTapped = func() { ps.openFull(hash) }
	ps.thumbs[hash] = t
	ps.hashes = append(ps.hashes, hash)
	ps.grid.Add(t)
	gen := ps.gen
	ws := ps.s.ws
	go func() {
		ctx := context.Background()
		held, uploaded, _ := ws.HasBlob(ctx, hash)
		img := thumb
		if img == nil && held {
			if data, _, err := ws.Blob(ctx, hash); err == nil {
				img, _ = decodePhoto(data, thumbPixels)
			}
		}
		ps.do(func() {
			if gen == ps.gen {
				t.set(img, held, !uploaded)
			}
		})
	}()
}

// pick asks for image files and adds each one chosen.
func (ps *photoStrip) pick() {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			showError(ps.win, lang.L("The chosen file cannot be read: nothing was added."))
			return
		}
		if rc == nil {
			return // cancelled
		}
		ps.attachFrom(rc.URI().Name(), rc)
	}, ps.win)
	d.SetFilter(storage.NewExtensionFileFilter(photoExtensions))
	d.Show()
}

// attachFrom reads a photo in the background, checks it and stores it;
// it closes r.
func (ps *photoStrip) attachFrom(name string, r io.ReadCloser) {
	ps.add.Disable()
	ps.hint.SetText(lang.L("Adding {{.Name}}…", map[string]any{"Name": filepath.Base(name)}))
	ps.hint.Show()
	gen := ps.gen
	go func() {
		data, thumb, err := readPhoto(r)
		r.Close()
		ps.do(func() {
			if gen != ps.gen {
				return
			}
			if err != nil {
				ps.attachDone(err)
				return
			}
			ps.onAttach(filepath.Base(name), data, func(hash string, err error) {
				if err == nil && gen == ps.gen {
					ps.addThumb(hash, thumb)
				}
				ps.attachDone(err)
			})
		})
	}()
}

func (ps *photoStrip) attachDone(err error) {
	ps.add.Enable()
	ps.hint.Hide()
	if len(ps.hashes) == 0 {
		ps.hint.SetText(lang.L("No photo yet."))
		ps.hint.Show()
	}
	if err != nil {
		showError(ps.win, photoMessage(err))
	}
}

// openFull shows a photo as large as the window allows.
func (ps *photoStrip) openFull(hash string) {
	ws := ps.s.ws
	go func() {
		data, name, err := ws.Blob(context.Background(), hash)
		var img image.Image
		if err == nil {
			img, err = decodePhoto(data, fullPixels)
		}
		ps.do(func() {
			switch {
			case errors.Is(err, store.ErrBlobNotFound):
				showError(ps.win, lang.L("This photo is not on this computer yet: it will come with the next synchronisation."))
				return
			case err != nil:
				showError(ps.win, lang.L("This photo cannot be shown: its file is damaged."))
				return
			}
			pic := canvas.NewImageFromImage(img)
			pic.FillMode = canvas.ImageFillContain
			pic.ScaleMode = canvas.ImageScaleSmooth
			if name == "" {
				name = lang.L("Photo")
			}
			d := dialog.NewCustom(name, lang.L("Close"), pic, ps.win)
			size := ps.win.Canvas().Size()
			d.Resize(fyne.NewSize(max(320, size.Width*0.9), max(240, size.Height*0.9)))
			d.Show()
		})
	}()
}

// photoThumb is one photo's thumbnail: its picture (or a sign that it is
// not on this computer yet), with a badge while the platform lacks it.
type photoThumb struct {
	widget.BaseWidget
	pic      *canvas.Image
	missing  *widget.Icon
	badge    *fyne.Container
	onTapped func()
}

var (
	_ fyne.Widget   = (*photoThumb)(nil)
	_ fyne.Tappable = (*photoThumb)(nil)
)

func newPhotoThumb() *photoThumb {
	t := &photoThumb{pic: canvas.NewImageFromImage(nil), missing: widget.NewIcon(theme.MediaPhotoIcon())}
	t.pic.FillMode = canvas.ImageFillContain
	t.pic.ScaleMode = canvas.ImageScaleSmooth
	t.pic.SetMinSize(fyne.NewSize(thumbSize, thumbSize))
	text := canvas.NewText(lang.L("waiting to be sent"), color.White)
	text.TextSize = theme.CaptionTextSize()
	text.Alignment = fyne.TextAlignCenter
	bg := canvas.NewRectangle(color.NRGBA{R: 0xb3, G: 0x5c, B: 0x00, A: 0xe0})
	t.badge = container.NewVBox(layout.NewSpacer(), container.NewStack(bg, text))
	t.badge.Hide()
	t.ExtendBaseWidget(t)
	return t
}

// set shows the thumbnail's picture (nil: not held here or unreadable)
// and whether it waits to be sent.
func (t *photoThumb) set(img image.Image, held, waiting bool) {
	if img != nil {
		t.pic.Image = img
		t.pic.Refresh()
		t.missing.Hide()
	} else {
		t.missing.SetResource(theme.BrokenImageIcon())
		t.missing.Show()
	}
	if held && waiting {
		t.badge.Show()
	} else {
		t.badge.Hide()
	}
}

// waiting reports whether the badge "waiting to be sent" shows.
func (t *photoThumb) waiting() bool { return t.badge.Visible() }

// Tapped opens the photo.
func (t *photoThumb) Tapped(*fyne.PointEvent) {
	if t.onTapped != nil {
		t.onTapped()
	}
}

// CreateRenderer stacks the picture, the missing sign and the badge.
func (t *photoThumb) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(t.pic, t.missing, t.badge))
}
