// The load state machine: every transition, legal or not (src/document/load_state.h).
#include "document/load_state.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>
#include <string>
#include <utility>

namespace nf::document {
namespace {

using S = LoadState;
using E = LoadEvent;

// The whole table, written out: (from, event, model open) -> to. Anything missing is illegal.
std::map<std::tuple<S, E, bool>, S> legalTransitions() {
  std::map<std::tuple<S, E, bool>, S> t;
  for (S s : kAllLoadStates)
    for (bool open : {false, true}) {
      t[{s, E::FilesGiven, open}] = S::Reading;
      t[{s, E::Failed, open}] = S::Failed;
    }
  for (bool open : {false, true}) {
    t[{S::Reading, E::BatchTaken, open}] = S::Parsing;
    t[{S::LayingOut, E::Shown, open}] = S::Drawn;
    t[{S::LayingOut, E::Cancelled, open}] = S::Cancelled;
  }
  t[{S::Parsing, E::Parsed, true}] = S::Analysing;
  for (S s : {S::Analysing, S::LayingOut, S::Drawn, S::Cancelled, S::Failed}) t[{s, E::LayoutStarted, true}] = S::LayingOut;
  t[{S::Failed, E::ErrorsCleared, true}] = S::Drawn;
  t[{S::Failed, E::ErrorsCleared, false}] = S::Idle;
  return t;
}

TEST(LoadState, EveryTransitionLegalOrNot) {
  const auto legal = legalTransitions();
  int legal_seen = 0, illegal_seen = 0;
  for (S from : kAllLoadStates)
    for (E event : kAllLoadEvents)
      for (bool open : {false, true}) {
        const auto next = nextLoadState(from, event, open);
        const auto it = legal.find({from, event, open});
        const std::string what = std::string(loadStateName(from)) + " --" + loadEventName(event) + "--> (model " +
                                 (open ? "open" : "none") + ")";
        if (it == legal.end()) {
          EXPECT_FALSE(next) << what << " must be refused, went to " << loadStateName(*next);
          ++illegal_seen;
        } else {
          ASSERT_TRUE(next) << what << " must be allowed";
          EXPECT_EQ(*next, it->second) << what;
          ++legal_seen;
        }
      }
  EXPECT_EQ(legal_seen + illegal_seen, 8 * 8 * 2);
  EXPECT_EQ(static_cast<size_t>(legal_seen), legal.size());
}

TEST(LoadState, MachineRefusesIllegalEventsAndKeepsItsState) {
  LoadStateMachine m;
  EXPECT_EQ(m.state(), S::Idle);
  EXPECT_FALSE(m.apply(E::Shown, false));
  EXPECT_FALSE(m.apply(E::LayoutStarted, false));
  EXPECT_FALSE(m.apply(E::Parsed, true));
  EXPECT_EQ(m.state(), S::Idle);
  EXPECT_TRUE(m.apply(E::FilesGiven, false));
  EXPECT_FALSE(m.apply(E::LayoutStarted, true)) << "no layout while a file is being read";
  EXPECT_EQ(m.state(), S::Reading);
  EXPECT_TRUE(m.apply(E::BatchTaken, false));
  EXPECT_FALSE(m.apply(E::Parsed, false)) << "parsed needs the model";
  EXPECT_TRUE(m.apply(E::Parsed, true));
  EXPECT_TRUE(m.apply(E::LayoutStarted, true));
  EXPECT_FALSE(m.apply(E::ErrorsCleared, true));
  EXPECT_TRUE(m.apply(E::Shown, true));
  EXPECT_EQ(m.state(), S::Drawn);
  EXPECT_FALSE(m.apply(E::Shown, true)) << "drawn once";
}

TEST(LoadState, PublishedNamesKeepThePageContract) {
  // window.netforgeStatus.state: browser tests and tools read these five words.
  std::set<std::string> published;
  for (S s : kAllLoadStates) published.insert(publishedStateName(s));
  EXPECT_EQ(published, (std::set<std::string>{"empty", "loading", "laying-out", "drawn", "error"}));
  EXPECT_STREQ(publishedStateName(S::Idle), "empty");
  EXPECT_STREQ(publishedStateName(S::Reading), "loading");
  EXPECT_STREQ(publishedStateName(S::Parsing), "loading");
  EXPECT_STREQ(publishedStateName(S::Analysing), "laying-out");
  EXPECT_STREQ(publishedStateName(S::LayingOut), "laying-out");
  EXPECT_STREQ(publishedStateName(S::Drawn), "drawn");
  EXPECT_STREQ(publishedStateName(S::Cancelled), "drawn");
  EXPECT_STREQ(publishedStateName(S::Failed), "error");
  std::set<std::string> names;
  for (S s : kAllLoadStates) names.insert(loadStateName(s));
  EXPECT_EQ(names.size(), 8u) << "every state has its own name";
}

}  // namespace
}  // namespace nf::document
