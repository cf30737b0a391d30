package charsmap

import (
	"encoding/binary"
	"fmt"
)

// dartsTrie reads a darts-clone double array, the format of the trie inside a
// precompiled character map. Each unit is a little-endian uint32 packing a
// label, an offset to the children and a has-leaf flag; a leaf unit holds a
// value instead.
type dartsTrie struct {
	units []uint32
}

func newDartsTrie(blob []byte) (*dartsTrie, error) {
	if len(blob)%4 != 0 {
		return nil, fmt.Errorf("double array of %d bytes is not a whole number of 4-byte units", len(blob))
	}
	units := make([]uint32, len(blob)/4)
	for i := range units {
		units[i] = binary.LittleEndian.Uint32(blob[4*i:])
	}
	if len(units) == 0 {
		return nil, fmt.Errorf("double array is empty")
	}
	return &dartsTrie{units: units}, nil
}

func dartsHasLeaf(u uint32) bool  { return (u>>8)&1 == 1 }
func dartsValue(u uint32) uint32  { return u & (1<<31 - 1) }
func dartsLabel(u uint32) uint32  { return u & (1<<31 | 0xFF) }
func dartsOffset(u uint32) uint32 { return (u >> 10) << ((u & (1 << 9)) >> 6) }

// longestPrefix finds the longest key that is a prefix of s and returns its
// value and length, or length 0 when no key matches. Like the C++ normalizer
// it only considers the first maxResults matches.
func (t *dartsTrie) longestPrefix(s string, maxResults int) (value uint32, length int) {
	units := t.units
	pos := dartsOffset(units[0])
	found := 0
	for i := 0; i < len(s); i++ {
		c := uint32(s[i])
		pos ^= c
		if int(pos) >= len(units) {
			return value, length
		}
		u := units[pos]
		if dartsLabel(u) != c {
			return value, length
		}
		pos ^= dartsOffset(u)
		if dartsHasLeaf(u) {
			if found < maxResults {
				if int(pos) >= len(units) {
					return value, length
				}
				value, length = dartsValue(units[pos]), i+1
			}
			found++
		}
	}
	return value, length
}

// shortestPrefix finds the shortest key that is a prefix of s and returns
// its value and length, or length 0 when no key matches. A NUL byte in s
// ends the search, as the Rust reader of these tries does.
func (t *dartsTrie) shortestPrefix(s string) (value uint32, length int) {
	units := t.units
	pos := dartsOffset(units[0])
	for i := 0; i < len(s); i++ {
		c := uint32(s[i])
		if c == 0 {
			return 0, 0
		}
		pos ^= c
		if int(pos) >= len(units) {
			return 0, 0
		}
		u := units[pos]
		if dartsLabel(u) != c {
			return 0, 0
		}
		pos ^= dartsOffset(u)
		if dartsHasLeaf(u) {
			if int(pos) >= len(units) {
				return 0, 0
			}
			return dartsValue(units[pos]), i + 1
		}
	}
	return 0, 0
}

// firstByteMatters reports, for each byte, whether some key starts with it.
func (t *dartsTrie) firstByteMatters() [256]bool {
	var out [256]bool
	units := t.units
	root := dartsOffset(units[0])
	for c := 0; c < 256; c++ {
		pos := root ^ uint32(c)
		if int(pos) < len(units) && dartsLabel(units[pos]) == uint32(c) {
			out[c] = true
		}
	}
	return out
}

// asciiFollowers describes, for each ASCII first byte, whether the one-byte
// key exists and which second bytes continue some key, so that callers can
// rule out a match without walking the trie.
func (t *dartsTrie) asciiFollowers() (leaf [128]bool, second [128][4]uint64) {
	units := t.units
	root := dartsOffset(units[0])
	for c := uint32(0); c < 128; c++ {
		pos := root ^ c
		if int(pos) >= len(units) || dartsLabel(units[pos]) != c {
			continue
		}
		leaf[c] = dartsHasLeaf(units[pos])
		child := pos ^ dartsOffset(units[pos])
		for d := uint32(0); d < 256; d++ {
			p := child ^ d
			if int(p) < len(units) && dartsLabel(units[p]) == d {
				second[c][d>>6] |= 1 << (d & 63)
			}
		}
	}
	return leaf, second
}
