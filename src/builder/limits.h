// builder/limits.h - the size limits of a builder document, in one place: the editor
// refuses an edit that would pass them and the loaders refuse a document that does,
// so whatever the editor can make, the loader reads back (autosave, files, links).
#pragma once
#include <cstddef>
#include <string>

namespace nf::builder {

// Kept at 20,000: Edit in builder folds an exporter's weight Identities, bias Adds and
// shape arithmetic, so the 18,436-node 96+96 transformer becomes 11,141 layers (a 20k-node
// graph fits); past that a flat canvas is not workable anyway (folded blocks are not yet).
constexpr size_t kMaxDocumentNodes = 20000;
constexpr size_t kMaxDocumentBytes = size_t{64} << 20;  // saved or compact text, 64 MiB
constexpr size_t kMaxAnnotations = 2000;   // labels and frames on one canvas
constexpr size_t kMaxNoteBytes = 4096;     // a node's note, a label's or frame's text

// The sentence for a refused edit or load, e.g. "a document holds at most 20000 nodes".
inline std::string nodeLimitMessage() {
  return "a builder document holds at most " + std::to_string(kMaxDocumentNodes) + " nodes";
}

}  // namespace nf::builder
