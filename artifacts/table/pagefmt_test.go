package table

import (
	"bufio"
	"bytes"
	"testing"
)

// TestPageHeaderRoundTrip writes page headers and reads them back.
func TestPageHeaderRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		typ  int
		enc  int
	}{
		{"plain data page", pageData, encPlain},
		{"dictionary data page", pageData, encRLEDictionary},
		{"dictionary page", pageDictionary, encPlain},
	}
	for _, tc := range cases {
		for _, size := range []int{0, 1, 1 << 20, 1<<31 - 1} {
			b := appendPageHeader(nil, tc.typ, size, size/3, size/7, tc.enc)
			h, err := readPageHeader(bufio.NewReader(bytes.NewReader(b)))
			if err != nil {
				t.Fatalf("%s, %d bytes: %v", tc.name, size, err)
			}
			want := pageHeader{typ: int32(tc.typ), uncompressed: int32(size), compressed: int32(size / 3),
				numValues: int32(size / 7), encoding: int32(tc.enc), defEncoding: encRLE, compressedV2: true}
			if h != want {
				t.Errorf("%s, %d bytes: read %+v, want %+v", tc.name, size, h, want)
			}
		}
	}
}

// FuzzPageHeader reads arbitrary bytes as a page header: errors, never
// panics or loops.
func FuzzPageHeader(f *testing.F) {
	f.Add(appendPageHeader(nil, pageData, 100, 50, 10, encPlain))
	f.Add(appendPageHeader(nil, pageDictionary, 100, 50, 10, encPlain))
	f.Add([]byte{0x19, 0xfc, 0x0f, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		readPageHeader(bufio.NewReader(bytes.NewReader(b)))
	})
}
