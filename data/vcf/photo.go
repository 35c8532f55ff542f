package vcf

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/gif" // photos come as GIF too
	"image/jpeg"
	_ "image/png" // and PNG
	"net/http"
	"strings"

	"golang.org/x/image/draw"
)

// Photos are kept small: a contact's picture is shown as a thumbnail, and the
// database syncs through a shared folder.
const (
	maxPhotoBytes = 64 << 10 // a photo larger than this is downscaled
	photoSide     = 256      // to fit in a square this many pixels wide
)

// decodePhoto reads a PHOTO: inline base64 (2.1, 3.0) or a data: URI (4.0,
// and 3.0 writers that mix the two) gives the image; any other URI is kept as
// a link and never fetched. msg reports what was changed or dropped.
func decodePhoto(p *Property) (img []byte, url string, msg string) {
	v := strings.TrimSpace(p.Value)
	enc := strings.ToUpper(p.Param("ENCODING"))
	var raw []byte
	switch {
	case strings.HasPrefix(strings.ToLower(v), "data:"):
		meta, payload, ok := strings.Cut(v[5:], ",")
		if !ok {
			// khard and others escape the comma as in text: data:image/png;base64\,...
			meta, payload, ok = strings.Cut(v[5:], `\,`)
		} else if strings.HasSuffix(meta, `\`) {
			meta = strings.TrimSuffix(meta, `\`)
		}
		if !ok || !strings.HasSuffix(strings.ToLower(meta), ";base64") {
			return nil, "", "PHOTO data: URI that is not base64; kept as it is"
		}
		b, err := decodeBase64(payload)
		if err != nil {
			return nil, "", "PHOTO data: URI with bad base64; kept as it is"
		}
		raw = b
		if enc == "B" || enc == "BASE64" {
			msg = "PHOTO is a data: URI inside ENCODING=" + strings.ToLower(enc) + "; read as the data: URI"
		}
	case enc == "B" || enc == "BASE64":
		b, err := decodeBase64(v)
		if err != nil {
			return nil, "", "PHOTO with bad base64; kept as it is"
		}
		raw = b
	default:
		if v == "" {
			return nil, "", "empty PHOTO dropped"
		}
		u := unescape(v)
		if strings.ContainsAny(u, " \t\r\n") {
			return nil, "", "PHOTO is neither an image nor a link; kept as it is"
		}
		return nil, u, ""
	}
	if len(raw) == 0 {
		return nil, "", "empty PHOTO dropped"
	}
	small, err := downscale(raw)
	if err != nil {
		return nil, "", fmt.Sprintf("PHOTO of %d bytes could not be read as an image (%v); kept as it is", len(raw), err)
	}
	if len(small) != len(raw) {
		m := fmt.Sprintf("PHOTO downscaled from %d to %d bytes", len(raw), len(small))
		if msg != "" {
			m = msg + "; " + m
		}
		msg = m
	}
	return small, "", msg
}

func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
}

// downscale gives photos up to maxPhotoBytes back as they are; larger ones are
// scaled to fit photoSide and written as JPEG.
func downscale(b []byte) ([]byte, error) {
	if len(b) <= maxPhotoBytes {
		return b, nil
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if cfg.Width > 10000 || cfg.Height > 10000 || cfg.Width*cfg.Height > 40e6 {
		return nil, fmt.Errorf("image of %dx%d pixels is too large", cfg.Width, cfg.Height)
	}
	src, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	r := src.Bounds()
	w, h := r.Dx(), r.Dy()
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("empty image")
	}
	if w > photoSide || h > photoSide {
		if w >= h {
			w, h = photoSide, max(1, h*photoSide/w)
		} else {
			w, h = max(1, w*photoSide/h), photoSide
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, r, draw.Src, nil)
	var out bytes.Buffer
	for _, q := range []int{85, 60, 30} {
		out.Reset()
		if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: q}); err != nil {
			return nil, err
		}
		if out.Len() <= maxPhotoBytes {
			break
		}
	}
	return out.Bytes(), nil
}

// photoType is the media type of image bytes, for export.
func photoType(b []byte) string {
	t := http.DetectContentType(b)
	if strings.HasPrefix(t, "image/") {
		return t
	}
	return "image/jpeg"
}

// PreparePhoto makes a picture chosen in the app fit a contact the way an
// imported photo is made to: checked to be a JPEG, PNG or GIF, kept as it is
// when small, else scaled to fit 256 pixels and written as JPEG.
func PreparePhoto(b []byte) ([]byte, error) {
	if _, _, err := image.DecodeConfig(bytes.NewReader(b)); err != nil {
		return nil, fmt.Errorf("vcf: not a JPEG, PNG or GIF picture: %w", err)
	}
	return downscale(b)
}
