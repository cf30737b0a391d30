package sentencepiece

import (
	"strings"
	"testing"
)

func TestWireReader(t *testing.T) {
	var w protoWriter
	w.varint(1, 150).varint(2, -5).str(3, "hi").float(4, 1.5)
	w.tag(5, wireFixed64)
	w.buf = append(w.buf, 1, 2, 3, 4, 5, 6, 7, 8)
	w.varint(6, 1)
	r := wireReader{buf: w.buf}
	var got []string
	for {
		f, wt, ok, err := r.next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		switch f {
		case 1:
			v, _ := r.varint()
			got = append(got, "1:"+itoa(int64(v)))
		case 2:
			v, _ := r.readInt32()
			got = append(got, "2:"+itoa(int64(v)))
		case 3:
			s, _ := r.readString()
			got = append(got, "3:"+s)
		case 4:
			v, _ := r.readFloat()
			got = append(got, "4:"+itoa(int64(v*10)))
		default:
			if err := r.skip(wt); err != nil {
				t.Fatal(err)
			}
			got = append(got, "skip")
		}
	}
	if want := "1:150 2:-5 3:hi 4:15 skip skip"; strings.Join(got, " ") != want {
		t.Errorf("read %q, want %q", strings.Join(got, " "), want)
	}
}

func itoa(v int64) string { return formatIDs([]int32{int32(v)}) }

func TestWireReaderErrors(t *testing.T) {
	tests := []struct {
		name string
		buf  []byte
		want string
	}{
		{"truncated varint", []byte{0x08, 0x80}, "truncated"},
		{"truncated bytes", []byte{0x1a, 0x05, 'a'}, "truncated"},
		{"truncated fixed32", []byte{0x25, 1, 2}, "truncated"},
		{"field zero", []byte{0x00, 0x01}, "invalid field number"},
		{"group wire type", []byte{0x0b}, "unsupported wire type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := wireReader{buf: tt.buf}
			var err error
			for err == nil {
				var wt int
				var ok bool
				_, wt, ok, err = r.next()
				if err != nil || !ok {
					break
				}
				err = r.skip(wt)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
