package tokenize

import (
	"reflect"
	"testing"
)

// TestEncodeShapedKeepsSpecialTokens checks that truncation leaves room for
// the post-processor's [CLS] and [SEP] and adds them to every window. The
// first windows were checked against npm tokenizers 0.23.2 (setTruncation,
// setPadding). Overflow windows differ on purpose: that version stops
// encoding once max_length is filled, so its overflow holds only the rest
// of the last word; here the windows cover the whole sequence.
func TestEncodeShapedKeepsSpecialTokens(t *testing.T) {
	tok, err := Load("hf/testdata/wordpiece.tokenizer.json")
	if err != nil {
		t.Fatal(err)
	}
	// [CLS] the whale s ##w ##a ##m far away into the deep sea [SEP]
	text := "The whale swam far away into the deep sea"
	tests := []struct {
		name  string
		shape Shape
		texts []string
		want  []Encoding
	}{
		{"truncate", Shape{MaxLength: 6, Truncate: true}, []string{text}, []Encoding{{
			IDs: []int32{2, 5, 185, 49, 3028, 3},
			Overflowing: []Encoding{
				{IDs: []int32{2, 3007, 3023, 181, 538, 3}},
				{IDs: []int32{2, 98, 5, 1180, 313, 3}},
			}}}},
		{"stride and padding", Shape{MaxLength: 6, Truncate: true, Stride: 2, Pad: PadMaxLength}, []string{"Hi", text[:20]}, []Encoding{
			{IDs: []int32{2, 3014, 3011, 3, 0, 0}, AttentionMask: []int8{1, 1, 1, 1, 0, 0}},
			{IDs: []int32{2, 5, 185, 49, 3028, 3}, AttentionMask: []int8{1, 1, 1, 1, 1, 1}, Overflowing: []Encoding{
				{IDs: []int32{2, 49, 3028, 3007, 3023, 3}, AttentionMask: []int8{1, 1, 1, 1, 1, 1}},
				{IDs: []int32{2, 3007, 3023, 181, 12, 3}, AttentionMask: []int8{1, 1, 1, 1, 1, 1}},
			}},
		}},
		{"no truncation keeps Encode's ids", Shape{}, []string{"Hi"}, []Encoding{{IDs: []int32{2, 3014, 3011, 3}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := EncodeShaped(tok, tt.texts, tt.shape, 2)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}
