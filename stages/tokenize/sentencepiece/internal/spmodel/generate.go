// Package spmodel holds the generated Go types of the part of SentencePiece's
// ModelProto that the sentencepiece package reads (sentencepiece_model.proto).
package spmodel

//go:generate protoc --go_out=. --go_opt=paths=source_relative sentencepiece_model.proto
