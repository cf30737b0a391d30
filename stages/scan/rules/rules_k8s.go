package rules

import (
	"bytes"
	"encoding/base64"
)

// k8sRules find the values of Kubernetes Secret manifests (YAML or JSON).
func k8sRules() []*Rule {
	return []*Rule{{
		ID: "kubernetes-secret", Description: "value in a Kubernetes Secret's data or stringData",
		Keywords: []string{"kind: Secret", `"kind": "Secret"`, `"kind":"Secret"`}, ExactCase: true,
		Extract: extractK8sSecret, Before: 16384, After: 16384, Multiline: true, MinLen: 4,
	}}
}

var (
	yamlDataRe  = lazyRegexp(`(?m)^([ \t]*)(data|stringData):[ \t]*\r?$`)
	yamlEntryRe = lazyRegexp(`^([ \t]+)([A-Za-z0-9_.-]+):[ \t]*(?:"([^"\r\n]*)"|'([^'\r\n]*)'|([^\s#"'][^\r\n#]*?))[ \t]*\r?$`)
	jsonDataRe  = lazyRegexp(`"(data|stringData)"\s*:\s*\{([^{}]*)\}`)
	jsonEntryRe = lazyRegexp(`"([A-Za-z0-9_.-]+)"\s*:\s*"([^"\\]*)"`)
)

// extractK8sSecret finds the YAML document or JSON object around a
// `kind: Secret` and emits each value of its data and stringData maps.
func extractK8sSecret(buf []byte, lo, hi int, emit func(Candidate)) {
	// Split the window into YAML documents; keep those that declare a Secret.
	for ds := lo; ds < hi; {
		de := hi
		if i := bytes.Index(buf[ds:hi], []byte("\n---")); i >= 0 {
			de = ds + i + 1
		}
		doc := buf[ds:de]
		if bytes.Contains(doc, []byte("kind: Secret")) {
			extractYAMLData(buf, ds, de, emit)
		}
		if bytes.Contains(doc, []byte(`"Secret"`)) {
			for _, m := range jsonDataRe().FindAllSubmatchIndex(doc, -1) {
				stringData := m[3]-m[2] == len("stringData")
				body := doc[m[4]:m[5]]
				for _, e := range jsonEntryRe().FindAllSubmatchIndex(body, -1) {
					at := ds + m[4]
					emitK8sValue(buf, at+e[2], at+e[3], at+e[4], at+e[5], stringData, emit)
				}
			}
		}
		ds = de + 3
	}
}

// extractYAMLData emits the entries of each data: / stringData: block of the
// YAML document buf[ds:de].
func extractYAMLData(buf []byte, ds, de int, emit func(Candidate)) {
	doc := buf[ds:de]
	for _, m := range yamlDataRe().FindAllSubmatchIndex(doc, -1) {
		indent := m[3] - m[2]
		stringData := m[5]-m[4] == len("stringData")
		pos := m[1] + 1
		for pos < len(doc) {
			end := bytes.IndexByte(doc[pos:], '\n')
			if end < 0 {
				end = len(doc)
			} else {
				end += pos
			}
			line := doc[pos:end]
			e := yamlEntryRe().FindSubmatchIndex(line)
			if e == nil || e[3]-e[2] <= indent {
				if len(bytes.TrimSpace(line)) == 0 {
					pos = end + 1
					continue
				}
				break
			}
			for g := 3; g <= 5; g++ {
				if e[2*g] >= 0 {
					at := ds + pos
					emitK8sValue(buf, at+e[4], at+e[5], at+e[2*g], at+e[2*g+1], stringData, emit)
					break
				}
			}
			pos = end + 1
		}
	}
}

// emitK8sValue emits one entry's value unless it is empty, a placeholder, or
// (for data) base64 of a placeholder or of a certificate or public key.
func emitK8sValue(buf []byte, ks, ke, vs, ve int, stringData bool, emit func(Candidate)) {
	v := buf[vs:ve]
	plain := v
	if !stringData {
		dec, err := base64.StdEncoding.DecodeString(string(v))
		if err != nil {
			return
		}
		plain = dec
	}
	plain = bytes.TrimSpace(plain)
	if len(plain) < 4 || IsPlaceholder(plain) || IsHashOrID(plain) {
		return
	}
	emit(Candidate{Start: ks, End: ve, SecretStart: vs, SecretEnd: ve, KeyStart: ks, KeyEnd: ke})
}
