// diff/match.h - pairs the nodes, values and initializers of two models' main graphs.
//
// Stages, each only over what the earlier ones left unpaired (a pair records its stage
// and a confidence in (0, 1]):
//   io         graph inputs/outputs by name, then by position
//   weights    initializers with identical contents (a bounded content hash), then the
//              nodes that read them at the same input slot with the same op type;
//              strongest evidence, so it runs before names: a layer inserted in the
//              middle shifts every exported name after it, never the weights
//   names      identical node names, after renaming the name scopes the weight pairs
//              show moved ("/layers.3/" in A -> "/layers.4/" in B); same op type, or
//              another op (replaced in place) where most named nodes paired by name
//   structure  Weisfeiler-Lehman labels (op type and non-tensor attributes, then the
//              neighbours' labels over k rounds; a paired neighbour contributes its
//              pair, so repeated blocks are told apart by where they sit): a label
//              unique on both sides after k rounds pairs; attributes first, then op
//              types only; repeated with the neighbours stage until nothing new pairs
//   neighbours propagation from paired values: the one unpaired consumer of the same
//              slot with the same op type on both sides, and the producers of paired
//              tensors
//   alignment  what remains, in execution order, inside each gap between paired nodes:
//              gaps of equal length position by position (an op change pairs only with
//              a paired neighbour in common), others by the longest common subsequence
//              of op types (greedy within a window when the table would be too big)
// Deterministic: no hash-map iteration reaches the result.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/model.h"

namespace nf::diff {

enum class Stage : uint8_t { Io, Weights, Names, Structure, Neighbours, Alignment };
const char* stageName(Stage s);  // "io", "weights", "names", "structure", "neighbours", "alignment"

struct NodePair {
  ir::NodeId a, b;
  Stage stage = Stage::Names;
  double confidence = 1.0;
};

struct InitializerPair {
  int32_t a = -1, b = -1;  // indices into Graph::initializers
  Stage stage = Stage::Names;
};

struct MatchOptions {
  int wl_rounds = 3;
  // Bytes of one initializer fed to its content hash: all of a small tensor; for a
  // bigger one, evenly spaced windows adding up to this many bytes (plus its size).
  uint64_t hash_budget_bytes = 256 * 1024;
  // Gaps whose product of lengths exceeds this are aligned greedily, not by DP.
  uint64_t max_alignment_cells = 4'000'000;
};

struct Matching {
  std::vector<NodePair> nodes;                // ordered by a's index
  std::vector<uint32_t> a_to_b, b_to_a;       // node index on the other side, or kNoIndex
  std::vector<InitializerPair> initializers;  // ordered by a's index
  std::vector<int32_t> init_a_to_b, init_b_to_a;  // -1 when unpaired
  std::vector<uint32_t> value_a_to_b, value_b_to_a;  // ValueId index, or kNoIndex
};

// Pairs the main graphs of a and b. Never fails: unreadable tensor data just does not
// hash (those initializers pair by name or position only).
Matching matchModels(const ir::Model& a, const ir::Model& b, const MatchOptions& options = {});

// matchModels one stage per step(), for a caller that must not block for long (the app
// runs steps between frames). The models must outlive the job; dropping it cancels.
class MatchJob {
 public:
  MatchJob(const ir::Model& a, const ir::Model& b, const MatchOptions& options = {});
  ~MatchJob();
  MatchJob(const MatchJob&) = delete;
  MatchJob& operator=(const MatchJob&) = delete;
  bool done() const;
  // Runs the next stage; budget_ms > 0 lets the edge-following stages stop when it
  // is spent and go on at the next call.
  void step(double budget_ms = 0);
  const char* label() const;  // what the next step does ("matching names")
  float progress() const;     // 0..1 by stages
  Matching take();            // once done()

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The content hash the weights stage uses (element type, dims, bytes; bounded).
// 0 when the data cannot be read.
uint64_t tensorContentHash(const ir::Model& model, const ir::Tensor& t, uint64_t budget_bytes);

}  // namespace nf::diff
