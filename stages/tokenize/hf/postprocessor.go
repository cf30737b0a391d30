package hf

// postProcessor adds special tokens around an encoded sequence.
type postProcessor interface {
	process(ids []int32) []int32
}

// wrapPost puts fixed ids before and after the sequence (BertProcessing,
// RobertaProcessing, and TemplateProcessing's single template).
type wrapPost struct{ before, after []int32 }

func (p wrapPost) process(ids []int32) []int32 {
	if len(p.before) == 0 && len(p.after) == 0 {
		return ids
	}
	out := make([]int32, 0, len(p.before)+len(ids)+len(p.after))
	out = append(out, p.before...)
	out = append(out, ids...)
	return append(out, p.after...)
}

// sequencePost applies post-processors one after the other.
type sequencePost []postProcessor

func (q sequencePost) process(ids []int32) []int32 {
	for _, p := range q {
		ids = p.process(ids)
	}
	return ids
}
