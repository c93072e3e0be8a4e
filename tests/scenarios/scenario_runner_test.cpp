// Runs every tests/scenarios/*.test file: multi-node stories written as specifications, on
// real stores and real Sessions whose frames are moved by hand (no sockets, no sleeps, one
// manual clock). Each file is one doctest SUBCASE named by the file; a failing line is
// reported as file:line with the line itself. `--subcase=<file>.test` runs one file.
//
// The line format (one command a line; `#` starts a comment line; tokens are separated by
// spaces, so values have none):
//   nodes A B C                     create nodes (every pair linked, links up)
//   config batch=N window=N         session settings for the syncs that follow
//   link A B up|down                a sync over a link that is down fails the scenario
//   clock A -5000                   A's wall clock jumps back (or +N ahead) N milliseconds;
//                                   every command then ticks all clocks on by 1 ms
//   write A <kind> <label> f=v ...  one local write; f= writes the empty value, f=@label
//                                   the hex id of that label's record (a reference)
//   write A <kind> a0..a99 f=v{i}   the same write to labels a0..a99 in one transaction,
//                                   {i} in a value becoming the label's number
//   delete A <kind> <label>         writes deleted=1 (deletion is a field, DESIGN.md)
//   restore A <kind> <label>        writes deleted=0
//   sync A B                        a session from A to B run until both sides are quiet;
//                                   it must end caught up both ways, not closed
//   sync A B cut N                  the same, dropped after N frames (an interrupted one)
//   settle                          syncs every linked pair, in rounds, until a round
//                                   moves no change
//   expect A B <kind> <label> f=v   every named node holds the record with these values
//   expect A <kind> <label> absent  the node does not hold the record
//   expect equal A B C | differ A B digests of the replicated state (un)equal
//   expect count A B <kind> [op] N  record counts; op is one of = < > <= >= (default =)
//   expect conflicts A B [<kind> <label> <field>] [op] N
//                                   kept conflicts, all or of one field
//   expect sent A to B [op] N       changes A sent to B in their last sync
// A member write carrying id_number gets the id a node derives from it (the deployment
// key's keyed hash, app/records/member_identity.h), so two nodes registering one person
// name one record; other labels name a fixed id of their own.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "app/records/member_identity.h"
#include "store/store.h"
#include "sync/session.h"
#include "tests/support/temp_dir.h"

using namespace unionsync;
using unionsync::testing::TempDir;

namespace {

constexpr std::int64_t kStartMs = 1'700'000'000'000;

struct ScenarioNode {
  std::string name;
  ManualClock clock{kStartMs};
  SeededRandom random;
  std::unique_ptr<Store> store;
  ScenarioNode(std::string n, std::uint64_t seed) : name(std::move(n)), random(seed) {}
};

// A session between two nodes with its two queues of frames, moved by hand.
struct Link {
  std::deque<std::string> toB, toA;
  Session a, b;
  Link(ScenarioNode& na, ScenarioNode& nb, const SessionConfig& config)
      : a(*na.store, na.clock, config, true, [this](std::string&& f) { toB.push_back(std::move(f)); }),
        b(*nb.store, nb.clock, config, false, [this](std::string&& f) { toA.push_back(std::move(f)); }) {}

  // Moves frames, alternating directions, until none is left or `limit` moved; the count.
  std::size_t run(std::size_t limit) {
    std::size_t moved = 0;
    auto deliver = [&](std::deque<std::string>& queue, Session& to) {
      std::string frame = std::move(queue.front());
      queue.pop_front();
      to.onFrame(frame);
      ++moved;
    };
    while ((!toB.empty() || !toA.empty()) && moved < limit) {
      if (!toB.empty()) deliver(toB, b);
      if (!toA.empty() && moved < limit) deliver(toA, a);
    }
    return moved;
  }
};

// Why a scenario line failed; the runner reports it with the file and line.
struct ScenarioError {
  std::string message;
};

[[noreturn]] void bad(std::string message) { throw ScenarioError{std::move(message)}; }

std::vector<std::string> tokensOf(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string token; in >> token;) out.push_back(token);
  return out;
}

std::uint64_t parseNumber(const std::string& text) {
  std::size_t used = 0;
  std::uint64_t value = 0;
  try {
    value = std::stoull(text, &used);
  } catch (const std::exception&) {
    bad("not a number: " + text);
  }
  if (used != text.size()) bad("not a number: " + text);
  return value;
}

bool isOperator(const std::string& t) { return t == "=" || t == "<" || t == ">" || t == "<=" || t == ">="; }

// "[op] N" at tokens[at..]: whether `actual` satisfies it.
bool compare(std::uint64_t actual, const std::vector<std::string>& tokens, std::size_t at) {
  std::string op = "=";
  if (at < tokens.size() && isOperator(tokens[at])) op = tokens[at++];
  if (at + 1 != tokens.size()) bad("expected [op] NUMBER at the end");
  const std::uint64_t want = parseNumber(tokens[at]);
  if (op == "<") return actual < want;
  if (op == ">") return actual > want;
  if (op == "<=") return actual <= want;
  if (op == ">=") return actual >= want;
  return actual == want;
}

// One label, or a range "a0..a99" as (label, number) pairs.
std::vector<std::pair<std::string, std::string>> expandLabels(const std::string& token) {
  const auto dots = token.find("..");
  if (dots == std::string::npos) return {{token, ""}};
  auto split = [](const std::string& s) {
    std::size_t digits = s.size();
    while (digits > 0 && std::isdigit(static_cast<unsigned char>(s[digits - 1]))) --digits;
    return std::pair{s.substr(0, digits), s.substr(digits)};
  };
  auto [prefix, from] = split(token.substr(0, dots));
  auto [prefix2, to] = split(token.substr(dots + 2));
  if (prefix != prefix2 || from.empty() || to.empty()) bad("a label range is a0..a99: " + token);
  std::vector<std::pair<std::string, std::string>> out;
  for (std::uint64_t i = parseNumber(from), last = parseNumber(to); i <= last; ++i)
    out.emplace_back(prefix + std::to_string(i), std::to_string(i));
  return out;
}

std::string substituteIndex(std::string value, const std::string& index) {
  for (std::size_t at; (at = value.find("{i}")) != std::string::npos;) value.replace(at, 3, index);
  return value;
}

class Scenario {
 public:
  void execute(const std::vector<std::string>& t) {
    const std::string& verb = t[0];
    if (verb == "nodes") return makeNodes(t);
    if (verb == "config") return configure(t);
    if (verb == "link") return setLink(t);
    if (verb == "write" || verb == "delete" || verb == "restore") return write(t);
    if (verb == "sync") return syncCommand(t);
    if (verb == "settle") return settle();
    if (verb == "clock") return skewClock(t);
    if (verb == "expect") return expect(t);
    bad("unknown command " + verb);
  }

 private:
  TempDir dir_;
  std::vector<std::unique_ptr<ScenarioNode>> nodes_;
  std::map<std::pair<std::string, std::string>, bool> linkUp_;  // (first, second) in node order
  std::map<std::pair<std::string, std::string>, SessionStats> lastSent_;  // (from, to)
  std::map<std::pair<Kind, std::string>, RecordId> labels_;
  SessionConfig config_;

  ScenarioNode& node(const std::string& name) {
    for (auto& n : nodes_)
      if (n->name == name) return *n;
    bad("no node " + name);
  }
  bool isNode(const std::string& name) const {
    return std::any_of(nodes_.begin(), nodes_.end(), [&](const auto& n) { return n->name == name; });
  }
  std::pair<std::string, std::string> linkKey(const std::string& x, const std::string& y) {
    if (&node(x) == &node(y)) bad("a link joins two different nodes");
    return x < y ? std::pair{x, y} : std::pair{y, x};
  }
  static Kind kindOf(const std::string& name) {
    auto kind = kindFromName(name);
    if (!kind) bad("unknown kind " + name + " (org, employer, member, event, activity)");
    return *kind;
  }

  // Every command is one millisecond after the previous one, on every node's clock: the
  // later line writes the later stamp.
  void tickClocks() {
    for (auto& n : nodes_) n->clock.advance(1);
  }

  void makeNodes(const std::vector<std::string>& t) {
    if (!nodes_.empty() || t.size() < 3) bad("nodes comes once, first, with two or more names");
    StoreOptions options;
    options.durable = false;
    options.initialMapSize = std::size_t{1} << 28;
    for (std::size_t i = 1; i < t.size(); ++i) {
      if (isNode(t[i])) bad("node named twice: " + t[i]);
      auto n = std::make_unique<ScenarioNode>(t[i], 1000 + i);
      n->store = std::move(Store::create(dir_.sub(t[i]), t[i], options, n->clock, n->random).value());
      nodes_.push_back(std::move(n));
    }
    for (std::size_t i = 0; i < nodes_.size(); ++i)
      for (std::size_t j = i + 1; j < nodes_.size(); ++j) linkUp_[linkKey(nodes_[i]->name, nodes_[j]->name)] = true;
  }

  void configure(const std::vector<std::string>& t) {
    for (std::size_t i = 1; i < t.size(); ++i) {
      const auto eq = t[i].find('=');
      if (eq == std::string::npos) bad("config takes name=value");
      const std::string name = t[i].substr(0, eq);
      const std::uint64_t value = parseNumber(t[i].substr(eq + 1));
      if (name == "batch")
        config_.batchMaxChanges = value;
      else if (name == "window")
        config_.window = value;
      else
        bad("unknown setting " + name + " (batch, window)");
    }
  }

  // "clock B -5000": B's wall clock jumps by that many milliseconds (it then ticks on with
  // the others).
  void skewClock(const std::vector<std::string>& t) {
    if (t.size() != 3) bad("clock NODE +MS|-MS");
    const bool back = t[2].starts_with('-');
    const std::string digits = t[2].substr(t[2].starts_with('-') || t[2].starts_with('+') ? 1 : 0);
    const auto ms = static_cast<std::int64_t>(parseNumber(digits));
    node(t[1]).clock.advance(back ? -ms : ms);
  }

  void setLink(const std::vector<std::string>& t) {
    if (t.size() != 4 || (t[3] != "up" && t[3] != "down")) bad("link X Y up|down");
    linkUp_[linkKey(t[1], t[2])] = t[3] == "up";
  }

  // The id of `label` for a write of `fields` at `n`: a member with an ID number gets the id
  // derived from it (bound to the label from then on, and it must agree with an earlier
  // binding); else the label's own id.
  RecordId idFor(ScenarioNode& n, Kind kind, const std::string& label,
                 const std::vector<std::pair<std::string, std::string>>& fields) {
    std::optional<RecordId> derived;
    if (kind == Kind::Member)
      for (const auto& [name, value] : fields)
        if (name == "id_number") {
          std::string idType;
          for (const auto& [other, v] : fields)
            if (other == "id_type") idType = v;
          derived = memberIdFromIdNumber(n.store->deploymentKey(), idType, value);
        }
    auto held = labels_.find({kind, label});
    if (held != labels_.end()) {
      if (derived && *derived != held->second) bad("label " + label + " already names another record");
      return held->second;
    }
    RecordId id = derived.value_or(RecordId{});
    if (!derived) {
      // FNV-1a of the label: a fixed id per label, the same on every node.
      std::uint64_t h = 14695981039346656037u;
      for (unsigned char ch : label) h = (h ^ ch) * 1099511628211u;
      for (int i = 0; i < 8; ++i) id.bytes[i] = static_cast<std::uint8_t>(h >> (8 * i));
      id.bytes[15] = static_cast<std::uint8_t>(kind);
    }
    labels_.emplace(std::pair{kind, label}, id);
    return id;
  }

  // A value "@label" is the hex id of that label's record (a reference, e.g. org=@u1).
  std::string resolve(const std::string& value) {
    if (!value.starts_with('@')) return value;
    for (const auto& [key, id] : labels_)
      if (key.second == value.substr(1)) return id.hex();
    bad("no record labelled " + value.substr(1));
  }

  RecordId knownId(Kind kind, const std::string& label) {
    auto it = labels_.find({kind, label});
    if (it == labels_.end()) bad("label " + label + " was never written");
    return it->second;
  }

  void write(const std::vector<std::string>& t) {
    if (t.size() < 4) bad(t[0] + " NODE KIND LABEL ...");
    ScenarioNode& n = node(t[1]);
    const Kind kind = kindOf(t[2]);
    std::vector<std::pair<std::string, std::string>> fields;
    if (t[0] == "delete" || t[0] == "restore") {
      if (t.size() != 4) bad(t[0] + " NODE KIND LABEL");
      fields.emplace_back("deleted", t[0] == "delete" ? "1" : "0");
    }
    for (std::size_t i = 4; i < t.size(); ++i) {
      const auto eq = t[i].find('=');
      if (eq == std::string::npos || eq == 0) bad("a field is name=value: " + t[i]);
      fields.emplace_back(t[i].substr(0, eq), t[i].substr(eq + 1));
    }
    if (fields.empty()) bad("write needs at least one field");
    std::vector<Store::LocalWrite> writes;
    for (const auto& [label, index] : expandLabels(t[3])) {
      auto mine = fields;
      for (auto& f : mine) f.second = resolve(substituteIndex(f.second, index));
      const RecordId id = idFor(n, kind, label, mine);
      writes.push_back(Store::LocalWrite{kind, id, std::move(mine)});
    }
    auto written = n.store->writeMany(writes);
    if (!written) bad("write failed: " + written.error().message);
    tickClocks();
  }

  // Runs one session from `from` to `to`; with `cut`, drops it after that many frames.
  // Returns the changes both sides sent.
  std::uint64_t sync(ScenarioNode& from, ScenarioNode& to, std::optional<std::size_t> cut) {
    if (!linkUp_[linkKey(from.name, to.name)]) bad("the link " + from.name + "-" + to.name + " is down");
    Link link(from, to, config_);
    link.a.start();
    if (cut) {
      link.run(*cut);
    } else {
      constexpr std::size_t kLimit = 1'000'000;
      std::size_t moved = 0;
      for (;;) {
        moved += link.run(kLimit - moved);
        if (moved >= kLimit) bad("the session still moves frames after " + std::to_string(kLimit));
        link.a.tick();
        link.b.tick();
        if (link.toB.empty() && link.toA.empty()) break;
      }
      if (link.a.closed() || link.b.closed())
        bad("the session closed: " + link.a.closeReason() + link.b.closeReason());
      if (!link.a.caughtUpBothWays() || !link.b.caughtUpBothWays()) bad("the session did not catch up both ways");
    }
    lastSent_[{from.name, to.name}] = link.a.stats();
    lastSent_[{to.name, from.name}] = link.b.stats();
    tickClocks();
    return link.a.stats().changesSent + link.b.stats().changesSent;
  }

  void syncCommand(const std::vector<std::string>& t) {
    if (t.size() == 3) {
      sync(node(t[1]), node(t[2]), std::nullopt);
    } else if (t.size() == 5 && t[3] == "cut") {
      sync(node(t[1]), node(t[2]), parseNumber(t[4]));
    } else {
      bad("sync A B [cut N]");
    }
  }

  void settle() {
    for (int round = 0; round < 16; ++round) {
      std::uint64_t moved = 0;
      for (std::size_t i = 0; i < nodes_.size(); ++i)
        for (std::size_t j = i + 1; j < nodes_.size(); ++j)
          if (linkUp_[linkKey(nodes_[i]->name, nodes_[j]->name)]) moved += sync(*nodes_[i], *nodes_[j], std::nullopt);
      if (moved == 0) return;
    }
    bad("settle: changes still move after 16 rounds");
  }

  // Node names at t[from..], up to the first token that is not one; at least one.
  std::vector<ScenarioNode*> nodesAt(const std::vector<std::string>& t, std::size_t& at) {
    std::vector<ScenarioNode*> out;
    while (at < t.size() && isNode(t[at])) out.push_back(&node(t[at++]));
    if (out.empty()) bad("expected a node name");
    return out;
  }

  void expect(const std::vector<std::string>& t) {
    if (t.size() < 3) bad("expect what?");
    const std::string& what = t[1];
    std::size_t at = 2;
    if (what == "equal" || what == "differ") {
      auto ns = nodesAt(t, at);
      if (at != t.size() || ns.size() < 2) bad("expect equal|differ A B ...");
      for (std::size_t i = 1; i < ns.size(); ++i) {
        const bool same = ns[0]->store->digest() == ns[i]->store->digest();
        if (what == "equal" && !same) bad(ns[0]->name + " and " + ns[i]->name + " hold different data");
        if (what == "differ" && same) bad(ns[0]->name + " and " + ns[i]->name + " hold the same data");
      }
      return;
    }
    if (what == "count") {
      auto ns = nodesAt(t, at);
      if (at >= t.size()) bad("expect count A KIND [op] N");
      const Kind kind = kindOf(t[at++]);
      for (auto* n : ns)
        if (!compare(n->store->count(kind), t, at))
          bad(n->name + " holds " + std::to_string(n->store->count(kind)) + " " + std::string(kindName(kind)));
      return;
    }
    if (what == "conflicts") {
      auto ns = nodesAt(t, at);
      std::optional<std::tuple<Kind, RecordId, std::string>> field;
      if (at + 3 <= t.size() && kindFromName(t[at])) {
        const Kind kind = kindOf(t[at]);
        field.emplace(kind, knownId(kind, t[at + 1]), t[at + 2]);
        at += 3;
      }
      for (auto* n : ns) {
        std::uint64_t count = 0;
        std::string seen;
        for (const Conflict& c : n->store->conflicts()) {
          if (field && (c.kind != std::get<0>(*field) || c.id != std::get<1>(*field) || c.field != std::get<2>(*field)))
            continue;
          ++count;
          seen += " " + c.field + ": " + c.winnerValue + " over " + c.loserValue + ";";
        }
        if (!compare(count, t, at)) bad(n->name + " keeps " + std::to_string(count) + " conflicts:" + seen);
      }
      return;
    }
    if (what == "sent") {
      if (t.size() < 6 || t[3] != "to") bad("expect sent A to B [op] N");
      auto it = lastSent_.find({node(t[2]).name, node(t[4]).name});
      if (it == lastSent_.end()) bad("no sync between " + t[2] + " and " + t[4] + " yet");
      if (!compare(it->second.changesSent, t, 5))
        bad(t[2] + " sent " + std::to_string(it->second.changesSent) + " changes to " + t[4]);
      return;
    }
    // expect A B <kind> <label> (absent | f=v ...): the node names start at t[1].
    at = 1;
    auto ns = nodesAt(t, at);
    if (at + 2 > t.size()) bad("expect A KIND LABEL f=v ... | absent");
    const Kind kind = kindOf(t[at]);
    const RecordId id = knownId(kind, t[at + 1]);
    at += 2;
    for (auto* n : ns) {
      auto record = n->store->get(kind, id);
      if (at < t.size() && t[at] == "absent") {
        if (record) bad(n->name + " holds " + t[at - 1]);
        continue;
      }
      if (!record) bad(n->name + " does not hold " + t[at - 1]);
      for (std::size_t i = at; i < t.size(); ++i) {
        const auto eq = t[i].find('=');
        if (eq == std::string::npos) bad("a field is name=value: " + t[i]);
        const std::string name = t[i].substr(0, eq), want = resolve(t[i].substr(eq + 1));
        if (record->get(name) != want)
          bad(n->name + ": " + name + " is '" + std::string(record->get(name)) + "', not '" + want + "'");
      }
    }
  }
};

// Runs one file; returns the failure as "file:line: line\n  why", or empty.
std::string runFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return file.string() + ": cannot read";
  Scenario scenario;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const auto tokens = tokensOf(line);
    if (tokens.empty() || tokens[0].starts_with('#')) continue;
    try {
      scenario.execute(tokens);
    } catch (const ScenarioError& e) {
      return file.filename().string() + ":" + std::to_string(number) + ": " + line + "\n  " + e.message;
    }
  }
  return {};
}

std::vector<std::filesystem::path> scenarioFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(UNIONSYNC_SOURCE_DIR) / "tests/scenarios"))
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("scenarios: every tests/scenarios/*.test file holds") {
  const auto files = scenarioFiles();
  REQUIRE_FALSE(files.empty());
  for (const auto& file : files) {
    const std::string name = file.filename().string();
    SUBCASE(name.c_str()) {
      const std::string failure = runFile(file);
      CHECK_MESSAGE(failure.empty(), failure);
    }
  }
}

TEST_CASE("scenarios: the runner fails a scenario that does not hold") {
  TempDir dir;
  const std::string file = dir.sub("wrong.test");
  std::ofstream(file) << "# a wrong expectation must fail, naming its line\n"
                         "nodes A B\n"
                         "write A org o1 name=甲\n"
                         "sync A B\n"
                         "expect B org o1 name=乙\n";
  const std::string failure = runFile(file);
  CHECK(failure.starts_with("wrong.test:5: expect B org o1 name=乙"));
  std::ofstream(file) << "nodes A B\nlink A B down\nsync A B\n";
  CHECK(runFile(file).starts_with("wrong.test:3:"));
  std::ofstream(file) << "nodes A B\nfrobnicate A\n";
  CHECK(runFile(file).find("unknown command") != std::string::npos);
}
