#include "app/federation/federation.h"

#include <sys/stat.h>

#include <fmt/format.h>

#include "app/federation/node_code.h"
#include "app/federation/peer_rules_impl.h"
#include "app/model/clock.h"
#include "sync/identity.h"

namespace unionsync {

std::shared_ptr<OwnRights> makeOwnRights() { return std::make_shared<OwnRights>(); }

LocalWriteCheck makeLocalWriteCheck(std::shared_ptr<OwnRights> rights, Clock& clock) {
  return [rights = std::move(rights), &clock](const std::optional<Record>& before, const Record& after,
                                              const RecordLookup& lookup) -> std::string {
    if (isFederationKind(after.kind)) return {};
    auto own = rights->get();
    if (!own->restricted) return {};
    if (!own->scope)
      return "本节点没有有效的证书，不能修改记录：" + own->problem + " / this node holds no valid certificate and may not write: " +
             own->problem;
    if (clock.nowMs() > own->expiresMs)
      return "本节点的证书已过期，请上级工会重新授权（grant）/ this node's certificate has expired: ask the issuing union "
             "to grant it again";
    if (std::string why = writeRefusal(*own->scope, before, after, lookup, "本节点 / this node"); !why.empty()) return why;
    // A transfer out of the scope: kept until a node covering us holds it, then dropped.
    if (before && !covers(*own->scope, after, lookup)) rights->mayHaveDepartures = true;
    return {};
  };
}

std::function<std::optional<Signature>(const LocalChangeDigest&)> makeChangeSigner(
    std::shared_ptr<OwnRights> rights, std::string dataDir) {
  struct Key {
    std::mutex mutex;
    std::optional<SigningKeyPair> pair;  // read once, on the first signed write
  };
  return [rights = std::move(rights), dataDir = std::move(dataDir),
          key = std::make_shared<Key>()](const LocalChangeDigest& digest) -> std::optional<Signature> {
    auto own = rights->get();
    if (!own->restricted || !own->scope) return std::nullopt;
    std::lock_guard lock(key->mutex);
    if (!key->pair) {
      auto loaded = loadOrCreateSigningKey(dataDir);
      if (!loaded) return std::nullopt;  // the federation reports the missing key (scope, status)
      key->pair = *loaded;
    }
    return signChangeDigest(digest(), *key->pair);
  };
}

namespace {

constexpr std::int64_t kReloadAfterMs = 60'000;
constexpr std::int64_t kDayMs = 24 * 3600 * 1000;

bool fileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// The root a chain of certificates of `key` leads to: the issuer at the top, which holds no
// certificate but its own.
std::optional<SigningPublicKey> candidateRoot(const GrantBook& book, SigningPublicKey key) {
  for (std::size_t depth = 0; depth <= kMaxChainLength; ++depth) {
    auto held = book.certificatesOf(key);
    const HeldCertificate* above = nullptr;
    for (const HeldCertificate* h : held)
      if (h->certificate.issuerSigningKey != key) above = above ? above : h;
    if (!above) return key;
    key = above->certificate.issuerSigningKey;
  }
  return std::nullopt;
}

}  // namespace

Federation::Federation(Store& store, Clock& clock, std::string dataDir, ChangeFeed& changes,
                       std::shared_ptr<OwnRights> rights)
    : store_(store), clock_(clock), dataDir_(std::move(dataDir)), rights_(std::move(rights)) {
  reload();
  policy_ = makeFederationPolicy(store_, [this] { return state(); }, rights_);
  reloadOnCommit_ = changes.subscribe([this] { reload(); });
}

Federation::~Federation() = default;

void Federation::reload() {
  auto root = loadRootKey(dataDir_);
  auto next = std::make_shared<FederationState>();
  const std::int64_t now = clock_.nowMs();
  if (fileExists(dataDir_ + "/sync/sign.key"))
    if (auto signing = loadOrCreateSigningKey(dataDir_)) next->ownKey = signing->publicKey;
  std::optional<SigningPublicKey> rootKey = root ? *root : std::nullopt;
  next->book = GrantBook::load(store_, rootKey, now);
  if (!rootKey && next->ownKey && !next->book.certificatesOf(*next->ownKey).empty()) {
    // A certificate of our own key arrived: adopt the root its chain leads to, if it verifies.
    if (auto candidate = candidateRoot(next->book, *next->ownKey)) {
      GrantBook trial = GrantBook::load(store_, candidate, now);
      if (trial.forSigningKey(*next->ownKey))
        if (auto adopted = adoptRootKey(dataDir_, *candidate)) next->book = GrantBook::load(store_, *adopted, now);
    }
  }
  auto rights = std::make_shared<OwnRights::Snapshot>();
  if (next->book.inDeployment()) {
    rights->restricted = true;
    next->own = next->ownKey ? next->book.forSigningKey(*next->ownKey)
                             : Result<ValidGrant>(std::unexpected(Error{"本节点没有签名密钥 / this node has no signing key"}));
    if (*next->own) {
      rights->scope = (*next->own)->scope;
      rights->expiresMs = (*next->own)->held.certificate.expiresMs;
    } else {
      rights->problem = next->own->error().message;
    }
  }
  rights_->set(std::move(rights));
  const bool claimOwnOrigin = next->own && *next->own && next->ownKey &&
                              next->book.ownerOf(store_.info().origin) != OriginOwner{OriginOwner::Claimed, *next->ownKey};
  {
    std::lock_guard lock(mutex_);
    state_ = std::move(next);
    loadedMs_ = now;
  }
  // Last: the write reloads again (the change feed), and that newer state must stay.
  if (claimOwnOrigin) writeOriginClaim();
}

void Federation::writeOriginClaim() {
  auto signing = loadOrCreateSigningKey(dataDir_);
  if (!signing) return;
  const std::string bytes =
      encodeOriginClaim(signOriginClaim(OriginClaim{store_.info().origin, clock_.nowMs(), {}, {}}, *signing));
  // A failure (a full disk) leaves the origin unclaimed: the next reload tries again, and
  // until then peers take this node's changes on their sender's word only.
  (void)store_.write(Kind::OriginClaim, originClaimRecordId(bytes), {{"claim", hexOf(bytes)}});
}

std::shared_ptr<const FederationState> Federation::state() const {
  {
    std::lock_guard lock(mutex_);
    if (clock_.nowMs() - loadedMs_ < kReloadAfterMs) return state_;
  }
  const_cast<Federation*>(this)->reload();  // expiry moves with time, not with commits
  std::lock_guard lock(mutex_);
  return state_;
}

Result<std::string> Federation::nodeCode() const {
  auto identity = loadOrCreateIdentity(dataDir_);
  if (!identity) return std::unexpected(identity.error());
  auto signing = loadOrCreateSigningKey(dataDir_);
  if (!signing) return std::unexpected(signing.error());
  auto nodeId = RecordId::fromHex(store_.info().nodeId);
  auto curve = rawOfZ85Key(identity->publicKey);
  if (!nodeId || !curve) return fail("本节点的身份无效 / this node's identity is invalid");
  NodeCode code{*curve, signing->publicKey, nodeId->bytes};
  return encodeNodeCode(code);
}

Result<GrantIssued> Federation::grant(const GrantRequest& request) {
  auto code = decodeNodeCode(request.nodeCode);
  if (!code) return std::unexpected(code.error());
  if (request.days < 1 || request.days > 3650)
    return fail(fmt::format("有效天数应在 1 到 3650 之间，收到 {} / --days must be 1 to 3650, got {}", request.days,
                            request.days));
  if (request.role == CertificateRole::Capture && request.delegate)
    return fail("外展采集节点不能再授权其他节点（去掉 --delegate）/ a capture node cannot delegate: drop --delegate");
  auto org = store_.get(Kind::Organization, request.scope);
  if (!org || org->deleted())
    return fail("授权范围必须是一个现有的工会组织 / the scope must be an existing organization");
  auto signing = loadOrCreateSigningKey(dataDir_);
  if (!signing) return std::unexpected(signing.error());
  if (code->signingKey == signing->publicKey) return fail("不能给本节点自己授权 / a node cannot grant itself");

  const std::int64_t now = clock_.nowMs();
  GrantIssued issued;
  auto current = state();
  std::int64_t expires = now + static_cast<std::int64_t>(request.days) * kDayMs;
  if (!current->book.inDeployment()) {
    // The first grant makes this node the deployment's root: its own certificate covers the
    // whole tree, so other nodes learn its CURVE key and admit it like any certified node.
    auto identity = loadOrCreateIdentity(dataDir_);
    if (!identity) return std::unexpected(identity.error());
    auto adopted = adoptRootKey(dataDir_, signing->publicKey);
    if (!adopted) return std::unexpected(adopted.error());
    if (*adopted != signing->publicKey) return fail("本节点已属于另一个部署 / this node already belongs to another deployment");
    Certificate self;
    self.subjectSigningKey = signing->publicKey;
    self.subjectCurveKey = *rawOfZ85Key(identity->publicKey);
    self.subjectNodeId = RecordId::fromHex(store_.info().nodeId)->bytes;
    self.role = CertificateRole::Office;
    self.mayDelegate = true;
    self.issuedMs = now;
    self.expiresMs = now + 100LL * 365 * kDayMs;
    const std::string bytes = encodeCertificate(signCertificate(self, *signing));
    auto written = store_.write(Kind::Certificate, certificateRecordId(bytes),
                                {{"certificate", hexOf(bytes)}, {"name", store_.info().nodeName}});
    if (!written) return std::unexpected(written.error());
    issued.becameRoot = true;
    reload();
    current = state();
  }
  if (!current->own || !*current->own)
    return fail("本节点没有有效的证书，不能授权：" + (current->own ? current->own->error().message : std::string()) +
                " / this node holds no valid certificate and cannot grant");
  const ValidGrant& mine = **current->own;
  if (!mine.isRoot && !mine.held.certificate.mayDelegate)
    return fail("本节点的证书不允许授权其他节点 / this node's certificate does not allow delegation");
  const RecordLookup lookup = [this](Kind kind, const RecordId& id) { return store_.get(kind, id); };
  if (!orgWithin(lookup, request.scope, mine.scope.org))
    return fail("授权范围超出本节点自己的范围 / the scope lies outside this node's own scope");
  if (!mine.isRoot) expires = std::min(expires, mine.held.certificate.expiresMs);

  Certificate c;
  c.subjectSigningKey = code->signingKey;
  c.subjectCurveKey = code->curveKey;
  c.subjectNodeId = code->nodeId;
  c.scope = request.scope;
  c.role = request.role;
  c.mayDelegate = request.delegate;
  c.issuedMs = now;
  c.expiresMs = expires;
  issued.certificate = signCertificate(c, *signing);
  const std::string bytes = encodeCertificate(issued.certificate);
  issued.certificateId = certificateRecordId(bytes);
  std::vector<std::pair<std::string, std::string>> fields{{"certificate", hexOf(bytes)}};
  if (!request.name.empty()) fields.emplace_back("name", request.name);
  if (!request.address.empty()) fields.emplace_back("address", request.address);
  auto written = store_.write(Kind::Certificate, issued.certificateId, fields);
  if (!written) return std::unexpected(written.error());
  issued.curveKey = z85OfRawKey(std::string_view(reinterpret_cast<const char*>(c.subjectCurveKey.data()), 32));
  reload();
  return issued;
}

Result<std::vector<RecordId>> Federation::revokeGrant(std::string_view keyOrName) {
  auto signing = loadOrCreateSigningKey(dataDir_);
  if (!signing) return std::unexpected(signing.error());
  auto current = state();
  if (!current->book.inDeployment()) return fail("本节点不属于任何部署 / this node is in no deployment");
  const bool isRoot = *current->book.root() == signing->publicKey;
  std::optional<SigningPublicKey> byCode;
  if (auto code = decodeNodeCode(keyOrName)) byCode = code->signingKey;
  std::vector<SigningPublicKey> targets;
  bool foundOthers = false;
  for (const HeldCertificate& held : current->book.certificates()) {
    const Certificate& c = held.certificate;
    const bool named = hexOfKey(c.subjectSigningKey) == keyOrName || (byCode && *byCode == c.subjectSigningKey) ||
                       (!held.name.empty() && held.name == keyOrName);
    if (!named || c.subjectSigningKey == signing->publicKey) continue;
    if (!isRoot && c.issuerSigningKey != signing->publicKey) {
      foundOthers = true;
      continue;
    }
    if (std::find(targets.begin(), targets.end(), c.subjectSigningKey) == targets.end()) targets.push_back(c.subjectSigningKey);
  }
  if (targets.empty())
    return fail(foundOthers ? "这个节点的证书不是本节点签发的，只有根节点或签发者可以吊销 / that certificate was not issued "
                              "here: only the root or its issuer can revoke it"
                            : fmt::format("找不到「{}」的证书（可用签名公钥、节点码或授权时的名称）/ no certificate "
                                          "for '{}' (give its signing key, node code or the name given at grant)",
                                          keyOrName, keyOrName));
  if (targets.size() > 1)
    return fail(fmt::format("「{}」对应多个节点，请用签名公钥指定 / '{}' names several nodes: give the signing key",
                            keyOrName, keyOrName));
  std::vector<RecordId> written;
  Revocation r;
  r.revokedKey = targets.front();
  r.issuedMs = clock_.nowMs();
  const std::string bytes = encodeRevocation(signRevocation(r, *signing));
  const RecordId id = revocationRecordId(bytes);
  auto ok = store_.write(Kind::Revocation, id, {{"revocation", hexOf(bytes)}});
  if (!ok) return std::unexpected(ok.error());
  written.push_back(id);
  reload();
  return written;
}

ScopeInfo Federation::scope() const {
  auto current = state();
  ScopeInfo info;
  info.inDeployment = current->book.inDeployment();
  if (!info.inDeployment) return info;
  info.rootKey = hexOfKey(*current->book.root());
  if (current->own && *current->own) {
    info.grant = **current->own;
    info.isRoot = info.grant->isRoot;
  } else if (current->own) {
    info.problem = current->own->error().message;
  }
  return info;
}

std::vector<std::pair<HeldCertificate, std::string>> Federation::certificates() const {
  auto current = state();
  std::vector<std::pair<HeldCertificate, std::string>> out;
  for (const HeldCertificate& held : current->book.certificates()) {
    auto grant = current->book.forSigningKey(held.certificate.subjectSigningKey);
    std::string problem;
    if (!grant) problem = grant.error().message;
    else if (grant->held.recordId != held.recordId) problem = "已被更新的证书取代 / superseded by a later certificate";
    out.emplace_back(held, problem);
  }
  return out;
}

}  // namespace unionsync
