#include "app/app.h"

#include <GLES3/gl3.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <imgui_impl_sdl.h>
#include <imgui_internal.h>  // ErrorCheckEndFrameRecover, WithinFrameScope: recovery after an exception

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "app/commands.h"
#include "base/guard.h"
#include "app/platform.h"
#include "app/theme.h"
#include "app/views.h"
#include "base/strings.h"

namespace nf::app {

// A comparison's diff works this long per frame (the rest of the frame draws both
// graphs): the page stays responsive while a 30k-node pair is compared.
constexpr double kDiffSliceMs = 12.0;
// While only the diff works, the frames in between step it without drawing: drawing
// two 30k-node graphs costs many times the slice, and the progress bar needs a few
// updates a second, not one per slice.
constexpr double kDiffRedrawMs = 250.0;


namespace {
// After the last input, keep drawing this long: hover effects, tooltips and
// animations settle within it.
constexpr double kActiveMs = 1000.0;
// While a model is laid out, how often its progress bar is drawn (10 per second).
constexpr double kProgressFrameMs = 100.0;
}  // namespace

App::~App() {
  if (imgui_ready_) {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplSDL2_Shutdown();
    ImGui::DestroyContext();
  }
  if (gl_) SDL_GL_DeleteContext(gl_);
  if (window_) SDL_DestroyWindow(window_);
  SDL_Quit();
}

Status App::init() {
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_TIMER) != 0) return Error{std::string("SDL_Init failed: ") + SDL_GetError()};

  // WebGL 2 = OpenGL ES 3.0. ImGui needs no depth or stencil buffer.
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  SDL_GL_SetAttribute(SDL_GL_DEPTH_SIZE, 0);
  SDL_GL_SetAttribute(SDL_GL_STENCIL_SIZE, 0);

  // The canvas is sized by CSS (web/index.html: the whole window). With RESIZABLE,
  // SDL follows that CSS size on every window resize; with ALLOW_HIGHDPI it sizes
  // the framebuffer in device pixels, so nothing is blurred by upscaling.
  const Uint32 flags = SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI;
  window_ = SDL_CreateWindow("NetForge", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED, 1280, 720, flags);
  if (!window_) return Error{std::string("could not create the window: ") + SDL_GetError()};
  gl_ = SDL_GL_CreateContext(window_);
  if (!gl_) return Error{"this browser could not create a WebGL 2 context, which NetForge needs to draw"};
  SDL_GL_MakeCurrent(window_, gl_);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no file system: window placement is not persisted
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  settings_.load();
  applyTheme(settings_.theme);
  ImGui_ImplSDL2_InitForOpenGL(window_, gl_);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  // SDL 2.26 keeps the clipboard to itself in the browser: go to the page instead.
  io.SetClipboardTextFn = [](void*, const char* text) { platform::setClipboardText(text ? text : ""); };
  imgui_ready_ = true;

  registerViews(views_);
  session_.loadPersisted();

  platform::setCallbacks(platform::Callbacks{
      [this](const std::vector<document::FileProbe>& files, document::DropTarget target) {
        return session_.routeDrop(files, target);
      },
      [this](const std::string& label) { session_.beginLoading(label); },
      [this](std::vector<IncomingFile> files) { session_.queueOpen(std::move(files)); },
      [this](const std::string& message) { session_.reportError(message); },
      // The model to compare with; with no model open it just opens.
      [this](const std::string& label) {
        if (session_.document().current()) comparison_.beginLoading(label);
        else session_.beginLoading(label);
      },
      [this](std::vector<IncomingFile> files) {
        if (session_.document().current()) comparison_.queueOpen(std::move(files));
        else session_.queueOpen(std::move(files));
      },
  });
  if (!platform::sampleDisabledByPage()) platform::openSample();
  platform::publishStatus(session_.status(false));
  return {};
}

// ImGui 1.86 samples key state once per frame (io.KeysDown), so a key pressed and
// released between two frames - a quick tap, or any scripted key press - would never
// be seen as down. A release of a key that went down in the same batch is therefore
// held back to the next frame, with every event after it. Modifiers are taken from each event rather than from
// SDL's current state, which may already say "released" for the same reason.
bool App::pollEvents() {
  bool any = !deferred_.empty();
  std::vector<SDL_Event> events = std::move(deferred_);
  deferred_.clear();
  SDL_Event event;
  while (SDL_PollEvent(&event)) events.push_back(event);

  std::vector<SDL_Scancode> went_down;
  for (const SDL_Event& e : events) {
    any = true;
    const bool is_key = e.type == SDL_KEYDOWN || e.type == SDL_KEYUP;
    // Once one event waits, all later ones wait too: order is kept, so a modifier
    // released after the key is still held while the key is seen.
    bool wait = !deferred_.empty();
    if (is_key && !wait) {
      const SDL_Scancode sc = e.key.keysym.scancode;
      if (e.type == SDL_KEYDOWN) went_down.push_back(sc);
      else wait = std::find(went_down.begin(), went_down.end(), sc) != went_down.end();
    }
    if (wait) {
      deferred_.push_back(e);
      continue;
    }
    ImGui_ImplSDL2_ProcessEvent(&e);
    if (is_key) {
      ImGuiIO& io = ImGui::GetIO();
      const Uint16 mod = e.key.keysym.mod;
      io.KeyCtrl = (mod & KMOD_CTRL) != 0;
      io.KeyShift = (mod & KMOD_SHIFT) != 0;
      io.KeyAlt = (mod & KMOD_ALT) != 0;
      io.KeySuper = (mod & KMOD_GUI) != 0;
    }
  }
  return any;
}

// True when the comparison's diff is all that is going on (nothing loading, animating
// or laying out): the frame may then step it without drawing.
bool App::diffOnly() const {
  if (comparison_.state() != Comparison::State::Diffing || session_.busy() || comparison_.bSession().busy() ||
      !deferred_.empty() || ImGui::GetIO().WantTextInput)
    return false;
  for (const auto& view : views_.all())
    if (view->wantsFrames()) return false;
  return true;
}

bool App::needsFrame(double now_ms, bool had_events) const {
  if (frames_ == 0 || had_events || session_.busy() || comparison_.busy() || !deferred_.empty()) return true;
  if (session_.version() != seen_version_) return true;
  if (comparison_.version() != seen_compare_version_ || comparison_.sessionsVersion() != seen_b_version_) return true;
  if (now_ms - last_activity_ms_ < kActiveMs) return true;
  if (ImGui::GetIO().WantTextInput) return true;  // the text cursor blinks
  for (const auto& view : views_.all())
    if (view->wantsFrames()) return true;
  int w = 0, h = 0;
  SDL_GL_GetDrawableSize(window_, &w, &h);
  return w != last_w_ || h != last_h_;
}

void App::frame() {
  const double now = platform::nowMs();
  frame_log_.begin(now);
  const bool had_events = pollEvents();
  if (had_events) last_activity_ms_ = now;
  frame_log_.mark("events");
  // Slices of opening or laying out a model with nothing new to draw need not wait for
  // the display's refresh between them (Chromium paces requestAnimationFrame by the
  // frames it composites: tens of ms each in SwiftShader).
  platform::setFramesAsSoonAsFree(session_.document().onlyProgressToShow() && !comparison_.busy());
  if (!needsFrame(now, had_events)) return;
  if (!had_events && diffOnly() && now - last_drawn_ms_ < kDiffRedrawMs) {
    const Status stepped = guardStage("comparing", [this] { comparison_.beforeFrame(ctx_, kDiffSliceMs); });
    if (!stepped) session_.stageFailed(stepped.message());
    frame_log_.mark("comparing");
    frame_log_.end();
    return;
  }
  // A new model on either side or a finished diff: the panes recolour and their
  // overlays (legends, toolbars) settle over a few frames.
  if (session_.version() != seen_version_ || comparison_.version() != seen_compare_version_ ||
      comparison_.sessionsVersion() != seen_b_version_) {
    seen_version_ = session_.version();
    seen_compare_version_ = comparison_.version();
    seen_b_version_ = comparison_.sessionsVersion();
    last_activity_ms_ = now;
  }
  // The last boundary (app/guard.h): whatever a view or stage throws ends this frame
  // early, ImGui is put back in order, and the next frame runs as usual.
  Status s = guardStage("drawing the frame", [&] { renderFrame(had_events); });
  if (!s) {
    if (ImGui::GetCurrentContext() && ImGui::GetCurrentContext()->WithinFrameScope) {
      ImGui::ErrorCheckEndFrameRecover(nullptr);
      ImGui::EndFrame();
    }
    session_.stageFailed(s.message());
  }
  frame_log_.end();
}

void App::renderFrame(bool had_events) {
  const double t0 = platform::nowMs();
  last_drawn_ms_ = t0;
  const std::string state = session_.document().publishedState();
  session_.beforeFrame();
  frame_log_.mark("document (" + state + ")");
  comparison_.beforeFrame(ctx_, kDiffSliceMs);
  frame_log_.mark("comparing");
  publishStatusIfChanged();
  frame_log_.mark("status");
  if (session_.document().generation() != selection_generation_) {  // another model: nothing of it is selected yet
    selection_generation_ = session_.document().generation();
    selection_ = Selection{};
  }

  // Framebuffer pixels per CSS pixel, as SDL sized the canvas.
  int win_w = 0, win_h = 0, fb_w = 0, fb_h = 0;
  SDL_GetWindowSize(window_, &win_w, &win_h);
  SDL_GL_GetDrawableSize(window_, &fb_w, &fb_h);
  last_w_ = fb_w;
  last_h_ = fb_h;
  const float ratio = win_w > 0 ? static_cast<float>(fb_w) / static_cast<float>(win_w) : 1.0f;
  if (fonts_.update(ratio) && gl_objects_created_) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }

  ImGui_ImplOpenGL3_NewFrame();
  gl_objects_created_ = true;
  ImGui_ImplSDL2_NewFrame();
  ImGui::NewFrame();

  frame_log_.mark("new frame");
  frame_log_.expectPresent(presentsFrame(had_events, t0));
  drawMenuBar();
  for (const auto& view : views_.all()) {
    view->update(ctx_);
    frame_log_.mark(view->title() + " update");
  }
  frame_log_.mark("menu bar");
  for (const auto& view : views_.all()) {
    view->draw(ctx_);
    frame_log_.mark(view->title() + " drawn");
  }
  handleShortcuts(ctx_);

  ImGui::Render();
  frame_log_.mark("ImGui render");
  // Between the slices of a layout, frames show nothing new but the progress bar: one
  // reaches the canvas every kProgressFrameMs. A software-rendered frame (SwiftShader)
  // costs tens of ms of the same CPU, and Chromium paces requestAnimationFrame by
  // them, so drawing each one made big models load about twice as slowly.
  if (presentsFrame(had_events, t0)) {
    last_present_ms_ = t0;
    glViewport(0, 0, fb_w, fb_h);
    const ImVec4 bg = canvasColor(settings_.theme);
    glClearColor(bg.x, bg.y, bg.z, bg.w);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    SDL_GL_SwapWindow(window_);
    frame_log_.markPresented();
  }

  ++frames_;
  session_.afterFrameRendered(platform::nowMs() - t0);
  comparison_.afterFrameRendered(platform::nowMs() - t0);
  if (!ready_) ready_ = true;  // the first frame is on screen: files can be opened
  publishStatusIfChanged();
  platform::publishFrame(frames_);
  frame_log_.mark("status");
}

bool App::presentsFrame(bool had_events, double frame_start_ms) const {
  const bool only_progress = session_.document().onlyProgressToShow() && !comparison_.busy() && !had_events;
  return !only_progress || frame_start_ms - last_present_ms_ >= kProgressFrameMs;
}

void App::publishStatusIfChanged() {
  // Open panels by title, "(collapsed)" after a docked one shown as a bar; the
  // Node panel only while it takes room (something selected).
  std::vector<std::string> panels;
  for (const auto& v : views_.all())
    if (v->isOpen() && v->inViewMenu() && (v->dock() == Dock::Floating || v->dockShown(ctx_)))
      panels.push_back(v->title() + (v->collapsed() ? " (collapsed)" : ""));
  for (const auto& v : views_.all())
    if (v->isOpen() && !v->inViewMenu() && v->title()[0] != '#' && v->title() != "Graph" && v->title() != "Graph B") panels.push_back(v->title());
  if (session_.version() == published_version_ && ready_ == published_ready_ && panels == published_panels_) return;
  published_version_ = session_.version();
  published_ready_ = ready_;
  published_panels_ = panels;
  platform::Status s = session_.status(ready_);
  s.panels = std::move(panels);
  platform::publishStatus(s);
}

void App::drawMenuBar() {
  if (!ImGui::BeginMainMenuBar()) return;
  auto item = [this](CommandId id, bool selected = false) {
    const Command& c = command(id);
    if (ImGui::MenuItem(c.label, shortcutText(c.shortcut).c_str(), selected)) runCommand(id, ctx_);
  };
  if (ImGui::BeginMenu("File")) {
    item(CommandId::OpenModel);
    item(CommandId::OpenSample);
    item(CommandId::CompareWith);
    if (ImGui::BeginMenu("Recent files")) {
      if (session_.recent().empty()) ImGui::TextDisabled("No recent files");
      for (const RecentFile& r : session_.recent()) {
        const std::string label = displayName(r.name, 60) + "##" + r.name;
        if (ImGui::MenuItem(label.c_str(), humanBytes(r.size).c_str())) {
          if (auto* hint = views_.find<RecentFileHintView>()) hint->showFor(r.name);
        }
      }
      ImGui::EndMenu();
    }
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    for (const auto& view : views_.all()) {
      if (!view->inViewMenu()) continue;
      if (ImGui::MenuItem(view->title().c_str(), view->shortcutText(), view->isOpen()))
        view->setOpen(!view->isOpen());
    }
    ImGui::Separator();
    item(CommandId::ToggleTheme, settings_.theme == Theme::Light);
    if (ImGui::BeginMenu("Theme and accent")) {
      drawThemeMenuItems(settings_);
      ImGui::EndMenu();
    }
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    item(CommandId::ShowShortcuts);
    item(CommandId::ShowAbout);
    ImGui::EndMenu();
  }
  ImGui::EndMainMenuBar();
}

}  // namespace nf::app
