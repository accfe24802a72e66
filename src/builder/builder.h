// builder/builder.h - the model builder core, one include for the app and the CLI.
//
// Plain C++ (base + nlohmann/json): no UI. The editor canvas is built on top of it.
//
//   catalog.h    Catalog / LayerSpec / ParamSpec: every layer type as data; picker
//                search with PyTorch/Keras badges (LayerSpec::has); typed parameters
//                with ranges, defaults, per-framework names; ParamSpec::parse() for
//                the properties panel's text fields.
//   document.h   Document / Node / Edge: what the user drew (ids, names, params, pos).
//   editor.h     Editor: every edit as one undo step (add, "+", connect, shift-click
//                toggle, delete, move with drag merging, copy/paste, duplicate,
//                auto-arrange, rename, change type); revision() for caching.
//   analysis.h   analyze(doc, framework[, cache]): output shape and parameter count per
//                node, shape per edge, errors/warnings with messages, totals; an
//                AnalysisCache redoes only the layers an edit touched.
//   codegen.h    generateCode(doc, {framework, training_loop, main_block, ..., cache}):
//                PyTorch nn.Module or Keras functional model; refuses with every problem
//                listed; a CodegenCache keeps the analysis and ONNX op translations.
//   folds.h      Fold / foldView: runs of repeated layers drawn as one box (view state).
//   serialize.h  saveJson/loadJson (versioned, migrations), saveCompact/loadCompact
//                (share links; defaults omitted).
//   share.h      the share-link fragment: "nf1." / "nf1e." + base64url, PBKDF2 and
//                AES-GCM parameters for the browser's WebCrypto.
//   limits.h     kMaxDocumentNodes / kMaxDocumentBytes: one limit for the editor and loaders.
//   pyident.h    safe Python identifiers from user-typed names.
//   types.h      THE SHAPE CONVENTION (channels-last canonical shapes, batch implicit),
//                Framework, ParamValue, TensorInfo, ParamCount.
//
// A frame of the editor, in short:
//   if (editor.revision() != seen) {          // something changed
//     analysis = analyze(editor.document(), framework, &cache.analysis);  // ~0.5 ms for 500 nodes
//     code = generateCode(editor.document(), options);    // options.cache = &cache
//     seen = editor.revision();
//   }
//   draw nodes with analysis.find(id)->output / ->issues, edges with analysis.edges[i].tensor
#pragma once

#include "builder/analysis.h"
#include "builder/catalog.h"
#include "builder/codegen.h"
#include "builder/document.h"
#include "builder/editor.h"
#include "builder/folds.h"
#include "builder/notebook.h"
#include "builder/limits.h"
#include "builder/pyident.h"
#include "builder/serialize.h"
#include "builder/share.h"
#include "builder/types.h"
