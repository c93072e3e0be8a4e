// The algebraic laws of the merge rule (store/merge.h), over thousands of seeded random
// inputs: the replicated state a node ends up with must not depend on the order, grouping
// or repetition in which changes reach it (DESIGN.md "Records and merging").
//
// What holds and is checked:
// - commutative: two changes in either order give the same record and, when they are the
//   only writes, the same conflicts;
// - associative: three changes in all six orders, and grouped as a·(b·c) (b and c merged
//   first, then their result merged in as a repair would), give the same record;
// - idempotent: a change applied again at once changes nothing and records no new conflict;
//   a resend after another change leaves the same record (and, when the two are the only
//   writes, the same conflicts);
// - sound: every recorded conflict is a pair of differing values where the winner's base
//   is older than the loser's stamp.
// What does not hold, pinned by the last case: with three or more concurrent writes the
// conflict list depends on which pairs met at this node (it is a per-node review list, not
// replicated state).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>

#include "store/clock.h"
#include "store/merge.h"

using namespace unionsync;

namespace {

using ConflictKey = std::tuple<std::string, Stamp, std::string, Stamp, std::string>;  // field, winner, its value, loser, its value

struct State {
  std::optional<Record> record;
  std::set<ConflictKey> conflicts;
};

void applyTo(State& state, const Change& change) {
  RecordMerge m = mergeChange(state.record, change);
  for (const Conflict& c : m.conflicts) state.conflicts.emplace(c.field, c.winner, c.winnerValue, c.loser, c.loserValue);
  // As the store does: a change where nothing won leaves the held record as it was.
  if (m.won) state.record = std::move(m.after);
}

State applyAll(const std::optional<Record>& start, std::initializer_list<const Change*> changes) {
  State state{start, {}};
  for (const Change* c : changes) applyTo(state, *c);
  return state;
}

// The record as changes, one per field (what Store::recordAsChanges sends in a repair).
std::vector<Change> asChanges(const Record& record) {
  std::vector<Change> out;
  for (const auto& [name, f] : record.fields)
    out.push_back(Change{record.kind, record.id, f.stamp.origin, f.seq, f.stamp.hlc, {FieldWrite{name, f.value, f.base}}});
  return out;
}

// Field states compared in full: value, stamp, seq and base.
bool sameRecord(const std::optional<Record>& a, const std::optional<Record>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  auto same = [](const auto& x, const auto& y) {
    return x.first == y.first && x.second.value == y.second.value && x.second.stamp == y.second.stamp &&
           x.second.seq == y.second.seq && x.second.base == y.second.base;
  };
  return std::equal(a->fields.begin(), a->fields.end(), b->fields.begin(), b->fields.end(), same);
}

std::string describe(const std::optional<Record>& r) {
  if (!r) return "(none)";
  std::string out;
  for (const auto& [name, f] : r->fields)
    out += name + "=" + f.value + "@" + std::to_string(f.stamp.hlc) + "/" + std::to_string(f.stamp.origin) + " ";
  return out;
}

// Random changes to one record: few fields, few values (so equal values happen), HLCs from
// a narrow range over three origins (so HLC ties between origins happen), bases drawn from
// zero, the other changes' stamps and random small stamps. Every change gets its own stamp:
// one origin never issues two writes with one HLC reading.
struct Generator {
  SeededRandom random;
  std::set<Stamp> used;
  std::uint64_t nextSeq = 1;

  explicit Generator(std::uint64_t seed) : random(seed) {}

  Stamp freshStamp() {
    for (;;) {
      Stamp s{1 + random.below(6), 1 + random.below(3)};
      if (used.insert(s).second) return s;
    }
  }

  Stamp randomBase() {
    switch (random.below(3)) {
      case 0:
        return Stamp{};
      case 1:
        if (!used.empty()) {
          auto it = used.begin();
          std::advance(it, static_cast<long>(random.below(used.size())));
          return *it;
        }
        return Stamp{};
      default:
        return Stamp{random.below(7), random.below(4)};
    }
  }

  Change change() {
    static const char* kFields[] = {"name", "mobile", "deleted"};
    static const char* kValues[] = {"", "1", "王淼", "13800000000"};
    const Stamp s = freshStamp();
    Change c{Kind::Member, RecordId{}, s.origin, nextSeq++, s.hlc, {}};
    std::set<std::string> names;
    const std::size_t count = 1 + random.below(3);
    for (std::size_t i = 0; i < count; ++i) names.insert(kFields[random.below(3)]);
    for (const auto& name : names) c.fields.push_back(FieldWrite{name, kValues[random.below(4)], randomBase()});
    return c;
  }

  // A held record from an earlier change, or none.
  std::optional<Record> start() {
    if (random.below(3) == 0) return std::nullopt;
    return mergeChange(std::nullopt, change()).after;
  }
};

void checkSound(const State& s) {
  for (const auto& [field, winner, winnerValue, loser, loserValue] : s.conflicts) {
    CHECK(winner > loser);
    CHECK(winnerValue != loserValue);
  }
}

constexpr int kCases = 4000;

}  // namespace

TEST_CASE("merge is commutative: two changes in either order give one record and one conflict list") {
  for (int n = 0; n < kCases; ++n) {
    Generator gen(static_cast<std::uint64_t>(n) * 7919 + 1);
    const auto start = gen.start();
    const Change a = gen.change(), b = gen.change();
    const State ab = applyAll(start, {&a, &b}), ba = applyAll(start, {&b, &a});
    INFO("case ", n, ": ab = ", describe(ab.record), " ba = ", describe(ba.record));
    REQUIRE(sameRecord(ab.record, ba.record));
    // With a held value these are three writes, whose conflict list is per node (below).
    if (!start) REQUIRE(ab.conflicts == ba.conflicts);
    checkSound(ab);
  }
}

TEST_CASE("merge is associative: three changes in every order and grouping give one record") {
  for (int n = 0; n < kCases; ++n) {
    Generator gen(static_cast<std::uint64_t>(n) * 104729 + 3);
    const auto start = gen.start();
    std::array<Change, 3> c{gen.change(), gen.change(), gen.change()};
    const State reference = applyAll(start, {&c[0], &c[1], &c[2]});
    std::array<int, 3> order{0, 1, 2};
    do {
      const State s = applyAll(start, {&c[order[0]], &c[order[1]], &c[order[2]]});
      INFO("case ", n, " order ", order[0], order[1], order[2], ": ", describe(s.record), " vs ",
           describe(reference.record));
      REQUIRE(sameRecord(s.record, reference.record));
      checkSound(s);
    } while (std::next_permutation(order.begin(), order.end()));

    // a·(b·c): b and c meet elsewhere first; their merged record arrives as a repair.
    const State bc = applyAll(std::nullopt, {&c[1], &c[2]});
    State grouped = applyAll(start, {&c[0]});
    if (bc.record)
      for (const Change& piece : asChanges(*bc.record)) applyTo(grouped, piece);
    INFO("case ", n, ": a(bc) = ", describe(grouped.record), " (ab)c = ", describe(reference.record));
    REQUIRE(sameRecord(grouped.record, reference.record));
    checkSound(grouped);
  }
}

TEST_CASE("merge is idempotent: a change applied again changes nothing and adds no conflict") {
  for (int n = 0; n < kCases; ++n) {
    Generator gen(static_cast<std::uint64_t>(n) * 15485863 + 5);
    const auto start = gen.start();
    const Change a = gen.change(), b = gen.change();
    const State once = applyAll(start, {&a});
    const State twice = applyAll(start, {&a, &a});
    INFO("case ", n);
    REQUIRE(sameRecord(once.record, twice.record));
    REQUIRE(once.conflicts == twice.conflicts);
    // Again after another change: a resend that arrives late.
    const State ab = applyAll(start, {&a, &b});
    const State aba = applyAll(start, {&a, &b, &a});
    REQUIRE(sameRecord(ab.record, aba.record));
    if (!start) REQUIRE(ab.conflicts == aba.conflicts);
    // The second application is all duplicates or losers: nothing wins.
    REQUIRE_FALSE(mergeChange(once.record, a).won);
  }
}

TEST_CASE("the conflict rule, case by case") {
  const Stamp s1{10, 1}, s2{11, 2}, s3{11, 3};
  FieldState held{"王淼", s1, 1, Stamp{}};
  SUBCASE("a write that saw the held value overwrites it without conflict") {
    FieldMerge m = mergeField(&held, FieldState{"王森", s2, 1, s1});
    CHECK(m.outcome == FieldOutcome::Won);
    CHECK_FALSE(m.conflict);
  }
  SUBCASE("a write that had not seen it wins and keeps the loser") {
    FieldMerge m = mergeField(&held, FieldState{"王森", s2, 1, Stamp{}});
    REQUIRE(m.conflict);
    CHECK(m.conflict->winnerValue == "王森");
    CHECK(m.conflict->loserValue == "王淼");
  }
  SUBCASE("an older concurrent write loses and is kept") {
    FieldState newer{"王森", s2, 1, Stamp{}};
    FieldMerge m = mergeField(&newer, held);
    CHECK(m.outcome == FieldOutcome::Lost);
    REQUIRE(m.conflict);
    CHECK(m.conflict->loser == s1);
  }
  SUBCASE("equal values are no conflict") {
    CHECK_FALSE(mergeField(&held, FieldState{"王淼", s2, 1, Stamp{}}).conflict);
  }
  SUBCASE("an HLC tie is broken by the origin, the same way in both orders") {
    FieldState two{"a", s2, 1, Stamp{}}, three{"b", s3, 1, Stamp{}};
    CHECK(mergeField(&two, three).outcome == FieldOutcome::Won);
    CHECK(mergeField(&three, two).outcome == FieldOutcome::Lost);
  }
  SUBCASE("the same stamp again is a duplicate") {
    CHECK(mergeField(&held, held).outcome == FieldOutcome::Duplicate);
  }
  SUBCASE("a local write records what it replaced as its base") {
    FieldState next = localFieldWrite(&held, "王森", s2, 2);
    CHECK(next.base == s1);
    CHECK(localFieldWrite(nullptr, "x", s2, 2).base == Stamp{});
  }
}

TEST_CASE("the conflict list depends on which writes met here (three concurrent writes)") {
  // A writes a; C sees a and writes c; B, having seen neither, writes b with a < b < c.
  // Every node ends with c. A node that received a, b, c saw b overwrite a unseen and c
  // overwrite b unseen: two conflicts. A node that received c first saw a lose to c, whose
  // writer had seen a: one conflict. Pinned so that a change of the rule is a decision.
  const Change a{Kind::Member, RecordId{}, 1, 1, 10, {FieldWrite{"name", "a", Stamp{}}}};
  const Change b{Kind::Member, RecordId{}, 2, 1, 11, {FieldWrite{"name", "b", Stamp{}}}};
  const Change c{Kind::Member, RecordId{}, 3, 1, 12, {FieldWrite{"name", "c", Stamp{10, 1}}}};
  const State abc = applyAll(std::nullopt, {&a, &b, &c});
  const State cba = applyAll(std::nullopt, {&c, &b, &a});
  CHECK(sameRecord(abc.record, cba.record));
  CHECK(abc.record->get("name") == "c");
  CHECK(abc.conflicts.size() == 2);
  CHECK(cba.conflicts.size() == 1);
}
