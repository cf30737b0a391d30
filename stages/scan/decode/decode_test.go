package decode

import (
	"bytes"
	"io"
	"testing"
	"testing/iotest"
	"unicode/utf16"
)

// reference decodes UTF-16 with the standard library.
func reference(src []byte, big bool) []byte {
	units := make([]uint16, len(src)/2)
	for i := range units {
		if big {
			units[i] = uint16(src[2*i])<<8 | uint16(src[2*i+1])
		} else {
			units[i] = uint16(src[2*i+1])<<8 | uint16(src[2*i])
		}
	}
	s := string(utf16.Decode(units))
	if len(src)%2 == 1 {
		s += "\uFFFD"
	}
	return []byte(s)
}

func encode(s string, big bool) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		if big {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func encode32(s string, big bool) []byte {
	var out []byte
	for _, r := range s {
		if big {
			out = append(out, byte(r>>24), byte(r>>16), byte(r>>8), byte(r))
		} else {
			out = append(out, byte(r), byte(r>>8), byte(r>>16), byte(r>>24))
		}
	}
	return out
}

// UTF-32 in either byte order decodes to the text, whatever the reads' sizes.
func TestUTF32Reader(t *testing.T) {
	text := "aws_secret_access_key = wJalr/XUtnFEMI+K7MDENG\n\u00e9\U0001F600 ok"
	for _, big := range []bool{false, true} {
		got, err := io.ReadAll(iotest.OneByteReader(NewUTF32Reader(bytes.NewReader(encode32(text, big)), big)))
		if err != nil || string(got) != text {
			t.Errorf("big=%v: %q, %v", big, got, err)
		}
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		enc  Encoding
		bom  int
	}{
		{"ascii", []byte("password = x\n"), UTF8, 0},
		{"utf8 bom", []byte("\xEF\xBB\xBFhello"), UTF8, 3},
		{"utf16le bom", append([]byte{0xFF, 0xFE}, encode("hello", false)...), UTF16LE, 2},
		{"utf16be bom", append([]byte{0xFE, 0xFF}, encode("hello", true)...), UTF16BE, 2},
		{"utf16le bare", encode("token = abcdefghijkl\r\n", false), UTF16LE, 0},
		{"utf16be bare", encode("token = abcdefghijkl\r\n", true), UTF16BE, 0},
		{"binary", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00>\x00\x01\x00\x00\x00"), Binary, 0},
		{"utf32le bom", append([]byte{0xFF, 0xFE, 0, 0}, encode32("hello", false)...), UTF32LE, 4},
		{"utf32be bom", append([]byte{0, 0, 0xFE, 0xFF}, encode32("hello", true)...), UTF32BE, 4},
		{"utf32le bare", encode32("token = abcdefghijkl\r\n", false), UTF32LE, 0},
		{"utf32be bare", encode32("token = abcdefghijkl\r\n", true), UTF32BE, 0},
		{"empty", nil, UTF8, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc, bom := Sniff(tc.head)
			if enc != tc.enc || bom != tc.bom {
				t.Fatalf("Sniff = %v, %d; want %v, %d", enc, bom, tc.enc, tc.bom)
			}
		})
	}
}

func TestUTF16Reader(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{"ascii crlf", "a = 1\r\nb = 2\r\n"},
		{"accents", "clé = «valeur»\n"},
		{"astral", "emoji 😀 and 𝄞 clef\n"},
		{"empty", ""},
	}
	for _, tc := range tests {
		for _, big := range []bool{false, true} {
			src := encode(tc.text, big)
			for _, r := range []io.Reader{bytes.NewReader(src), iotest.OneByteReader(bytes.NewReader(src)), iotest.HalfReader(bytes.NewReader(src))} {
				got, err := io.ReadAll(NewUTF16Reader(r, big))
				if err != nil || string(got) != tc.text {
					t.Errorf("%s big=%v: got %q, %v; want %q", tc.name, big, got, err, tc.text)
				}
			}
		}
	}
}

// FuzzUTF16Reader checks the streaming decoder against the standard library
// on arbitrary bytes, read in small pieces.
func FuzzUTF16Reader(f *testing.F) {
	f.Add([]byte("a\x00b\x00"), false)
	f.Add([]byte{0x3D, 0xD8, 0x00, 0xDE}, false)
	f.Add([]byte{0xD8, 0x3D}, true)
	f.Add([]byte{0x00, 0xDC, 0x41}, false)
	f.Fuzz(func(t *testing.T, src []byte, big bool) {
		got, err := io.ReadAll(NewUTF16Reader(iotest.HalfReader(bytes.NewReader(src)), big))
		if err != nil {
			t.Fatal(err)
		}
		if want := reference(src, big); !bytes.Equal(got, want) {
			t.Fatalf("decoded %q, want %q", got, want)
		}
	})
}

// FuzzSniff checks that Sniff never panics and that a reported mark is there.
func FuzzSniff(f *testing.F) {
	f.Add([]byte("\xFF\xFEa\x00"))
	f.Add([]byte("plain"))
	f.Fuzz(func(t *testing.T, head []byte) {
		enc, bom := Sniff(head)
		if bom > len(head) || (bom > 0 && enc == Binary) {
			t.Fatalf("Sniff(%q) = %v, %d", head, enc, bom)
		}
	})
}
