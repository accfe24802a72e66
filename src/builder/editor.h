// builder/editor.h - the document as the canvas edits it: every edit is one undo step.
//
// The editor UI keeps one Editor, calls its edit functions in response to gestures and
// re-runs analyze() when revision() changes. Each edit records the primitive changes
// it made (add/remove/update node, add/remove edge, rename model) so undo and redo
// replay them exactly - ids included - without copying the document. A drag sends
// moveNodes(..., continueDrag = true) every frame; those merge into one step.
//
// Selection, hover, zoom and box-select rectangles are UI state and live in the app;
// nodesInRect() answers the box-select query from node anchor positions.
#pragma once
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "builder/document.h"

namespace nf::builder {

// One primitive change and what it replaced.
struct Change {
  enum class Kind : uint8_t {
    AddNode, RemoveNode, UpdateNode, AddEdge, RemoveEdge, SetModelName,
    AddAnnotation, RemoveAnnotation, UpdateAnnotation,
  };
  Kind kind = Kind::AddNode;
  Node before, after;  // nodes: Add uses after, Remove uses before, Update both
  Edge edge;           // AddEdge / RemoveEdge
  std::string name_before, name_after;  // SetModelName
  Annotation note_before, note_after;   // annotations, as for nodes
};

// Auto-arrange: the direction data flows in.
enum class ArrangeDirection : uint8_t { TopToBottom, LeftToRight };

// Align and distribute (the selection's boxes, by their edges or centres).
enum class AlignMode : uint8_t {
  Left, CenterX, Right, Top, CenterY, Bottom,
  DistributeX,  // equal gaps between boxes, left to right, the outer two stay
  DistributeY,
};
// New top-left corners for boxes `rects` (x, y = top-left; size in the second Vec2),
// in the same order. Fewer than 2 boxes (3 for distribute) stay where they are.
std::vector<Vec2> alignedPositions(const std::vector<std::pair<Vec2, Vec2>>& rects, AlignMode mode);

struct EditStep {
  std::string label;  // "Add Conv2d", "Connect", "Move 3 nodes": for the Undo/Redo menu items
  std::vector<Change> changes;
  uint64_t merge_key = 0;  // non-zero: later steps with the same key may merge (drags)
};

class Editor {
 public:
  Editor() = default;
  explicit Editor(Document doc) : doc_(std::move(doc)) {}

  const Document& document() const { return doc_; }
  // Changes on every edit, undo and redo: cache analysis and code against it.
  uint64_t revision() const { return revision_; }
  // The layers (by id, ascending) added, removed, changed or connected differently since
  // `revision` (edges touch both ends; moves count as changes); nullopt when that is
  // unknown: a revision before the last load() or kJournalLength revisions ago. Lets
  // AnalysisCache skip comparing the layers an edit did not touch.
  std::optional<std::vector<NodeId>> changedSince(uint64_t revision) const;
  static constexpr size_t kJournalLength = 256;
  // Replaces the document (open, upload, share link) and forgets the history.
  void load(Document doc);
  // "New": removes every node and edge and resets the model name, as one undo step
  // (so a mistaken New is one Ctrl+Z away). Nothing to clear: no step.
  Status clear();
  // "New > From template": replaces every node, edge and the model name by `doc`'s as
  // one undo step labelled `label`, so the user's model is one Ctrl+Z away.
  // Refused past kMaxDocumentNodes like every other edit that adds nodes.
  Status replaceDocument(const Document& doc, std::string label);

  // [SECTION] Edits (each is one undo step; a failed edit changes nothing)
  // Edits that add nodes (add, "+", paste, duplicate) are refused with a message past
  // kMaxDocumentNodes (limits.h), the limit the loaders read back.
  Result<NodeId> addNode(std::string_view type, Vec2 pos);
  // The "+" button: adds `type` below `after` and connects after -> new node.
  Result<NodeId> appendAfter(NodeId after, std::string_view type);
  // Connects output `out` of `from` to `to` on `port` (-1: the first free port, or port 0
  // of a fed single-input layer). Replaces an edge already on that port. Refused when the
  // edge would close a cycle, the port does not exist, or `from` has no output `out`.
  Status connect(NodeId from, NodeId to, int port = -1, int out = 0);
  // Flowpoints' shift-click: disconnects from -> to if connected, else connects.
  Status toggleConnection(NodeId from, NodeId to);
  Status disconnect(const Edge& edge);
  // Removes the nodes and every edge touching them.
  Status removeNodes(const std::vector<NodeId>& ids);
  // Validated against the catalog (kind, range, choices); converts 3 -> (3, 3) for
  // fixed-length tuples and ints to floats. Unknown names and invalid values fail.
  Status setParam(NodeId id, std::string_view name, const ParamValue& value);
  Status resetParam(NodeId id, std::string_view name);
  // Changes the layer type, keeping the parameters the new type shares (by name) and
  // every edge; the analysis then reports any input that no longer fits.
  Status setType(NodeId id, std::string_view type);
  Status rename(NodeId id, std::string name);
  Status setModelName(std::string name);
  // Moves by `delta` (positions are rounded to whole units). continueDrag merges with
  // the previous step when it moved the same nodes.
  Status moveNodes(const std::vector<NodeId>& ids, Vec2 delta, bool continueDrag = false);
  // Layered placement by the graph layout engine (src/layout: cycles broken, layers,
  // crossings minimised, Brandes-Koepf placement), flowing down or to the right.
  // `sizes` gives each node's box (Document::nodes() order; default 170 x 46);
  // the top-left of the result is where the top-left of the old bounding box was, or
  // 0, 0 for a document with nothing placed yet.
  Status autoArrange(ArrangeDirection direction = ArrangeDirection::TopToBottom,
                     const std::vector<Vec2>& sizes = {});
  // Moves nodes to the given top-left corners as one undo step labelled `label`
  // (align, distribute, snap); unchanged positions add nothing.
  Status placeNodes(const std::vector<std::pair<NodeId, Vec2>>& positions, std::string label);

  // [SECTION] Diagram decoration (no effect on the model; each edit one undo step)
  Status setNodeColor(NodeId id, std::optional<uint32_t> color);  // none: the category colour
  // continueTyping merges with the previous step when it was this node's note (the UI
  // commits every keystroke, so a note is never lost when the selection changes).
  Status setNote(NodeId id, std::string note, bool continueTyping = false);
  // Adds a label or frame (its id is assigned); returns the id.
  Result<uint32_t> addAnnotation(Annotation a);
  // continueDrag merges with the previous step when it edited the same annotation the
  // same way (a frame resized by dragging its corner is one step).
  Status updateAnnotation(const Annotation& a, bool continueDrag = false);
  Status removeAnnotations(const std::vector<uint32_t>& ids);
  // Moves labels and frames (and, in the same step, nodes) by delta; continueDrag merges
  // with the previous step when it moved the same things.
  Status moveAnnotations(const std::vector<uint32_t>& ids, Vec2 delta, bool continueDrag = false);

  // [SECTION] Clipboard
  // The selected nodes and the edges among them, as a small saved document (text,
  // so it can go through the system clipboard). Empty selection gives "".
  std::string copy(const std::vector<NodeId>& ids) const;
  // Adds a copy()'d fragment shifted by `offset` with fresh ids; names already in use
  // get a suffix. Returns the new ids (for the UI to select).
  Result<std::vector<NodeId>> paste(std::string_view clipboard, Vec2 offset);
  Result<std::vector<NodeId>> duplicate(const std::vector<NodeId>& ids, Vec2 offset = {40, 40});

  // [SECTION] History
  bool canUndo() const { return !undo_.empty(); }
  bool canRedo() const { return !redo_.empty(); }
  std::string undoLabel() const { return undo_.empty() ? "" : undo_.back().label; }
  std::string redoLabel() const { return redo_.empty() ? "" : redo_.back().label; }
  bool undo();
  bool redo();
  void clearHistory();
  size_t history_limit = 1000;  // oldest steps are dropped beyond this

  // True when nothing changed since markSaved() (autosave and the "unsaved" dot).
  bool isSaved() const { return revision_ == saved_revision_; }
  void markSaved() { saved_revision_ = revision_; }

  // [SECTION] Queries for the UI
  // Nodes whose anchor lies inside the rectangle spanned by a and b (any corner order).
  std::vector<NodeId> nodesInRect(Vec2 a, Vec2 b) const;
  // Box-select: nodes whose centre (pos + nodeSize / 2) lies inside that rectangle, so a
  // box drawn over what the canvas shows selects it whichever corner is covered.
  std::vector<NodeId> nodesCenteredIn(Vec2 a, Vec2 b, Vec2 nodeSize) const;

 private:
  Status commit(EditStep step);
  Status roomFor(size_t moreNodes) const;  // an error past kMaxDocumentNodes
  void apply(const Change& c, bool forward);  // notes the layers it touches in touched_
  void bump();  // a new revision: its touched layers go to the journal


  Document doc_;
  std::vector<EditStep> undo_, redo_;
  uint64_t revision_ = 0;
  uint64_t saved_revision_ = 0;
  std::vector<NodeId> touched_;                                  // by apply() since the last bump()
  std::deque<std::pair<uint64_t, std::vector<NodeId>>> journal_;  // per revision: the layers it touched
  uint64_t journal_start_ = 0;                                   // changedSince knows revisions from here on
};

}  // namespace nf::builder
