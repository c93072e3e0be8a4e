// Sync benchmark: full catch-up of N members between two nodes over loopback with CURVE,
// compared with a local bulk write of the same data in the same run; then the latency and
// bytes on the wire of one changed member; then the idle CPU of two connected nodes.
// The same catch-up and one-change measurements run twice on the same source data:
//   (a) two nodes paired by hand (no federation rules), as before federations existed;
//   (b) the same members written by the deployment's root after its first grant (so every
//       change is signed and carries its signature) to an office certified for the top
//       organization: every change passes the sender's PeerRules::mayReceive and the
//       receiver's ApplyGate::refusal (docs/SYNC.md "Federation").
// The ratio (b)/(a) is issue 9's figure; the rules' and the signatures' cost per call are
// then timed directly.
//
// Then, in (a), the receiver's engine stops, the source writes N/10 new members, and the
// receiver catches up again: lacking a tenth, it should take about a tenth of the full
// catch-up's time (issue 12).
//
//   sync_bench [--members N] [--no-fsync] [--dir DIR] [--verbose] [--catch-up-only]
//              [--apply-max N] [--window N]
// --catch-up-only stops after (a)'s full catch-up (for a profiler: nothing else runs);
// --apply-max and --window set SessionConfig::applyMaxChanges and window on both sides.
#include <sys/resource.h>

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "app/federation/federation.h"
#include "app/internal/store_access.h"
#include "app/node.h"
#include "app/records/member_identity.h"
#include "app/records/received_check.h"
#include "app/records/scoped_digest.h"
#include "store/change_signature.h"
#include "sync/certificate.h"
#include "sync/engine.h"
#include "sync/identity.h"
#include "sync/trust_store.h"
#include "tests/sync/tcp_proxy.h"

using namespace unionsync;
using Clock_ = std::chrono::steady_clock;

namespace {

double seconds(Clock_::time_point a, Clock_::time_point b) { return std::chrono::duration<double>(b - a).count(); }

double cpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

double loadAverage() {
  double load[1] = {0};
  return ::getloadavg(load, 1) == 1 ? load[0] : -1;
}

// A valid resident ID number (GB 11643) unique per i < 336,000,000, with its birth date and
// gender: a receiver checks them (app/records/received_check.h), so the bench must send
// what an import would have stored.
struct IdNumber {
  std::string number, birthDate;
  bool male = false;
};
IdNumber idNumberOf(std::size_t i) {
  static constexpr int kWeights[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  const std::size_t day = i / 1000, seq = i % 1000;
  IdNumber out;
  out.birthDate = fmt::format("{:04}-{:02}-{:02}", 1950 + day / 336, day / 28 % 12 + 1, day % 28 + 1);
  std::string first17 = fmt::format("110105{}{}{}{:03}", out.birthDate.substr(0, 4), out.birthDate.substr(5, 2),
                                    out.birthDate.substr(8, 2), seq);
  int sum = 0;
  for (int k = 0; k < 17; ++k) sum += (first17[static_cast<std::size_t>(k)] - '0') * kWeights[k];
  out.number = first17 + "10X98765432"[sum % 11];
  out.male = seq % 2 == 1;
  return out;
}

Store::LocalWrite memberWrite(const std::string& key, std::size_t i, const std::string& orgHex) {
  const IdNumber idNumber = idNumberOf(i);
  RecordId id = memberIdFromIdNumber(key, "", idNumber.number);
  static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"};
  return Store::LocalWrite{
      Kind::Member,
      id,
      {{"name", fmt::format("{}{}", kSurnames[i % 10], i)},
       {"gender", idNumber.male ? "男" : "女"},
       {"id_number", idNumber.number},
       {"birth_date", idNumber.birthDate},
       {"mobile", fmt::format("138{:08}", i % 100000000)},
       {"org", orgHex},
       {"join_date", "2020-05-01"},
       {"migrant", i % 3 ? "0" : "1"},
       {"status", "正常"}}};
}

// The district tree of store_bench (1 district, 10 streets, 100 community unions): members
// sit in the communities, so a scope check walks community → street → district, as in a
// real office's store.
struct DistrictTree {
  RecordId district;
  std::vector<std::string> communities;  // hex
};

DistrictTree buildTree(Node& node) {
  auto add = [&](const std::string& name, const std::string& type, const std::optional<RecordId>& parent) {
    FieldValues values{{"name", name}, {"org_type", type}};
    if (parent) values.emplace_back("parent", parent->hex());
    auto id = node.add(Kind::Organization, values);
    if (!id) throw std::runtime_error("org: " + id.error().summary());
    return *id;
  };
  DistrictTree tree;
  tree.district = add("嘉禾区总工会", "区县总工会", std::nullopt);
  for (int s = 0; s < 10; ++s) {
    RecordId street = add(fmt::format("第{}街道总工会", s + 1), "街道总工会", tree.district);
    for (int c = 0; c < 10; ++c)
      tree.communities.push_back(add(fmt::format("第{}街道第{}社区联合工会", s + 1, c + 1), "社区联合工会", street).hex());
  }
  return tree;
}

struct Context {
  SystemClock clock;
  bool verbose = false;
  std::size_t members = 0;
  std::string key;  // deployment key (member ids)
  const DistrictTree* tree = nullptr;
  double bulkSeconds = 0;  // the local write of the same members, for scale
  SessionConfig session;
  Store::LocalWrite member(std::size_t i) const { return memberWrite(key, i, tree->communities[i % tree->communities.size()]); }
};

EngineOptions engineOptions(const Context& ctx, Node& node, const char* who, std::shared_ptr<FederationPolicy> federation) {
  EngineOptions o;
  o.dataDir = node.dataDir();
  o.log = [verbose = ctx.verbose, who](const std::string& line) {
    if (verbose) fmt::print(stderr, "[{}] {}\n", who, line);
  };
  o.federation = std::move(federation);
  o.session = ctx.session;
  return o;
}

struct CatchUp {
  double seconds = 0;
  double verifiedSeconds = 0;  // until the receiver's first fingerprint check ended; 0: none ran
  PeerStatus receiverView;     // the receiver's status of the source
};

// What a catch-up brings, for its figures.
struct Scale {
  const char* label;
  std::size_t members;
  double bulkSeconds;  // the local write of those members
};

void printCatchUp(const CatchUp& c, const Scale& scale) {
  fmt::print("{:<22}{:.2f} s  {:>9.0f} records/s  ({:.2f}x the local bulk write time; {:.1f} MB received, "
             "{} changes received, {} batches in {} transactions, {} sessions)\n",
             scale.label, c.seconds, scale.members / c.seconds, c.seconds / scale.bulkSeconds, c.receiverView.total.bytesReceived / 1e6,
             c.receiverView.total.changesReceived, c.receiverView.total.batchesReceived, c.receiverView.total.transactions,
             c.receiverView.sessions);
  if (c.receiverView.total.changesRefused || c.receiverView.total.changesParked)
    fmt::print("  REFUSED {} / parked {} changes: {}\n", c.receiverView.total.changesRefused,
               c.receiverView.total.changesParked, c.receiverView.total.lastRefusal);
  if (c.verifiedSeconds > 0)
    fmt::print("  until verified:     {:.2f} s  (first fingerprint check ended: {}, {:.1f} KB of verification frames)\n",
               c.verifiedSeconds, c.receiverView.current.verifyDiffers ? "DIFFERENT" : "equal",
               c.receiverView.current.reconcileBytes / 1e3);
  else
    fmt::print("  not verified:       Hello.partial = {} (stores of different scopes are never compared)\n",
               c.receiverView.current.partial);
}

// Starts the receiver's engine (it dials the source) and waits until its vector covers
// `target` and both directions have caught up; then, when the session verifies (Hello not
// partial), until the first check ends. Verification starts only after the catch-up, so the
// first time is the catch-up without it and the second with it. Prints the figures.
std::optional<CatchUp> catchUp(Context& ctx, Node& receiver, const EngineOptions& options, const std::string& sourceKey,
                               const VersionVector& target, std::unique_ptr<Engine>& engine, const Scale& scale) {
  CatchUp out;
  auto t0 = Clock_::now();
  engine = Engine::start(internal::storeOf(receiver), ctx.clock, options).value();
  auto [status, ok] = engine->waitFor(
      [&](const SyncStatus& s) {
        const PeerStatus* p = s.findPeer(sourceKey);
        return p && p->caughtUp && covers(s.versionVector, target);
      },
      std::chrono::hours(2));
  out.seconds = seconds(t0, Clock_::now());
  if (!ok) {
    fmt::print("catch-up did not complete\n");
    return std::nullopt;
  }
  if (!status->findPeer(sourceKey)->current.partial) {
    auto [verified, done] = engine->waitFor(
        [&](const SyncStatus& s) {
          const PeerStatus* p = s.findPeer(sourceKey);
          return p && p->current.verifications > 0;
        },
        std::chrono::minutes(30));
    if (done) out.verifiedSeconds = seconds(t0, Clock_::now());
    status = verified;
  }
  out.receiverView = *status->findPeer(sourceKey);
  printCatchUp(out, scale);
  return out;
}

// Latency, bytes on the wire (a counting proxy between receiver and source) and batches of one
// changed member, as the source's writer notifies its engine and as another process would
// (found by the engine's poll). Restarts the receiver's engine through the proxy. `salt`
// keeps the written values new in each variant (an unchanged value writes nothing).
void oneChange(Context& ctx, Node& source, Engine& sourceEngine, const std::string& sourceEndpoint,
               const std::string& sourceKey, Node& receiver, const EngineOptions& receiverOptions,
               std::unique_ptr<Engine>& receiverEngine, int salt) {
  receiverEngine.reset();
  testing::TcpProxy proxy(static_cast<std::uint16_t>(std::stoi(sourceEndpoint.substr(sourceEndpoint.rfind(':') + 1))), {}, 1);
  (void)TrustStore::open(receiver.dataDir()).value().trust(sourceKey, "甲", fmt::format("tcp://127.0.0.1:{}", proxy.port()), 0);
  receiverEngine = Engine::start(internal::storeOf(receiver), ctx.clock, receiverOptions).value();
  receiverEngine->waitFor([&](const SyncStatus& s) { const PeerStatus* p = s.findPeer(sourceKey); return p && p->caughtUp; },
                          std::chrono::seconds(30));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Store& from = internal::storeOf(source);
  Store& to = internal::storeOf(receiver);
  auto receiverStats = [&] { return receiverEngine->status()->findPeer(sourceKey)->current; };
  for (int round = 0; round < 2; ++round) {
    const bool notify = round == 1;
    double latencies = 0, bytes = 0, verifyBytes = 0, batches = 0;
    constexpr int kRepeats = 10;
    for (int r = 0; r < kRepeats; ++r) {
      const RecordId id = ctx.member(static_cast<std::size_t>(r * 7919) % ctx.members).id;
      const std::string mobile = fmt::format("139{:08}", r + round * 100 + salt * 1000);
      const std::uint64_t before = proxy.bytes();
      const SessionStats statsBefore = receiverStats();
      auto w0 = Clock_::now();
      (void)from.write(Kind::Member, id, {{"mobile", mobile}});
      if (notify) sourceEngine.notifyLocalChange();
      while (true) {
        auto m = to.get(Kind::Member, id);
        if (m && m->get("mobile") == mobile) break;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      latencies += seconds(w0, Clock_::now());
      std::this_thread::sleep_for(std::chrono::milliseconds(150));  // let the ack come back
      bytes += static_cast<double>(proxy.bytes() - before);
      const SessionStats statsAfter = receiverStats();
      verifyBytes += static_cast<double>(statsAfter.reconcileBytes - statsBefore.reconcileBytes);
      batches += static_cast<double>(statsAfter.batchesReceived - statsBefore.batchesReceived);
    }
    fmt::print("one changed member:   {:.1f} ms  {:.0f} bytes on the wire, both directions, {:.0f} of them re-verification; "
               "{:.1f} batches received ({})\n",
               latencies / kRepeats * 1000, bytes / kRepeats, verifyBytes / kRepeats, batches / kRepeats,
               notify ? "writer notifies the engine" : "another process writes; found by polling every 100 ms");
  }
}

// µs per call of `f` over `records`; `f` returns whether the call gave the expected answer.
template <typename T, typename F>
double microsPerCall(const std::vector<T>& records, const char* what, F f) {
  std::size_t unexpected = 0;
  auto t0 = Clock_::now();
  for (const T& r : records) unexpected += f(r) ? 0 : 1;
  const double us = seconds(t0, Clock_::now()) * 1e6 / static_cast<double>(records.size());
  fmt::print("  {:<58} {:6.2f} us per call{}\n", what, us, unexpected ? fmt::format("  ({} UNEXPECTED answers)", unexpected) : "");
  return us;
}

// Copies every record of `kind` of `from` to `to` as local writes, ids kept: the union tree
// for a second source, or the certificates the office's first sync would bring it, without a
// sync whose rules would differ from the measured one (the office adopts the root only once
// its own certificate is there).
void copyRecords(Node& from, Node& to, Kind kind) {
  from.forEach(kind, [&](const Record& r) {
    std::vector<std::pair<std::string, std::string>> fields;
    for (const auto& [name, field] : r.fields) fields.emplace_back(name, field.value);
    if (!internal::storeOf(to).write(kind, r.id, fields)) throw std::runtime_error("record copy failed");
    return true;
  });
}

// Writes members [from, to) locally (what an import does), in transactions of 20k; seconds
// taken.
double bulkWrite(const Context& ctx, Node& node, std::size_t from, std::size_t to) {
  auto t0 = Clock_::now();
  constexpr std::size_t kChunk = 20000;
  for (std::size_t first = from; first < to; first += kChunk) {
    std::vector<Store::LocalWrite> writes;
    for (std::size_t i = first; i < std::min(to, first + kChunk); ++i) writes.push_back(ctx.member(i));
    if (!internal::storeOf(node).writeMany(writes)) throw std::runtime_error("bulk write failed");
  }
  return seconds(t0, Clock_::now());
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Context ctx;
  ctx.members = 1'000'000;
  bool durable = true;
  bool catchUpOnly = false;
  std::string base;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--members") && i + 1 < argc) ctx.members = std::stoull(argv[++i]);
    else if (!std::strcmp(argv[i], "--no-fsync")) durable = false;
    else if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) base = argv[++i];
    else if (!std::strcmp(argv[i], "--verbose")) ctx.verbose = true;
    else if (!std::strcmp(argv[i], "--catch-up-only")) catchUpOnly = true;
    else if (!std::strcmp(argv[i], "--apply-max") && i + 1 < argc) ctx.session.applyMaxChanges = std::stoull(argv[++i]);
    else if (!std::strcmp(argv[i], "--window") && i + 1 < argc) ctx.session.window = std::stoull(argv[++i]);
    else {
      fmt::print("usage: sync_bench [--members N] [--no-fsync] [--dir DIR] [--verbose] [--catch-up-only] "
                 "[--apply-max N] [--window N]\n");
      return 2;
    }
  }
  const std::size_t members = ctx.members;
  if (base.empty()) base = (std::filesystem::temp_directory_path() / fmt::format("unionsync-sync-bench-{}", ::getpid())).string();
  std::filesystem::remove_all(base);
  std::filesystem::create_directories(base);

  SystemRandom random;
  NodeOptions nodeOptions{.durable = durable};
  auto a = Node::create(base + "/a", "甲", ctx.clock, random, nodeOptions).value();
  const DistrictTree tree = buildTree(*a);
  ctx.tree = &tree;
  ctx.key = internal::storeOf(*a).deploymentKey();
  auto receiverNode = [&](const char* dir, const char* name) {
    auto node = Node::create(base + dir, name, ctx.clock, random, nodeOptions).value();
    (void)internal::storeOf(*node).adoptDeploymentKey(ctx.key);
    return node;
  };

  fmt::print("sync_bench: {} members in {} community unions, fsync {}, load average {:.1f}\n", members,
             tree.communities.size(), durable ? "on" : "off", loadAverage());
  // 1. Local bulk write of the members (what an import does), outside any deployment.
  ctx.bulkSeconds = bulkWrite(ctx, *a, 0, ctx.members);
  fmt::print("local bulk write:     {:.2f} s  {:>9.0f} records/s\n", ctx.bulkSeconds, members / ctx.bulkSeconds);

  const auto idA = loadOrCreateIdentity(a->dataDir()).value();
  auto startSource = [&](Node& source, std::shared_ptr<FederationPolicy> federation) {
    EngineOptions o = engineOptions(ctx, source, "A", std::move(federation));
    o.listen = {"tcp://127.0.0.1:0"};
    auto engine = Engine::start(internal::storeOf(source), ctx.clock, o).value();
    return std::pair{std::move(engine), engine->status()->listenEndpoints.at(0)};
  };

  // 2a. Full catch-up A -> B over CURVE on 127.0.0.1, the two paired by hand: no rules.
  fmt::print("\n(a) paired by hand, no certificates\n");
  auto b = receiverNode("/b", "乙");
  const auto idB = loadOrCreateIdentity(b->dataDir()).value();
  auto [ea, endpointA] = startSource(*a, nullptr);
  (void)TrustStore::open(a->dataDir()).value().trust(idB.publicKey, "乙", "", 0);
  (void)TrustStore::open(b->dataDir()).value().trust(idA.publicKey, "甲", endpointA, 0);
  ea->trustChanged();
  const EngineOptions ob = engineOptions(ctx, *b, "B", nullptr);
  std::unique_ptr<Engine> eb;
  const auto plain = catchUp(ctx, *b, ob, idA.publicKey, internal::storeOf(*a).versionVector(), eb,
                             {"full catch-up:", members, ctx.bulkSeconds});
  if (!plain) return 1;
  const bool equal = internal::storeOf(*a).digest() == internal::storeOf(*b).digest() && internal::storeOf(*b).count(Kind::Member) == members;
  fmt::print("digests equal:        {} ({} members on B)\n", equal ? "yes" : "NO", internal::storeOf(*b).count(Kind::Member));
  if (catchUpOnly) {
    eb.reset();
    ea.reset();
    std::filesystem::remove_all(base);
    return equal ? 0 : 1;
  }

  // 3a. One changed member.
  oneChange(ctx, *a, *ea, endpointA, idA.publicKey, *b, ob, eb, 0);

  // 3b. B lacks a tenth: N/10 new members written at A while B's engine is stopped.
  eb.reset();
  const std::size_t tenth = members / 10;
  const double tenthBulk = bulkWrite(ctx, *a, members, members + tenth);
  fmt::print("\nB lacks {} new members (local bulk write at A: {:.2f} s)\n", tenth, tenthBulk);
  (void)TrustStore::open(b->dataDir()).value().trust(idA.publicKey, "甲", endpointA, 0);  // not the proxy's port
  const auto partialCatchUp = catchUp(ctx, *b, ob, idA.publicKey, internal::storeOf(*a).versionVector(), eb,
                                      {"catch-up of a tenth:", tenth, tenthBulk});
  if (!partialCatchUp) return 1;
  const bool tenthEqual = internal::storeOf(*a).digest() == internal::storeOf(*b).digest() &&
                          internal::storeOf(*b).count(Kind::Member) == members + tenth;
  fmt::print("digests equal:        {} ({} members on B); {:.3f}x the full catch-up's time for {:.3f}x its members\n",
             tenthEqual ? "yes" : "NO", internal::storeOf(*b).count(Kind::Member), partialCatchUp->seconds / plain->seconds,
             static_cast<double>(tenth) / static_cast<double>(members));

  // 4. Idle CPU of the two connected nodes (both engines live in this process).
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const double c0 = cpuSeconds();
  auto i0 = Clock_::now();
  std::this_thread::sleep_for(std::chrono::seconds(5));
  const double idle = (cpuSeconds() - c0) / seconds(i0, Clock_::now());
  fmt::print("idle CPU, 2 nodes:    {:.2f}% of one core over 5 s (heartbeats + vector polls)\n", idle * 100);
  eb.reset();
  ea.reset();
  b.reset();
  std::filesystem::remove_all(base + "/b");  // its pages would only crowd the cache

  // 2b. The same members written by S, the deployment's root (its first grant came before
  // them, so each change is signed), and C an office certified for the top organization. C
  // gets the certificates first, as its first sync would bring them, so the measured session
  // runs with rules on both sides.
  fmt::print("\n(b) S is the root (its changes signed), C an office certified for the top organization\n");
  auto c = receiverNode("/c", "丙");
  const auto idC = loadOrCreateIdentity(c->dataDir()).value();
  auto sRoot = receiverNode("/s", "甲");
  copyRecords(*a, *sRoot, Kind::Organization);
  a.reset();
  std::filesystem::remove_all(base + "/a");
  auto granted = sRoot->federation().grant(
      {c->federation().nodeCode().value(), tree.district, CertificateRole::Office, false, 365, "office", ""});
  if (!granted || !granted->becameRoot) {
    fmt::print("grant failed: {}\n", granted ? "S did not become the root" : granted.error().message);
    return 1;
  }
  const double signedBulk = bulkWrite(ctx, *sRoot, 0, ctx.members);
  fmt::print("local bulk write, signed: {:.2f} s  {:>9.0f} records/s  ({:.2f}x unsigned, {:+.1f} us per change)\n", signedBulk,
             members / signedBulk, signedBulk / ctx.bulkSeconds, (signedBulk - ctx.bulkSeconds) * 1e6 / static_cast<double>(members));
  copyRecords(*sRoot, *c, Kind::Certificate);
  copyRecords(*sRoot, *c, Kind::OriginClaim);
  const ScopeInfo scopeC = c->federation().scope();
  if (!scopeC.grant || scopeC.grant->scope.org != tree.district) {
    fmt::print("C does not hold its grant: {}\n", scopeC.problem);
    return 1;
  }
  const auto idS = loadOrCreateIdentity(sRoot->dataDir()).value();
  auto [ea2, endpointA2] = startSource(*sRoot, sRoot->federation().policy());
  // S does not trust C by hand: it admits C by its certificate. C dials, so it needs S's key.
  (void)TrustStore::open(c->dataDir()).value().trust(idS.publicKey, "甲", endpointA2, 0);
  const EngineOptions oc = engineOptions(ctx, *c, "C", c->federation().policy());
  std::unique_ptr<Engine> ec;
  const auto ruled = catchUp(ctx, *c, oc, idS.publicKey, internal::storeOf(*sRoot).versionVector(), ec,
                             {"full catch-up:", members, ctx.bulkSeconds});
  if (!ruled) return 1;
  // A benchmark that silently measured the unrestricted path would be worse than none.
  const PeerStatus* cAtA = ea2->status()->findPeer(idC.publicKey);
  const std::string certificate = cAtA ? cAtA->certificate : "";
  fmt::print("rules in force:       S's view of C: certified {}, \"{}\"; C's session partial {}; refused {}\n",
             cAtA && cAtA->certified, certificate, ruled->receiverView.current.partial,
             ruled->receiverView.total.changesRefused);
  const bool ruledEqual = subtreeDigest(*sRoot, tree.district).value_or("a") == subtreeDigest(*c, tree.district).value_or("c") &&
                          internal::storeOf(*c).count(Kind::Member) == members;
  fmt::print("subtree digests equal: {} ({} members on C)\n", ruledEqual ? "yes" : "NO", internal::storeOf(*c).count(Kind::Member));
  if (certificate.empty() || !ruled->receiverView.current.partial) {
    fmt::print("variant (b) did not run with rules\n");
    return 1;
  }
  oneChange(ctx, *sRoot, *ea2, endpointA2, idS.publicKey, *c, oc, ec, 1);
  ec.reset();
  ea2.reset();

  fmt::print("\n(b) / (a): catch-up {:.2f}x ({:.2f}x against (a) until verified); {:+.1f} us per member; bytes received {:.2f}x, "
             "changes received {:.2f}x\n",
             ruled->seconds / plain->seconds,
             plain->verifiedSeconds > 0 ? ruled->seconds / plain->verifiedSeconds : 0.0,
             (ruled->seconds - plain->seconds) * 1e6 / static_cast<double>(members),
             static_cast<double>(ruled->receiverView.total.bytesReceived) / static_cast<double>(plain->receiverView.total.bytesReceived),
             static_cast<double>(ruled->receiverView.total.changesReceived) / static_cast<double>(plain->receiverView.total.changesReceived));

  // 5. The rules alone, per call, over stored members (engines stopped: nothing else runs).
  std::vector<Record> sample;
  sRoot->forEach(Kind::Member, [&](const Record& r) {
    sample.push_back(r);
    return sample.size() < 200'000;
  });
  auto rulesAforC = sRoot->federation().policy()->rulesFor(idC.publicKey, internal::storeOf(*c).info().origin);
  auto rulesCforA = c->federation().policy()->rulesFor(idS.publicKey, internal::storeOf(*sRoot).info().origin);
  if (!rulesAforC || !rulesCforA) {
    fmt::print("no rules for the pair\n");
    return 1;
  }
  Store& storeA = internal::storeOf(*sRoot);
  Store& storeC = internal::storeOf(*c);
  const RecordLookup lookupA = [&](Kind kind, const RecordId& id) { return storeA.get(kind, id); };
  const RecordLookup lookupC = [&](Kind kind, const RecordId& id) { return storeC.get(kind, id); };
  const Change change{};  // the rules judge records; the change is only passed along
  fmt::print("\nrules per call, {} members (community → street → district):\n", sample.size());
  microsPerCall(sample, "Store::get of the member (one store read, for scale)",
                [&](const Record& r) { return storeA.get(Kind::Member, r.id).has_value(); });
  microsPerCall(sample, "A: mayReceive for C (changesSince's filter)", [&](const Record& r) { return rulesAforC->mayReceive(r); });
  microsPerCall(sample, "A: sendWhole for C (a change that writes the owner field)",
                [&](const Record& r) { return rulesAforC->sendWhole(r, change); });
  microsPerCall(sample, "C: refusal of A's change (A is the root)", [&](const Record& r) {
    return rulesCforA->gate().refusal(change, std::nullopt, r, lookupC).empty();
  });
  microsPerCall(sample, "A: refusal of C's change (C's scope: the top organization)", [&](const Record& r) {
    return rulesAforC->gate().refusal(change, std::nullopt, r, lookupA).empty();
  });
  // The schema check every received change passes (app/records/received_check.h), here of
  // the changes that created the members, as a receiver without them sees them.
  const ReceivedValidator check = makeReceivedValidator([&] { return ctx.key; }, ctx.clock);
  std::vector<Change> created;
  for (Change& ch : storeA.changesSince({}, {}, sample.size() + 1000, SIZE_MAX).changes)
    if (ch.kind == Kind::Member && created.size() < sample.size()) created.push_back(std::move(ch));
  microsPerCall(created, "C: validateReceived of a new member (schema check)", [&](const Change& ch) {
    const ReceivedVerdict verdict = check(ch, std::nullopt, Record{ch.kind, ch.id, {}}, lookupC);
    return verdict.refusal.empty() && !verdict.waitFor;
  });

  // 6. Origin signatures per change: signing (each local write inside a deployment), and the
  // check a receiver makes of a change whose sender does not answer for its origin, over the
  // members' changes (signed; the tree was copied in before the grant, unsigned).
  const auto signing = loadOrCreateSigningKey(sRoot->dataDir()).value();
  fmt::print("\norigin signatures per change, {} changes:\n", created.size());
  microsPerCall(created, "sign: digest + Ed25519 signature", [&](const Change& ch) {
    return signChangeDigest(changeDigest(ch, {}), signing) != Signature{};
  });
  microsPerCall(created, "verify: digest + Ed25519 check (relayed change)", [&](const Change& ch) {
    return ch.signature && changeSignatureVerifies(changeDigest(ch, ch.signature->absent), ch.signature->bytes, signing.publicKey);
  });
  fmt::print("load average at the end {:.1f}\n", loadAverage());

  std::filesystem::remove_all(base);
  return equal && tenthEqual && ruledEqual ? 0 : 1;
}
