// builder/serialize.h - builder documents as versioned JSON, and the compact form
// that share links carry.
//
// SAVED DOCUMENT (download/upload, autosave): one JSON object
//   {"format": "netforge-builder", "version": 1, "name": "...", "next_id": 12,
//    "nodes": [{"id": 1, "type": "Conv2d", "name": "conv2d_1",
//               "params": {"out_channels": 32, ...every parameter...}, "pos": [x, y]}, ...],
//    "edges": [{"from": 1, "to": 2, "port": 0}, ...]}
// Parameters are stored by name, all of them, so a saved file does not depend on the
// defaults of the catalog that reads it. Types and parameters this catalog does not
// know are kept (and written back) and reported by the analysis; nothing is dropped
// silently: every repair made while loading is a note in LoadReport.
//
// DECORATION (version 2; both forms): a node may carry "color": "#rrggbb" and "note";
//   "annotations" (compact: "a") lists labels and frames:
//   {"id": 1, "kind": "label"|"frame", "text": "...", "pos": [x, y], "size": [w, h] (frames), "color": "#rrggbb"}
//   (the compact form leaves "id" out: 1..n in order). Saved JSON also has "next_annotation_id".
//
// COMPACT FORM (share links; the browser deflates it, may encrypt it, and puts it in
// the URL fragment): minified JSON
//   {"v": 1, "n": "model name", "l": [[type, name, params, inputs, dx, dy], ...]}
//   type    layer type name
//   name    0 when it equals the default name "<lowercase type>_<k>" (k-th node of
//           that type), else the name
//   params  0 or an object of the parameters that differ from the catalog default
//           (fixed-length tuples with equal entries written as one number)
//   inputs  0 = "input port 0 fed by the previous node" (the common chain);
//           else an array: the producer's index for each port, -1 for a gap
//   dx, dy  position relative to the previous node (whole units)
//   look    (version 2, only when set) {"c": "#rrggbb", "t": "note"}
// Node ids become 1..n in order. Omitting defaults makes links short, so changing a
// default in the catalog requires a version bump and a migration (see migrations()).
#pragma once
#include <optional>
#include <string>
#include <unordered_map>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "builder/document.h"

namespace nf::builder {

constexpr const char* kDocumentFormat = "netforge-builder";
// Version 2 added node "color" ("#rrggbb") and "note", and "annotations" (labels and
// frames: see DECORATION below). A document without them is still written as version 1.
// Version 3 added an edge's "out" (which output of a multi-output layer it reads; 0 when
// absent), written only by documents that have such an edge.
constexpr int kDocumentVersion = 3;  // bump with a migration when the meaning of stored data changes

// What loading did besides reading: migrations applied, unknown things kept, repairs.
struct LoadReport {
  int source_version = 0;
  std::vector<std::string> notes;  // one sentence each
};

std::string saveJson(const Document& doc);  // stable text: same document -> same bytes

// Each layer's line of saveJson's text by layer id, so saving an edited big document
// writes only the lines of the layers that changed and copies the rest. The text is
// always what saveJson(doc) gives (tests/builder/serialize_test.cpp).
class SaveJsonCache {
 public:
  // A promise that since the last save through this cache only the layers `ids` changed
  // (Editor::changedSince); without one every line is written afresh. Used once.
  void onlyChanged(std::vector<NodeId> ids);

 private:
  friend std::string saveJson(const Document& doc, SaveJsonCache* cache);
  std::unordered_map<uint32_t, std::string> lines_;
  std::optional<std::vector<NodeId>> only_changed_;  // sorted
};
std::string saveJson(const Document& doc, SaveJsonCache* cache);
Result<Document> loadJson(std::string_view text, LoadReport* report = nullptr);

std::string saveCompact(const Document& doc);
Result<Document> loadCompact(std::string_view text, LoadReport* report = nullptr);

// Either form, recognised by its keys.
Result<Document> loadDocument(std::string_view text, LoadReport* report = nullptr);
// loadDocument() on a file's contents; the error names the file.
Result<Document> loadDocumentFile(const std::string& path, LoadReport* report = nullptr);

// [SECTION] Migrations

// Rewrites a document of version `from` (JSON, either form) into version from + 1.
struct Migration {
  int from = 0;
  const char* summary = "";  // what changed, for LoadReport notes
  void (*apply)(nlohmann::json& doc) = nullptr;
};

// The built-in table, keyed by `from`.
const std::vector<Migration>& migrations();

// Applies the steps of `table` from `version` up to `target`, recording each in `notes`.
// An error if a step is missing. Exposed so tests can run the mechanism on a table.
// A layer parameter as JSON (int, float, bool, string or int list), as documents and
// the Keras config write it.
nlohmann::json paramValueJson(const ParamValue& v);

Status migrate(nlohmann::json& doc, int version, int target, const std::vector<Migration>& table,
               std::vector<std::string>* notes);

}  // namespace nf::builder
