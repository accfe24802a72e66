// app/view_builder.h - the model builder window: layer picker, canvas, properties, code.
//
// A thin ImGui front end over builder::Editor (src/builder): every gesture becomes one
// Editor edit (so Ctrl+Z/Ctrl+Y undo it), and the analysis and generated code are
// recomputed only when Editor::revision() changes, through a builder::CodegenCache (only
// the layers an edit touched are analysed and translated again). A big document (over
// kSettleLater layers) gets its code on the frame after the edit and its saved JSON on
// the one after that, so no frame does all three. An imported model's repeated series
// show folded (builder/folds.h: view state; the document stays flat). The document is autosaved (IndexedDB,
// web/autosave.js) on every edit once the saved one has been read at start; a save that
// cannot be read is never overwritten unasked.
//
// Files: view_builder.cpp (window, toolbar, shortcuts, test hook), view_builder_canvas.cpp
// (canvas drawing, gestures, zoom), view_builder_panels.cpp (picker, properties, code),
// view_builder_storage.cpp (autosave, kept documents, share links, text fields of any length),
// view_builder_diagram.cpp (colours, notes, labels, frames, align, arrange, legend, picture export).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/graph_pictures.h"
#include "app/test_probe.h"
#include "app/view.h"
#include "builder/builder.h"

namespace nf::app {

class BuilderView final : public View {
 public:
  BuilderView() : View("Builder", false) {}
  const char* shortcutText() const override { return "Ctrl+Shift+B"; }
  void update(AppContext& ctx) override;
  bool wantsFrames() const override;  // while share links or the autosave work in the page

  // Opens a builder document (saved or compact JSON text) in the builder, replacing
  // the current one (the history is reset). False with *error set when the text is not
  // a builder document. Dropped files go through the accept popup instead (pollShare).
  bool openDocument(const std::string& json, std::string* error);
  // Replaces the builder's document with `doc` (made from `from`, a file name) as one
  // undoable step named `label` (Undo brings the previous document back) and opens the
  // builder. An empty builder takes it at once; a builder holding a model first asks
  // (Replace / Keep mine), so no work is replaced unasked. Before the autosave has been
  // read the document waits for it: the saved model is the one asked about.
  // `folds`: the model's repeated series (importer::BuilderImport::folds), shown folded.
  Status importDocument(builder::Document doc, std::string label, std::string from,
                        std::vector<builder::Fold> folds = {});

  // Node box size in canvas units (zoom 1 = CSS pixels).
  static constexpr float kNodeW = 170.0f;
  static constexpr float kNodeH = 46.0f;

 protected:
  void drawContent(AppContext& ctx) override;
  void placeWindow(const WorkArea& area) override;

 private:
  // What the canvas draws for each node and edge, rebuilt only when the revision (or
  // the framework) changes, so a frame does no shape formatting or edge searches.
  struct NodeLook {
    builder::NodeId id;
    std::string name;  // the layer's name when `width` was measured
    std::string sub;  // "Conv2d  (N, 6, 28, 28)"
    int ports = 1;    // input ports drawn
    int outputs = 1;  // output ports drawn (an ONNX op layer may have several)
    float width = -1;  // canvas units: wide enough for the name and `sub`; -1 until measured (canvas)
    bool error = false, blocked = false;
    std::optional<builder::TensorInfo> output;  // the layer's shape when `sub` was made
  };
  struct EdgeLook {
    size_t from = 0, to = 0;  // indices into Document::nodes(), or nodes + fold index (a folded run's box)
    int port = 0;
    int out = 0;  // which output of `from`
    std::string label;  // the shape the edge carries ("" when unknown)
  };

  void refresh();  // analysis and looks when the revision changed; code and JSON now or soon (settle)
  // The code, then the saved JSON (autosave, test hook) of the last refresh: all of it at
  // once for a small document, one of the two per call for a big one.
  void settle(bool all);
  // Tells codegen_cache_'s analysis which layers changed since it last ran (so it compares
  // no others); returns them, or nullopt when unknown (a load, a long history).
  std::optional<std::vector<builder::NodeId>> promiseChanges();
  void generateCodeNow();
  void saveStateNow();
  static constexpr size_t kSettleLater = 1000;  // layers
  // Folds (builder/folds.h): the view of the document with folded runs as boxes, made
  // again after each edit and each fold or unfold.
  void refold(bool positions_only = false);  // positions only: a drag moved layers
  void setFolded(size_t fold, bool folded);
  builder::Vec2 viewPos(size_t index) const;  // where the canvas draws node `index` (canvas units)
  void drawToolbar();
  void exportOnnx();  // "Export ONNX": downloads the document as an ONNX model
  void drawTemplateGallery();  // view_builder_templates.cpp
  void drawPicker();
  void drawCanvas();
  void drawProperties();
  void drawParamField(const builder::Node& n, const builder::ParamSpec& p);
  void drawCode();
  void handleShortcuts();
  void addFromPicker(const std::string& type);

  // [diagram] view_builder_diagram.cpp
  void drawDiagramToolbar();
  // The canvas as the layered (visualkeras-style) or neurons (ANN Visualizer-style)
  // picture instead of the editable diagram; `dark`: the app's dark theme.
  void drawPicture(bool dark);
  void drawExportPopup();
  void drawLegend(ImDrawList* dl, ImVec2 origin, ImVec2 size, bool light);
  void drawNodeLook(const builder::Node& n);          // colour and note fields
  void drawAnnotationProperties();                    // the selected label or frame
  void alignSelection(builder::AlignMode mode);
  void arrange(builder::ArrangeDirection direction);
  void addAnnotation(builder::Annotation::Kind kind);
  void exportPicture(bool png);
  builder::Vec2 nodeSize(size_t index) const;  // canvas units (the measured width)
  builder::Vec2 snapped(builder::Vec2 p) const;  // to the grid when snapping is on

  // [selection] selection_ is sorted; selected_ is the node the properties panel shows
  // (the last one clicked), always in selection_ when valid.
  void select(builder::NodeId id);
  void selectMany(std::vector<builder::NodeId> ids);
  bool isSelected(builder::NodeId id) const;
  void pruneSelection();  // drops ids the document no longer has (after undo, delete)

  // [view] screen = canvas_origin_ + scroll_ + pos * zoom_.
  ImVec2 toScreen(builder::Vec2 p) const;
  void scrollIntoView(builder::NodeId id);  // scrolls the canvas (zoom kept) so the node shows
  builder::Vec2 toCanvas(ImVec2 s) const;
  void zoomAt(float factor, ImVec2 screenAnchor);
  // Everything in sight; with `readable`, never so small that box text is under
  // kReadableTextPx: a model taller than the canvas then starts at its inputs, its
  // layers' names legible (or at the selected layer), and the rest is a pan away. Opening
  // a document or template fits readably; Fit (F) too, and pressed again on that view it
  // shows everything.
  void fitView(bool readable);
  void fitPressed();
  static constexpr float kReadableTextPx = 11.0f;  // screen pixels
  static constexpr float kFitMargin = 30.0f;       // screen pixels round a fitted diagram
  float readableZoom() const;
  // A box's width in canvas units: its name and its "Type  shape" line fit (at least kNodeW).
  static float boxWidth(const std::string& name, const std::string& sub);
  // A template taller than the canvas set in columns (builder/columns.h), when that shows
  // it whole with its box text readable (view_builder_templates.cpp).
  void setInColumns(builder::Document* doc) const;

  // [test hook] The screen rectangles of named widgets this frame ("btn:Copy",
  // "add:Conv2d", "node:conv2d_1", "out:conv2d_1", "in:linear_1:0", "param:kernel_size"),
  // published as window.netforgeBuilder.ui() when the mouse buttons are up.
  void note(std::string name);                 // the last ImGui item
  void noteRect(std::string name, ImVec2 a, ImVec2 b);
  void publishUi();

  builder::Editor editor_;
  // "Edit in builder": the imported document waits here for the autosave and, when the
  // builder holds a model, for the user's answer (ask_import_, drawImportPopup).
  struct PendingImport {
    builder::Document doc;
    std::string label, from;
    std::vector<builder::Fold> folds;
  };
  std::optional<PendingImport> pending_import_;
  bool ask_import_ = false;
  void offerImport();   // applies the pending import, or asks first
  void applyImport();   // the pending import replaces the document (one undo step)
  void drawImportPopup();
  builder::Analysis analysis_;
  builder::CodegenCache codegen_cache_;  // the analysis and ONNX op translations of earlier revisions
  uint64_t analysed_revision_ = UINT64_MAX;  // the revision codegen_cache_'s analysis last saw
  builder::SaveJsonCache json_cache_;        // the saved JSON's lines of unchanged layers
  uint64_t json_revision_ = UINT64_MAX;      // the revision json_cache_ last saved
  builder::Framework looks_framework_ = builder::Framework::PyTorch;  // looks_' box text is for it
  bool code_stale_ = false, state_stale_ = false;  // settle() has work left
  int refreshed_frame_ = -1;    // the ImGui frame of the last refresh (settle waits for the next)
  double last_edit_ms_ = 0;     // refresh's time for the last revision (analysis and looks)
  double last_code_ms_ = 0;     // generateCodeNow's
  double last_state_ms_ = 0;    // saveStateNow's
  std::vector<builder::Fold> folds_;
  std::vector<bool> folded_;    // per fold
  builder::FoldedView fold_view_;
  std::vector<float> fold_widths_;  // canvas units, per fold box
  std::vector<NodeLook> looks_;  // same order as Document::nodes()
  std::vector<EdgeLook> edge_looks_;
  std::vector<float> edge_detours_;  // canvas x each edge goes round boxes at (NaN: direct); views::builderEdgeDetours
  uint64_t detours_for_ = UINT64_MAX;  // the revision edge_detours_ were made for
  std::string code_;        // generated code, or the error text when generation refused
  bool code_ok_ = false;
  uint64_t seen_ = UINT64_MAX;
  bool restore_asked_ = false;
  bool restored_ = false;  // the autosave was read: saving may start
  // Whether the window was open, as last written to page storage: a reload opens the
  // builder again for who had it open (its document comes from the autosave) and
  // keeps it closed for who closed it (rememberOpen, view_builder_storage.cpp).
  int open_remembered_ = -1;  // -1: not read yet
  void rememberOpen();
  builder::Framework framework_ = builder::Framework::PyTorch;
  bool training_loop_ = false;
  bool last_training_ = false;
  builder::Framework last_framework_ = builder::Framework::PyTorch;

  builder::NodeId selected_;
  std::vector<builder::NodeId> selection_;
  char search_[64] = "";
  bool focus_search_ = true;
  ImVec2 canvas_origin_{0, 0}, canvas_size_{0, 0};
  ImVec2 scroll_{40, 40};   // canvas origin offset (pan), screen pixels
  float zoom_ = 1.0f;
  bool fit_pending_ = false;  // fit (readably) on the next canvas frame (its size is known there)
  bool fit_all_ = false;      // that fit shows everything however small (after Arrange)
  // The last readable fit that could not show everything: a Fit on that same view shows it all.
  bool fit_cut_ = false;
  float fitted_zoom_ = 0;
  ImVec2 fitted_scroll_{0, 0};
  float fitted_legend_h_ = 0;  // the legend's height that fit kept clear of
  bool fitted_readable_ = true;
  bool dragging_ = false;    // moving the selection
  builder::NodeId drag_anchor_;  // the node under the mouse when the drag began
  builder::Vec2 drag_start_pos_, drag_total_;  // its position then; the mouse travel since (canvas units)
  uint32_t selected_annotation_ = 0;   // a label or frame (0: none); exclusive with node selection
  bool dragging_annotation_ = false;
  bool resizing_frame_ = false;
  builder::Vec2 annotation_start_, annotation_total_;  // pos (or size) at drag start; mouse travel
  bool snap_ = false;          // snap moved nodes to the grid
  bool show_legend_ = true;
  // Diagram | Layered | Neurons on the diagram toolbar: Graph stands for the editable diagram.
  PictureView picture_view_ = PictureView::Graph;
  GraphPictures picture_;          // built from the document, again after each edit
  std::string picture_message_;    // the picture export's result
  uint64_t picture_message_seen_ = 0;  // the revision it was said for
  float legend_h_ = 0;         // canvas height the legend strip took last frame (Fit keeps clear of it)
  static constexpr float kGrid = 20.0f;
  std::string note_buffer_;    // the note / label text being typed
  std::string note_key_;       // what it belongs to ("n<id>" or "a<id>")
  std::string color_buffer_;   // "#rrggbb" being typed
  bool hex_editing_ = false;   // the colour field had the keyboard last frame
  // Export picture dialog.
  int export_background_ = 0;  // 0 light, 1 dark, 2 transparent
  float export_scale_ = 2.0f;
  bool export_fit_ = false, export_shapes_ = true, export_params_ = true, export_notes_ = true;
  bool export_legend_ = true, export_selection_ = false;
  std::string export_message_;
  bool box_selecting_ = false;
  builder::Vec2 box_start_;   // canvas units
  builder::NodeId link_from_;  // dragging a connection from this node's output port
  int link_out_ = 0;           // ... number link_out_
  std::string clipboard_;     // Ctrl+C'd layers (also put on the system clipboard)
  int paste_count_ = 0;        // successive pastes step further from the original
  std::string status_;      // last edit error, shown under the toolbar
  std::string import_text_;    // the Open document dialog's error
  std::string template_filter_;  // the template gallery's search text
  std::string import_buffer_;  // the Open document dialog's text (any length)

  // Property text fields: the text being typed lives here until committed (Enter or
  // leaving the field); a rejected value keeps its message under the field.
  std::string field_key_;  // "<node id>/<param>" of the field being edited
  char field_buf_[96] = "";
  std::string field_error_key_, field_error_;

  // Cost of drawing the canvas and the whole window (CPU side, ImGui work only; the GL
  // drawing happens later): this frame's ms and vertices, and the mean ms over the
  // frames of the last gesture (mouse held), for tests/browser/builder_bench.mjs.
  size_t canvas_vertices_ = 0;
  double canvas_ms_ = 0, gesture_ms_sum_ = 0, gesture_ms_ = 0;
  double window_start_ms_ = 0, gesture_window_sum_ = 0, gesture_window_ms_ = 0;  // the whole window
  int gesture_frames_ = 0;

  TestProbe probe_;  // the rectangles noted this frame
  std::string published_ui_;
  std::string copied_;  // the code last put on the clipboard by "Copy"

  // Share links and dropped documents (web/share.js): the incoming document waits in
  // incoming_ until the user accepts it, so autosaved work is never replaced unasked.
  void pollShare();
  void drawSharePopups();
  std::string share_password_;   // any length (std::string fields, see inputString)
  std::string unlock_password_;
  bool need_password_ = false;
  bool ask_accept_ = false;
  bool focus_unlock_ = false;  // put the keyboard back in the password field
  std::optional<builder::Document> incoming_;  // shared or dropped, not yet accepted
  std::string incoming_from_;  // "the shared model" or the dropped file's name
  std::string share_message_;  // last share result or error, shown in the toolbar
  std::string unlock_error_;

  // [autosave] web/autosave.js via builder_platform.h (view_builder_storage.cpp).
  void pollAutosave();
  void restoreSaved(const std::string& text);  // loads, or keeps the unreadable text aside
  void drawStorageNotices();
  uint64_t autosaved_revision_ = 0;  // the revision last handed to the autosave
  std::string storage_notice_;       // an unreadable autosave, or a failed save
  bool save_failed_ = false;
  int kept_count_ = 0;               // documents kept aside in page storage
  bool other_tab_ = false;           // another tab saves the builder's model too
  int frames_wanted_ = 0;            // frames still to draw after a page result arrived
};

// ImGui text fields over a std::string that grows as the user types or pastes, so
// nothing is cut at a buffer size. True when the text changed (or Enter, with
// ImGuiInputTextFlags_EnterReturnsTrue).
bool inputString(const char* label, const char* hint, std::string* text, ImGuiInputTextFlags flags = 0);
bool inputStringMultiline(const char* label, std::string* text, ImVec2 size, ImGuiInputTextFlags flags = 0);

}  // namespace nf::app
