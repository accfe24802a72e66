// app/platform.h - what the app needs from the page it runs in.
//
// The app never talks to the browser directly: it calls these functions, and the
// browser calls back through the Callbacks below. The web implementation is split
// by concern (platform_web_files.cpp, platform_web_status.cpp,
// platform_web_storage.cpp); its JavaScript half is web/host.js.
//
// Files stay on the JavaScript side: a dropped or picked model file is read into an
// ArrayBuffer held by the page, external data files stay Files, and the app reads
// ranges on demand through a ByteSource (see platform_web_files.cpp), so a weights
// file of tens of GB is never copied wholesale, into wasm memory or the page's.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "document/file_routing.h"
#include "document/open_model.h"

namespace nf::app::platform {

// How the page reaches the app. Set once at startup; called on the main thread
// between frames (from DOM events and promise callbacks).
struct Callbacks {
  // The user handed over files (drop, picker; `target` says which chooser): what is
  // each one for? One role per file; the page acts on them (web/host.js).
  std::function<std::vector<document::FileRole>(const std::vector<document::FileProbe>& files,
                                                document::DropTarget target)>
      route;
  // The page started reading files to open as a model (the routed ones, the sample).
  std::function<void(const std::string& label)> loading;
  // All files of one drop/pick are read and ready; the batch is opened as one model.
  std::function<void(std::vector<document::IncomingFile> files)> open;
  // Something failed on the page side (a read error, the sample could not be fetched).
  std::function<void(const std::string& message)> error;
  // Like loading and open, for the model to compare the open one with (File >
  // Compare with..., a Shift-drop).
  std::function<void(const std::string& label)> compare_loading;
  std::function<void(std::vector<document::IncomingFile> files)> compare_open;
};
void setCallbacks(Callbacks callbacks);

// [files] -------------------------------------------------------------------------
// Shows the browser's file chooser; the chosen files arrive through Callbacks::open.
// Browsers only allow this shortly after a user gesture (a click or key press).
void openFilePicker();
// The same chooser for the model to compare the open one with (Callbacks::compare_open).
void openComparePicker();
// Fetches the sample model shipped with the site and opens it like a dropped file.
void openSample();
// True when the page asked not to open the sample on startup (?sample=0).
bool sampleDisabledByPage();

// [status] ------------------------------------------------------------------------
// netforgeStatus.view: is the graph's picture readable (published once drawn)?
struct ViewMetrics {
  bool drawn = false;
  double title_px_min = 0;     // on-screen box-title font size (CSS px; 0 = titles not drawn)
  uint32_t boxes_on_screen = 0;
  double canvas_fraction = 0;  // the graph canvas's share of the window width
};

// What window.netforgeStatus shows (read-only for the page; see web/host.js).
struct Status {
  bool ready = false;
  std::string state = "empty";  // "empty" | "loading" | "laying-out" | "drawn" | "error"
  std::string file;             // name of the open model file ("" when none)
  uint64_t file_size = 0;
  uint64_t nodes = 0;           // nodes of the open graph, subgraphs included
  std::string error;            // last error message ("" = none, shown as null)
  uint64_t problems = 0;        // problems logged so far (errors and warnings, e.g. missing data files)
  double parse_ms = 0, layout_ms = 0, draw_ms = 0;  // of the last open
  ViewMetrics view;
  std::vector<std::string> panels;  // open panels ("Model", "Node (collapsed)", "Keyboard shortcuts")
  std::string notice;  // e.g. "weights not included: structure only" ("" = none)
};
void publishStatus(const Status& status);
// Called after every rendered frame; the first call also records the page's
// first-frame time (netforgeStatus.first_frame_ms, used by scripts/bench.sh).
void publishFrame(uint64_t frames_drawn);
// A long frame and its parts as JSON (app/frame_log.h); the page keeps the last 64
// in window.netforgeLongFrames.
void publishLongFrame(const std::string& json);

// [run inputs] --------------------------------------------------------------------
// Files for the Run panel (web/run.js): images arrive decoded to RGBA pixels by the
// browser; tensor files (.npy, .pb) and label lists (.txt) as raw bytes.
struct RunInputFile {
  enum class Kind { Image, Tensor, Labels };
  Kind kind = Kind::Tensor;
  std::string name;
  int64_t width = 0, height = 0;  // images
  std::vector<uint8_t> bytes;     // RGBA pixels of an image, else the file
  bool default_labels = false;    // the site's ImageNet labels (not a user's file)
};
// The files handed over since the last call (drops, the Run panel's picker).
std::vector<RunInputFile> takeRunInputs();
// Shows a file chooser for an image, .npy/.pb tensor or labels.txt.
void pickRunInputFile();
// Fetches the site's imagenet_labels.txt; it arrives through takeRunInputs().
void requestDefaultLabels();
// Runs asked for by NetForgeRun.bench(runs) since the last call (0: none).
int takeRunBenchRequest();
bool runBenchRequested();  // one is waiting (it wakes an idle page)
// window.netforgeStatus.run: one JSON object (for tests and tools).
void publishRunStatus(const std::string& json);

// [node data] ---------------------------------------------------------------------
// A Model Explorer node-data JSON file for the graph's "Colour by"
// (platform_web_overlay.cpp): the page's hidden chooser, and the file once read.
struct NodeDataFile {
  std::string name;
  std::string text;
  bool too_big = false;  // larger than scene::kMaxNodeDataBytes: not read
};
void setupNodeDataPicker();  // once, before the first pick
void pickNodeDataFile();
std::optional<NodeDataFile> takeNodeDataFile();

// [tensor statistics] -----------------------------------------------------------------
// NetForgeHost.tensorStats(name) (platform_web_tensor.cpp): the weight whose statistics
// the page asked for since the last call, as if chosen in the Tensor panel.
std::optional<std::string> takeTensorStatsRequest();
bool tensorStatsRequested();  // one is waiting (it wakes an idle page)
// window.netforgeStatus.tensor: the Tensor panel's statistics, one JSON object.
void publishTensorStatus(const std::string& json);
// [storage] -----------------------------------------------------------------------
// localStorage; "" when missing or when storage is unavailable.
std::string storageGet(const std::string& key);
void storageSet(const std::string& key, const std::string& value);

// [clipboard] ---------------------------------------------------------------------
// Puts text on the system clipboard (navigator.clipboard; needs a recent click).
void setClipboardText(const std::string& text);

// [time] --------------------------------------------------------------------------
double nowMs();  // monotonic milliseconds (performance.now())
// How the next frame is scheduled: at the display refresh (requestAnimationFrame), or,
// while frames only move a progress bar between slices of work, as soon as the page
// is free (no wait for a refresh; input events still run in between). Cheap to call
// every frame: the browser is told only about changes.
void setFramesAsSoonAsFree(bool as_soon_as_free);

}  // namespace nf::app::platform
